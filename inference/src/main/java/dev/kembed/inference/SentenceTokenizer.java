package dev.kembed.inference;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Texts to token ids with the model's own {@code tokenizer.json} (DJL's binding of the Rust
 * HuggingFace tokenizers): special tokens added, truncated to the token limit, never padded —
 * padding is done per batch by {@link TokenBatch}. Thread-safe: DJL's {@code encode} only reads
 * fields fixed at construction and the Rust {@code Tokenizer::encode} takes {@code &self}; {@code
 * OnnxEmbedderTest} checks concurrent use.
 */
final class SentenceTokenizer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SentenceTokenizer.class);

  static {
    preventNativeDownloads();
  }

  private final HuggingFaceTokenizer tokenizer;
  private final int maxTokens;

  SentenceTokenizer(byte[] tokenizerJson, int maxTokens) {
    this.maxTokens = maxTokens;
    Map<String, String> options =
        Map.of(
            "addSpecialTokens", "true",
            "truncation", "true",
            // DJL's default (padding=longest within one encode call) is harmless for single texts,
            // but the shipped tokenizer.json asks for Fixed(128) padding: switch padding off.
            "padding", "false",
            "maxLength", Integer.toString(maxTokens),
            // DJL caps maxLength at modelMaxLength (default 512); keep the cap at our own limit.
            "modelMaxLength", Integer.toString(Math.max(maxTokens, 512)));
    try {
      this.tokenizer =
          HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson), options);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load tokenizer.json", e);
    }
  }

  /**
   * DJL looks for a native build matching the host (a CUDA flavour if it sees a GPU) and downloads
   * it when absent. Clusters may be air-gapped and the CPU build ships in the jar, so unless the
   * deployment says otherwise, pin the CPU flavour and forbid downloads.
   */
  private static void preventNativeDownloads() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
      log.debug("ai.djl.offline was unset: set to true");
    }
    if (System.getenv("TOKENIZERS_FLAVOR") == null
        && System.getProperty("TOKENIZERS_FLAVOR") == null) {
      System.setProperty("TOKENIZERS_FLAVOR", "cpu");
      log.debug("TOKENIZERS_FLAVOR was unset: set to cpu");
    }
  }

  int maxTokens() {
    return maxTokens;
  }

  /** Token ids of each text, special tokens included, at most {@link #maxTokens()} long. */
  long[][] encode(List<String> texts) {
    String[] cleaned = new String[texts.size()];
    for (int i = 0; i < cleaned.length; i++) {
      cleaned[i] = replaceLoneSurrogates(texts.get(i));
    }
    long[][] ids = new long[cleaned.length][];
    if (cleaned.length == 1) {
      ids[0] = tokenizer.encode(cleaned[0], true, false).getIds();
    } else {
      Encoding[] encodings = tokenizer.batchEncode(cleaned, true, false);
      for (int i = 0; i < ids.length; i++) {
        ids[i] = encodings[i].getIds();
      }
    }
    return ids;
  }

  /**
   * A Java string may hold an unpaired UTF-16 surrogate (a truncated emoji), which is not valid
   * Unicode and cannot cross into Rust's UTF-8 strings; replace it as a UTF-8 decoder would.
   */
  static String replaceLoneSurrogates(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean paired =
          Character.isHighSurrogate(c)
              && i + 1 < text.length()
              && Character.isLowSurrogate(text.charAt(i + 1));
      if (paired) {
        if (out != null) {
          out.append(c).append(text.charAt(i + 1));
        }
        i++;
      } else if (Character.isSurrogate(c)) {
        if (out == null) {
          out = new StringBuilder(text.length()).append(text, 0, i);
        }
        out.append('\uFFFD');
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
