package dev.kembed.topology.projection;

import dev.kembed.inference.EmbedderOptions;
import dev.kembed.inference.OnnxEmbedder;
import dev.kembed.topology.demo.TextCorpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The measurement behind docs/projection.md: a {@link TextCorpus} embedded by the real int8 model,
 * split into a fitting sample and a held-out sample, and the quality curve of projections fitted on
 * the first and measured on the second. Run: {@code java -cp ... ProjectionStudy <workDir> [fit]
 * [heldOut] [seed]}; vectors are cached in {@code <workDir>/vectors.bin}.
 */
public final class ProjectionStudy {
  private ProjectionStudy() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args.length > 0 ? args[0] : "target/projection-study");
    int fit = args.length > 1 ? Integer.parseInt(args[1]) : 6_000;
    int heldOut = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
    long seed = args.length > 3 ? Long.parseLong(args[3]) : 14L;
    List<String> texts = TextCorpus.generate(fit + heldOut, seed);
    Files.createDirectories(work);
    Files.write(work.resolve("texts.txt"), texts.stream().map(t -> t.replace('\n', ' ')).toList());
    float[][] vectors;
    try (OnnxEmbedder embedder = OnnxEmbedder.create(EmbedderOptions.defaults())) {
      vectors = CorpusVectors.embed(embedder, texts, work.resolve("vectors.bin"), System.out);
    }
    System.out.printf("%d vectors ready (%d fit, %d held out)%n", vectors.length, fit, heldOut);
  }
}
