package dev.kembed.topology.cli;

import static dev.kembed.topology.config.KembedConfig.INFERENCE_PROBE_ACCEPT_MISMATCH;
import static dev.kembed.topology.config.KembedConfig.INFERENCE_PROBE_CHECK;
import static dev.kembed.topology.config.KembedConfig.INFERENCE_PROBE_MIN_COSINE;
import static dev.kembed.topology.config.KembedConfig.INFERENCE_PROJECTION;

import dev.kembed.inference.DirectoryProbeStore;
import dev.kembed.inference.Embedder;
import dev.kembed.inference.OnnxEmbedder;
import dev.kembed.inference.ProbeCheck;
import dev.kembed.inference.projection.ProjectingEmbedder;
import dev.kembed.inference.projection.Projection;
import dev.kembed.topology.config.KembedConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Loads the model a {@link KembedConfig} names ({@code inference.*} keys, see {@link
 * KembedConfig#embedderOptions()}), once per JVM: the embedder is thread-safe and shared by every
 * stream thread and the HTTP API. Before handing it out it runs the {@link ProbeCheck} against the
 * probe vectors under {@code <state.dir>/kembed-probes/} (unless {@code inference.probe.check} is
 * off), so a process whose vectors differ from earlier runs under the same model id never starts.
 */
public final class EmbedderFactory {
  /** Sub-directory of the Kafka Streams state directory that holds recorded probe vectors. */
  public static final String PROBE_DIRECTORY = "kembed-probes";

  private EmbedderFactory() {}

  /**
   * The configured model, probe-checked, with the {@code inference.projection} artifact applied
   * in-process when one is set (the model id then ends in {@code +<projection id>}).
   */
  public static Embedder create(KembedConfig config) {
    Embedder base = createBase(config);
    String projection = config.getString(INFERENCE_PROJECTION);
    if (projection == null || projection.isBlank()) {
      return base;
    }
    try {
      return new ProjectingEmbedder(base, Projection.read(Path.of(projection.strip())));
    } catch (IOException e) {
      base.close();
      throw new UncheckedIOException("cannot read inference.projection " + projection, e);
    } catch (RuntimeException e) {
      base.close();
      throw e;
    }
  }

  /** The configured model without projection, probe-checked (what fit-projection fits on). */
  public static Embedder createBase(KembedConfig config) {
    Embedder embedder = OnnxEmbedder.create(config.embedderOptions());
    try {
      if (config.getBoolean(INFERENCE_PROBE_CHECK)) {
        probeCheck(config, config.stateDir().resolve(PROBE_DIRECTORY)).verify(embedder);
      }
      return embedder;
    } catch (RuntimeException e) {
      embedder.close();
      throw e;
    }
  }

  static ProbeCheck probeCheck(KembedConfig config, Path dir) {
    return new ProbeCheck(
        new DirectoryProbeStore(dir),
        config.getDouble(INFERENCE_PROBE_MIN_COSINE),
        config.getBoolean(INFERENCE_PROBE_ACCEPT_MISMATCH));
  }
}
