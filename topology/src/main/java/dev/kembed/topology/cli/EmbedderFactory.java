package dev.kembed.topology.cli;

import static dev.kembed.topology.config.KembedConfig.*;

import dev.kembed.inference.Embedder;
import dev.kembed.inference.EmbedderOptions;
import dev.kembed.inference.OnnxEmbedder;
import dev.kembed.topology.config.KembedConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns the {@code inference.*} keys of a {@link KembedConfig} into {@link EmbedderOptions} and
 * loads the model once per JVM. {@code inference.threads=N} means "use N cores": N concurrent runs
 * of one thread each, which suits both the per-text runs of a quantized model and sub-batches of
 * an fp32 one; 0 lets the inference module decide.
 */
public final class EmbedderFactory {
  private EmbedderFactory() {}

  public static EmbedderOptions options(KembedConfig config) {
    Map<String, String> m = new HashMap<>();
    m.put("model", config.getString(INFERENCE_MODEL));
    m.put("device", config.getString(INFERENCE_DEVICE));
    m.put("batching", config.getString(INFERENCE_BATCHING));
    m.put("batch.size", Integer.toString(config.getInt(EMBED_BATCH_SIZE)));
    int threads = config.getInt(INFERENCE_THREADS);
    if (threads > 0) {
      m.put("parallelism", Integer.toString(threads));
      m.put("intra.op.threads", "1");
    }
    return EmbedderOptions.fromMap(m);
  }

  public static Embedder create(KembedConfig config) {
    return OnnxEmbedder.create(options(config));
  }
}
