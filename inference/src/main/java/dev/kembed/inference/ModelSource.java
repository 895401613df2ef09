package dev.kembed.inference;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a model's ONNX graph and {@code tokenizer.json} come from, chosen by one string: a built-in
 * name ({@value #MINILM_INT8} — the default, dynamically quantized int8 — or {@value #MINILM_FP32})
 * whose files ship inside the langchain4j model jars on the classpath, or a filesystem directory
 * holding {@code model.onnx} and {@code tokenizer.json} (a fine-tuned or multilingual export).
 * Nothing is ever downloaded. {@link #id()} carries a hash of the model bytes; the id an embedder
 * reports ({@link ModelIdentity}) adds a hash of every other setting that changes vectors.
 */
public final class ModelSource {

  public static final String MINILM_INT8 = "all-minilm-l6-v2-q";
  public static final String MINILM_FP32 = "all-minilm-l6-v2";
  public static final String DEFAULT = MINILM_INT8;

  /**
   * sentence-transformers truncates all-MiniLM-L6-v2 at 256 word pieces (its max_seq_length); the
   * tokenizer.json in the jar says 128 only because that was the training length.
   */
  private static final int MINILM_MAX_TOKENS = 256;

  /**
   * Fallback when neither sentence_bert_config.json nor tokenizer.json names a limit: BERT's
   * positions.
   */
  private static final int BERT_MAX_POSITIONS = 512;

  private static final Pattern SBERT_MAX_SEQ = Pattern.compile("\"max_seq_length\"\\s*:\\s*(\\d+)");
  private static final Pattern TRUNCATION_MAX =
      Pattern.compile("\"truncation\"\\s*:\\s*\\{[^}]*?\"max_length\"\\s*:\\s*(\\d+)");

  private final String name;
  private final byte[] modelBytes;
  private final byte[] tokenizerJson;
  private final int defaultMaxTokens;
  private final String id;

  private ModelSource(String name, byte[] modelBytes, byte[] tokenizerJson, int defaultMaxTokens) {
    this.name = name;
    this.modelBytes = modelBytes;
    this.tokenizerJson = tokenizerJson;
    this.defaultMaxTokens = defaultMaxTokens;
    this.id = name + "@" + sha256Prefix(modelBytes);
  }

  /**
   * Resolves a model string: a built-in name or a directory path.
   *
   * @throws IllegalArgumentException if the name is unknown or a required file is missing
   */
  public static ModelSource resolve(String spec) {
    if (spec == null || spec.isBlank()) {
      spec = DEFAULT;
    }
    spec = spec.strip();
    if (spec.equals(MINILM_INT8) || spec.equals(MINILM_FP32)) {
      return builtIn(spec);
    }
    Path dir = Path.of(spec);
    if (Files.isDirectory(dir)) {
      return directory(dir);
    }
    throw new IllegalArgumentException(
        "unknown model '"
            + spec
            + "': expected "
            + MINILM_INT8
            + ", "
            + MINILM_FP32
            + " or a directory containing model.onnx and tokenizer.json");
  }

  private static ModelSource builtIn(String name) {
    byte[] model = classpathResource("/" + name + ".onnx");
    byte[] tokenizer = classpathResource("/" + name + "-tokenizer.json");
    return new ModelSource(name, model, tokenizer, MINILM_MAX_TOKENS);
  }

  private static ModelSource directory(Path dir) {
    Path model = dir.resolve("model.onnx");
    Path tokenizer = dir.resolve("tokenizer.json");
    for (Path required : new Path[] {model, tokenizer}) {
      if (!Files.isRegularFile(required)) {
        throw new IllegalArgumentException(
            "model directory "
                + dir.toAbsolutePath()
                + " has no "
                + required.getFileName()
                + " (it needs model.onnx and tokenizer.json)");
      }
    }
    byte[] tokenizerJson = readFile(tokenizer);
    int maxTokens = directoryMaxTokens(dir.resolve("sentence_bert_config.json"), tokenizerJson);
    String name = dir.toAbsolutePath().normalize().getFileName().toString();
    return new ModelSource(name, readFile(model), tokenizerJson, maxTokens);
  }

  /** sentence-transformers' own limit wins; then the tokenizer's truncation; then BERT's 512. */
  private static int directoryMaxTokens(Path sbertConfig, byte[] tokenizerJson) {
    if (Files.isRegularFile(sbertConfig)) {
      Matcher m = SBERT_MAX_SEQ.matcher(new String(readFile(sbertConfig), StandardCharsets.UTF_8));
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
    Matcher m = TRUNCATION_MAX.matcher(new String(tokenizerJson, StandardCharsets.UTF_8));
    return m.find() ? Integer.parseInt(m.group(1)) : BERT_MAX_POSITIONS;
  }

  private static byte[] classpathResource(String path) {
    try (InputStream in = ModelSource.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException(
            "classpath resource "
                + path
                + " not found: add the langchain4j-embeddings jar for this model"
                + " (the service jar carries the fp32 model only when built with mvn -Pfp32)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  private static byte[] readFile(Path path) {
    try {
      return Files.readAllBytes(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  static String sha256Prefix(byte[] bytes) {
    return sha256Hex(bytes, 12);
  }

  /** The first {@code hexDigits} hex digits of the SHA-256 of {@code bytes}. */
  static String sha256Hex(byte[] bytes, int hexDigits) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return HexFormat.of().formatHex(digest).substring(0, hexDigits);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is mandatory on every JVM", e);
    }
  }

  /** Short name: the built-in name or the directory's name. */
  public String name() {
    return name;
  }

  /**
   * {@code name@<first 12 hex of SHA-256 of the model bytes>}; the model part of {@link
   * ModelIdentity#id()}.
   */
  public String id() {
    return id;
  }

  /** Token limit used when the options do not set one. */
  public int defaultMaxTokens() {
    return defaultMaxTokens;
  }

  /** The ONNX protobuf; callers must not modify it. */
  byte[] modelBytes() {
    return modelBytes;
  }

  /** First 12 hex of the SHA-256 of the model bytes. */
  String modelHash() {
    return id.substring(id.lastIndexOf('@') + 1);
  }

  /** First 12 hex of the SHA-256 of tokenizer.json. */
  String tokenizerHash() {
    return sha256Prefix(tokenizerJson);
  }

  /** The tokenizer.json contents; callers must not modify it. */
  byte[] tokenizerJson() {
    return tokenizerJson;
  }

  @Override
  public String toString() {
    return id;
  }
}
