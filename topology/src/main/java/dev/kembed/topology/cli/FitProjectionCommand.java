package dev.kembed.topology.cli;

import static dev.kembed.topology.config.KembedConfig.TOPIC_CONTENT_EMBEDDINGS;

import dev.kembed.inference.Embedder;
import dev.kembed.inference.projection.Pca;
import dev.kembed.inference.projection.Projection;
import dev.kembed.topology.config.AdminProps;
import dev.kembed.topology.config.KembedConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kembed fit-projection}: fits a PCA projection on a sample of the configured model's
 * vectors — read from the {@code content-embeddings} topic (float32 records of that model id), or
 * embedded now from a file of texts — and writes it as a checksummed artifact for {@code
 * inference.projection}. See docs/projection.md for what k to choose.
 */
@Command(
    name = "fit-projection",
    mixinStandardHelpOptions = true,
    description =
        "Fit a PCA dimension reduction on a sample of the model's vectors and write it as an"
            + " artifact for inference.projection.")
public final class FitProjectionCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "Where to write the projection artifact.")
  Path out;

  @Option(
      names = "--k",
      defaultValue = "64",
      paramLabel = "K",
      description = "Output dimensions. Default: ${DEFAULT-VALUE} (see docs/projection.md).")
  int k;

  @Option(
      names = "--texts",
      paramLabel = "FILE",
      description =
          "Embed these texts (one per line) with the configured model instead of reading the"
              + " content-embeddings topic.")
  Path texts;

  @Option(
      names = "--sample",
      defaultValue = "20000",
      paramLabel = "N",
      description =
          "Most vectors to fit on (a random sample if there are more). Default: ${DEFAULT-VALUE}.")
  int sample;

  @Option(
      names = "--centred",
      description =
          "Subtract the sample mean first (classic PCA). Default: uncentred (truncated SVD), which"
              + " kept neighbours and cosines better in docs/projection.md.")
  boolean centred;

  @Override
  public Integer call() throws Exception {
    KembedConfig cfg = config.load();
    List<float[]> vectors;
    String modelId;
    try (Embedder model = EmbedderFactory.createBase(cfg)) {
      modelId = model.model().id();
      if (texts != null) {
        List<String> lines =
            Files.readAllLines(texts, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank())
                .toList();
        lines = sampleOf(lines, sample);
        System.err.printf("embedding %d texts from %s with %s%n", lines.size(), texts, modelId);
        vectors = new ArrayList<>(List.of(model.embed(lines)));
      } else {
        String topic = cfg.topic(TOPIC_CONTENT_EMBEDDINGS);
        System.err.printf("reading vectors of %s from %s%n", modelId, topic);
        vectors =
            sampleOf(
                new ArrayList<>(
                    EmbeddingCacheLoader.load(AdminProps.consumer(cfg), topic, modelId).values()),
                sample);
      }
    }
    if (vectors.size() < 10 * k) {
      System.err.printf(
          "only %d vectors for k=%d: fit on at least 10 x k (docs/projection.md used 6,000)%n",
          vectors.size(), k);
      return 2;
    }
    Projection p = Pca.fit(modelId, vectors.toArray(new float[0][]), k, centred);
    p.write(out);
    System.out.printf(
        "wrote %s (%s, fitted on %d vectors of %s); set inference.projection=%s%n",
        out, p.id(), vectors.size(), modelId, out.toAbsolutePath());
    return 0;
  }

  private static <T> List<T> sampleOf(List<T> items, int n) {
    if (items.size() <= n) {
      return items;
    }
    List<T> copy = new ArrayList<>(items);
    Collections.shuffle(copy, new Random(42));
    return copy.subList(0, n);
  }
}
