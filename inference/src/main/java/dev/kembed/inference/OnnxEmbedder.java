package dev.kembed.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Embedder} on ONNX Runtime: tokenizes with the model's tokenizer.json, groups texts by
 * length, runs the graph on padded batches, mean-pools and normalises. Batch-invariant by
 * construction: a dynamically quantized model (whose activation scales span the whole batch) runs
 * one text per {@code session.run}, spread over a few worker threads, and only invariant models are
 * batched — unless {@link EmbedderOptions#batching()} overrides it. Thread-safe; one instance per
 * process is enough, as ONNX Runtime sessions accept concurrent runs.
 */
public final class OnnxEmbedder implements Embedder, TruncationStats {

  private static final Logger log = LoggerFactory.getLogger(OnnxEmbedder.class);

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final SentenceTokenizer tokenizer;
  private final OrtSession session;
  private final ModelInfo info;
  private final ModelIdentity identity;
  private final String outputName;
  private final boolean tokenLevelOutput;
  private final boolean withTokenTypes;
  private final int textsPerRun;
  private final int parallelism;
  private final ExecutorService workers;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final java.util.concurrent.atomic.LongAdder tokenized =
      new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder truncated =
      new java.util.concurrent.atomic.LongAdder();

  private OnnxEmbedder(EmbedderOptions options) throws OrtException {
    if (options.device() == EmbedderOptions.Device.CUDA) {
      OnnxSessions
          .requireCuda(); // before loading anything: a misconfiguration, not a model problem
    }
    ModelSource source = ModelSource.resolve(options.model());
    boolean invariant = !ModelGraph.isDynamicallyQuantized(source.modelBytes());
    boolean perText =
        switch (options.batching()) {
          case AUTO -> !invariant;
          case PER_TEXT -> true;
          case BATCHED -> false;
        };
    // What ModelInfo promises is about this embedder's behaviour, not the graph alone.
    boolean batchInvariant = invariant || perText;
    int maxTokens = options.maxTokens() > 0 ? options.maxTokens() : source.defaultMaxTokens();
    this.textsPerRun = perText ? 1 : options.batchSize();
    this.parallelism = options.resolvedParallelism(perText);
    int intraOp = options.resolvedIntraOpThreads(perText);

    this.session = OnnxSessions.open(env, source.modelBytes(), options, intraOp);
    try {
      Set<String> inputs = session.getInputNames();
      if (!inputs.contains(TokenBatch.INPUT_IDS) || !inputs.contains(TokenBatch.ATTENTION_MASK)) {
        throw new IllegalArgumentException(
            source.id() + " must take input_ids and attention_mask; it takes " + inputs);
      }
      this.withTokenTypes = inputs.contains(TokenBatch.TOKEN_TYPE_IDS);
      OutputChoice output = chooseOutput(session.getOutputInfo(), source.id());
      this.outputName = output.name;
      this.tokenLevelOutput = output.tokenLevel;
      this.tokenizer = new SentenceTokenizer(source.tokenizerJson(), maxTokens);
      this.identity =
          new ModelIdentity(
              source.name(),
              source.modelHash(),
              source.tokenizerHash(),
              maxTokens,
              output.tokenLevel ? "mean(" + output.name + ")" : "pooled(" + output.name + ")",
              options.optimization(),
              ModelIdentity.runMode(perText, invariant, options.batchSize()));
      this.info = new ModelInfo(identity.id(), output.dimension, maxTokens, batchInvariant);
    } catch (RuntimeException | OrtException e) {
      session.close();
      throw e;
    }
    this.workers =
        parallelism > 1 ? Executors.newFixedThreadPool(parallelism - 1, daemonThreads()) : null;
    if (!batchInvariant) {
      log.warn(
          "{}: batching={} on a dynamically quantized model; vectors depend on batch mates",
          info.id(),
          options.batching());
    }
    log.info(
        "loaded {} ({}; {} dims, {}, intra-op threads {}, parallelism {}, device {})",
        info.id(),
        identity.settings(),
        info.dimension(),
        perText ? "one text per run" : "batches of " + textsPerRun,
        intraOp,
        parallelism,
        options.device());
  }

  /**
   * Loads the model and tokenizer named by the options.
   *
   * @throws IllegalArgumentException if the model cannot be found or has unusable inputs/outputs
   * @throws IllegalStateException if device=cuda and the runtime has no CUDA provider
   * @throws EmbeddingException if ONNX Runtime cannot load the model
   */
  public static OnnxEmbedder create(EmbedderOptions options) {
    try {
      return new OnnxEmbedder(options);
    } catch (OrtException e) {
      throw new EmbeddingException(
          "ONNX Runtime cannot load model " + options.model() + ": " + e.getMessage(), e);
    }
  }

  /** The default model with default options. */
  public static OnnxEmbedder create() {
    return create(EmbedderOptions.defaults());
  }

  private record OutputChoice(String name, boolean tokenLevel, int dimension) {}

  /**
   * Prefers per-token output (mean-pooled here, as sentence-transformers does) and accepts an
   * already pooled {@code [batch, dim]} output from exports that include pooling.
   */
  private static OutputChoice chooseOutput(Map<String, NodeInfo> outputs, String id) {
    OutputChoice pooled = null;
    for (String preferred : List.of("last_hidden_state", "token_embeddings")) {
      NodeInfo node = outputs.get(preferred);
      if (node != null && node.getInfo() instanceof TensorInfo t && t.getShape().length == 3) {
        return new OutputChoice(preferred, true, dimension(t, id));
      }
    }
    for (Map.Entry<String, NodeInfo> e : outputs.entrySet()) {
      if (e.getValue().getInfo() instanceof TensorInfo t) {
        if (t.getShape().length == 3) {
          return new OutputChoice(e.getKey(), true, dimension(t, id));
        }
        if (t.getShape().length == 2 && pooled == null) {
          pooled = new OutputChoice(e.getKey(), false, dimension(t, id));
        }
      }
    }
    if (pooled == null) {
      throw new IllegalArgumentException(
          id + " has no [batch, tokens, dim] or [batch, dim] output: " + outputs);
    }
    return pooled;
  }

  private static int dimension(TensorInfo t, String id) {
    long dim = t.getShape()[t.getShape().length - 1];
    if (dim <= 0) {
      throw new IllegalArgumentException(id + " output has a symbolic hidden dimension: " + t);
    }
    return (int) dim;
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "kembed-embed-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public ModelInfo model() {
    return info;
  }

  @Override
  public long textsTokenized() {
    return tokenized.sum();
  }

  @Override
  public long textsTruncated() {
    return truncated.sum();
  }

  /** The settings the model id covers. */
  public ModelIdentity identity() {
    return identity;
  }

  /** Most texts that share one {@code session.run}: 1 in per-text mode, else the batch size. */
  public int textsPerRun() {
    return textsPerRun;
  }

  @Override
  public float[][] embed(List<String> texts) {
    validate(texts);
    if (texts.isEmpty()) {
      return new float[0][];
    }
    long[][] ids = tokenizer.encode(texts);
    tokenized.add(ids.length);
    for (long[] row : ids) {
      if (row.length >= info.maxTokens()) {
        truncated.increment();
      }
    }
    return embedTokenized(ids);
  }

  /** Overridden so that a null text is an {@link InvalidTextException}, not List.of's NPE. */
  @Override
  public float[] embed(String text) {
    return embed(java.util.Collections.singletonList(text))[0];
  }

  /**
   * Embeds texts already tokenized by this embedder's tokenizer; used by the benchmark to separate
   * tokenization time from model time.
   */
  float[][] embedTokenized(long[][] ids) {
    List<int[]> batches = LengthBatcher.plan(ids, textsPerRun);
    float[][] out = new float[ids.length][];
    AtomicInteger next = new AtomicInteger();
    Runnable drain =
        () -> {
          for (int b; (b = next.getAndIncrement()) < batches.size(); ) {
            runBatch(batches.get(b), ids, out);
          }
        };
    int helpers = workers == null ? 0 : Math.min(parallelism - 1, batches.size() - 1);
    List<Future<?>> pending = new ArrayList<>(helpers);
    for (int i = 0; i < helpers; i++) {
      pending.add(workers.submit(drain));
    }
    // The caller drains too, so progress never waits on a busy pool shared with other callers.
    drain.run();
    for (Future<?> f : pending) {
      await(f);
    }
    return out;
  }

  /** Tokenizes without embedding (benchmark support). */
  long[][] tokenize(List<String> texts) {
    validate(texts);
    return tokenizer.encode(texts);
  }

  private static void await(Future<?> f) {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddingException("interrupted while embedding", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new EmbeddingException("embedding worker failed", e.getCause());
    }
  }

  private void runBatch(int[] positions, long[][] ids, float[][] out) {
    long[][] rows = new long[positions.length][];
    for (int i = 0; i < positions.length; i++) {
      rows[i] = ids[positions[i]];
    }
    float[][] vectors;
    try (TokenBatch batch = new TokenBatch(env, rows, withTokenTypes);
        OrtSession.Result result = session.run(batch.inputs(), Set.of(outputName))) {
      OnnxValue value = result.get(outputName).orElseThrow();
      FloatBuffer floats = ((OnnxTensor) value).getFloatBuffer();
      vectors =
          tokenLevelOutput
              ? MeanPooling.pool(floats, batch.lengths(), batch.paddedLength(), info.dimension())
              : MeanPooling.normalizeRows(floats, rows.length, info.dimension());
    } catch (OrtException e) {
      throw new EmbeddingException(
          info.id() + " failed on a batch of " + rows.length + " texts: " + e.getMessage(), e);
    }
    for (int i = 0; i < positions.length; i++) {
      out[positions[i]] = vectors[i];
    }
  }

  private static void validate(List<String> texts) {
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      if (text == null) {
        throw new InvalidTextException(i, "text at index " + i + " is null");
      }
      if (text.isBlank()) {
        throw new InvalidTextException(
            i, "text at index " + i + (text.isEmpty() ? " is empty" : " is whitespace only"));
      }
    }
  }

  /**
   * Idempotent. Calls still running when it is called may fail with an {@link
   * IllegalStateException}.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (workers != null) {
      workers.shutdown();
    }
    try {
      session.close();
    } catch (OrtException e) {
      log.warn("closing the ONNX session of {} failed", info.id(), e);
    } finally {
      tokenizer.close();
    }
  }
}
