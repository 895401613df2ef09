package dev.kembed.topology.cli;

import dev.kembed.inference.Embedder;
import dev.kembed.inference.OnnxEmbedder;
import dev.kembed.topology.config.KembedConfig;

/**
 * Loads the model a {@link KembedConfig} names ({@code inference.*} keys, see {@link
 * KembedConfig#embedderOptions()}), once per JVM: the embedder is thread-safe and shared by every
 * stream thread and the HTTP API.
 */
public final class EmbedderFactory {
  private EmbedderFactory() {}

  public static Embedder create(KembedConfig config) {
    return OnnxEmbedder.create(config.embedderOptions());
  }
}
