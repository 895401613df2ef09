package dev.kembed.inference;

import java.util.Locale;
import java.util.Map;

/**
 * How an {@link OnnxEmbedder} is built: which model, on which device, with how many threads, and
 * how texts are grouped into {@code session.run} calls. Zero for a thread count, parallelism, or
 * max tokens means "choose for me" (see {@link #resolvedIntraOpThreads}, {@link
 * #resolvedParallelism} and the model's own limit). Build with {@link #builder()} or from string
 * config with {@link #fromMap(Map)}.
 *
 * @param model built-in model name or directory, see {@link ModelSource#resolve(String)}
 * @param device where ONNX Runtime executes
 * @param intraOpThreads threads one {@code session.run} may use; 0 = auto
 * @param interOpThreads ONNX Runtime inter-op threads (parallel graph branches); 0 = runtime
 *     default
 * @param parallelism concurrent {@code session.run} calls one {@code embed} call spreads over; 0 =
 *     auto
 * @param optimization ONNX Runtime graph optimisation level
 * @param maxTokens tokens per text (special tokens included) after which it is truncated; 0 =
 *     model's
 * @param batchSize most texts per {@code session.run} when batching
 * @param batching whether texts share a {@code session.run}
 * @param deviceId which GPU (CUDA device ordinal) when device is CUDA
 */
public record EmbedderOptions(
    String model,
    Device device,
    int intraOpThreads,
    int interOpThreads,
    int parallelism,
    Optimization optimization,
    int maxTokens,
    int batchSize,
    Batching batching,
    int deviceId) {

  /** Execution device. CUDA needs the {@code gpu} Maven profile (onnxruntime_gpu). */
  public enum Device {
    CPU,
    CUDA
  }

  /**
   * Whether texts of one call share a {@code session.run}. {@code AUTO} batches only models whose
   * vectors cannot depend on their batch mates (see {@link ModelInfo#batchInvariant()}); {@code
   * BATCHED} forces batching (faster, but a dynamically quantized model then loses batch
   * invariance); {@code PER_TEXT} forces one text per run.
   */
  public enum Batching {
    AUTO,
    BATCHED,
    PER_TEXT
  }

  /** ONNX Runtime graph optimisation levels, named as in its docs. */
  public enum Optimization {
    NONE,
    BASIC,
    EXTENDED,
    ALL
  }

  public EmbedderOptions {
    device = device == null ? Device.CPU : device;
    if (model == null || model.isBlank()) {
      // On a GPU the int8 model's one-text-per-run mode wastes the device: fp32 batches instead.
      model = device == Device.CUDA ? ModelSource.MINILM_FP32 : ModelSource.DEFAULT;
    }
    requireNonNegative("deviceId", deviceId);
    optimization = optimization == null ? Optimization.ALL : optimization;
    batching = batching == null ? Batching.AUTO : batching;
    requireNonNegative("intraOpThreads", intraOpThreads);
    requireNonNegative("interOpThreads", interOpThreads);
    requireNonNegative("parallelism", parallelism);
    requireNonNegative("maxTokens", maxTokens);
    if (maxTokens == 1 || maxTokens == 2) {
      throw new IllegalArgumentException(
          "maxTokens must leave room for text between [CLS] and [SEP]");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
  }

  /**
   * Defaults: int8 MiniLM on CPU, automatic threads and batching, batches of 32. With device CUDA
   * and no model set, the default model is fp32 MiniLM, which AUTO batching runs in batches.
   */
  public static EmbedderOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads options from string config, keys without prefix: {@code model, device, device.id,
   * intra.op.threads, inter.op.threads, parallelism, optimization, max.tokens, batch.size,
   * batching}. Absent keys keep their defaults; enum values are case-insensitive, {@code per-text}
   * is accepted for PER_TEXT.
   */
  public static EmbedderOptions fromMap(Map<String, String> config) {
    Builder b = builder();
    config.forEach(
        (key, value) -> {
          switch (key) {
            case "model" -> b.model(value);
            case "device" -> b.device(Device.valueOf(enumName(value)));
            case "device.id" -> b.deviceId(Integer.parseInt(value.strip()));
            case "intra.op.threads" -> b.intraOpThreads(Integer.parseInt(value.strip()));
            case "inter.op.threads" -> b.interOpThreads(Integer.parseInt(value.strip()));
            case "parallelism" -> b.parallelism(Integer.parseInt(value.strip()));
            case "optimization" -> b.optimization(Optimization.valueOf(enumName(value)));
            case "max.tokens" -> b.maxTokens(Integer.parseInt(value.strip()));
            case "batch.size" -> b.batchSize(Integer.parseInt(value.strip()));
            case "batching" -> b.batching(Batching.valueOf(enumName(value)));
            default -> throw new IllegalArgumentException("unknown embedder option '" + key + "'");
          }
        });
    return b.build();
  }

  private static String enumName(String value) {
    return value.strip().replace('-', '_').toUpperCase(Locale.ROOT);
  }

  private static void requireNonNegative(String name, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be >= 0, got " + value);
    }
  }

  /**
   * Intra-op threads actually used. One text of a few dozen tokens is too small to split across
   * cores, so per-text runs get one thread each and the cores go to {@link #resolvedParallelism}
   * instead; batched runs get all cores inside one run.
   */
  public int resolvedIntraOpThreads(boolean perText) {
    if (intraOpThreads > 0) {
      return intraOpThreads;
    }
    return perText ? 1 : Runtime.getRuntime().availableProcessors();
  }

  /** Concurrent runs per embed call actually used: all cores for per-text runs, one otherwise. */
  public int resolvedParallelism(boolean perText) {
    if (parallelism > 0) {
      return parallelism;
    }
    return perText ? Runtime.getRuntime().availableProcessors() : 1;
  }

  /** Fluent builder; unset fields keep the defaults of {@link #defaults()}. */
  public static final class Builder {
    private String model; // null: the device's default model
    private Device device = Device.CPU;
    private int intraOpThreads;
    private int interOpThreads;
    private int parallelism;
    private Optimization optimization = Optimization.ALL;
    private int maxTokens;
    private int batchSize = 32;
    private Batching batching = Batching.AUTO;
    private int deviceId;

    private Builder() {}

    public Builder deviceId(int deviceId) {
      this.deviceId = deviceId;
      return this;
    }

    public Builder model(String model) {
      this.model = model;
      return this;
    }

    public Builder device(Device device) {
      this.device = device;
      return this;
    }

    public Builder intraOpThreads(int threads) {
      this.intraOpThreads = threads;
      return this;
    }

    public Builder interOpThreads(int threads) {
      this.interOpThreads = threads;
      return this;
    }

    public Builder parallelism(int parallelism) {
      this.parallelism = parallelism;
      return this;
    }

    public Builder optimization(Optimization optimization) {
      this.optimization = optimization;
      return this;
    }

    public Builder maxTokens(int maxTokens) {
      this.maxTokens = maxTokens;
      return this;
    }

    public Builder batchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    public Builder batching(Batching batching) {
      this.batching = batching;
      return this;
    }

    public EmbedderOptions build() {
      return new EmbedderOptions(
          model,
          device,
          intraOpThreads,
          interOpThreads,
          parallelism,
          optimization,
          maxTokens,
          batchSize,
          batching,
          deviceId);
    }
  }
}
