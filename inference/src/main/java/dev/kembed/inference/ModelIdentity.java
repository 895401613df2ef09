package dev.kembed.inference;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Everything that decides which vector a text gets, and the model id derived from it. Two embedders
 * with the same id must produce the same vectors (up to float noise), so the id hashes the model
 * bytes, the tokenizer, the truncation length, the pooling, ONNX Runtime's graph optimisation level
 * (which changes int8 vectors down to cosine 0.992) and the run mode (one text per run vs batches).
 * The id reads {@code <name>@<12 hex of the model bytes' SHA-256>.<8 hex of the settings'
 * SHA-256>}, e.g. {@code all-minilm-l6-v2-q@afdb6f1a0e45.5d0c1e7a}; {@link #settings()} is the
 * human-readable text the second hash covers, logged at start.
 *
 * @param name the model's short name (built-in name or directory name)
 * @param modelHash first 12 hex of the SHA-256 of the ONNX bytes
 * @param tokenizerHash first 12 hex of the SHA-256 of tokenizer.json
 * @param maxTokens truncation length, special tokens included
 * @param pooling how token vectors become one vector, e.g. {@code mean(last_hidden_state)}
 * @param optimization ONNX Runtime graph optimisation level
 * @param runMode {@code per-text}, {@code batched} (batch-invariant graph) or {@code batched:<n>}
 *     (a dynamically quantized graph batched n at a time, whose vectors depend on the batch)
 */
public record ModelIdentity(
    String name,
    String modelHash,
    String tokenizerHash,
    int maxTokens,
    String pooling,
    EmbedderOptions.Optimization optimization,
    String runMode) {

  /** The run mode of an embedder: see the record's doc. */
  public static String runMode(boolean perText, boolean graphInvariant, int batchSize) {
    if (perText) {
      return "per-text";
    }
    return graphInvariant ? "batched" : "batched:" + batchSize;
  }

  /** The settings the id's second hash covers, as one line. */
  public String settings() {
    return "tokenizer="
        + tokenizerHash
        + ";max.tokens="
        + maxTokens
        + ";pooling="
        + pooling
        + ";optimization="
        + optimization.name().toLowerCase(Locale.ROOT)
        + ";run="
        + runMode;
  }

  /** {@code name@modelHash.settingsHash}. */
  public String id() {
    return name
        + "@"
        + modelHash
        + "."
        + ModelSource.sha256Hex(settings().getBytes(StandardCharsets.UTF_8), 8);
  }
}
