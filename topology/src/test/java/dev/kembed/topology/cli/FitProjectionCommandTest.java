package dev.kembed.topology.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.kembed.inference.Embedder;
import dev.kembed.inference.projection.Projection;
import dev.kembed.topology.config.KembedConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code kembed fit-projection --texts} with the real int8 model, then the run-time side: the
 * embedder factory applies the artifact, the model id carries the projection id, and the start-up
 * probe file is written under the state directory.
 */
class FitProjectionCommandTest {

  @TempDir Path dir;

  @Test
  void fitsAnArtifactThatTheEmbedderFactoryApplies() throws Exception {
    Path texts = dir.resolve("texts.txt");
    Files.write(texts, texts(60));
    Path out = dir.resolve("p.kproj");
    int rc =
        new CommandLine(new KembedCli())
            .execute(
                "fit-projection",
                "--texts",
                texts.toString(),
                "--k",
                "4",
                "--out",
                out.toString(),
                "--set",
                "state.dir=" + dir.resolve("state"));
    assertEquals(0, rc);
    Projection p = Projection.read(out);
    assertEquals(4, p.k());
    assertTrue(p.id().startsWith("svd4@"), p.id());
    assertTrue(
        Files.isDirectory(dir.resolve("state").resolve(EmbedderFactory.PROBE_DIRECTORY)),
        "the probe check ran and recorded");

    KembedConfig config =
        new KembedConfig(
            Map.of(
                "inference.projection",
                out.toString(),
                "state.dir",
                dir.resolve("state").toString()));
    try (Embedder e = EmbedderFactory.create(config)) {
      assertEquals(p.sourceModelId() + "+" + p.id(), e.model().id());
      assertEquals(4, e.model().dimension());
      float[] v = e.embed("lost dog near the park");
      double n = 0;
      for (float x : v) {
        n += x * x;
      }
      assertEquals(1.0, n, 1e-5, "projected vectors are unit length");
    }
    // Too few vectors for k: refused with a hint, nothing written.
    Path out2 = dir.resolve("p2.kproj");
    assertEquals(
        2,
        new CommandLine(new KembedCli())
            .execute(
                "fit-projection",
                "--texts",
                texts.toString(),
                "--k",
                "32",
                "--out",
                out2.toString(),
                "--set",
                "state.dir=" + dir.resolve("state")));
    assertFalse(Files.exists(out2));
  }

  // 60 distinct short texts (the demo's TextCorpus lives in the demo module, above this one).
  private static java.util.List<String> texts(int n) {
    String[] subjects = {
      "Lost dog",
      "Found cat",
      "Free couch",
      "Road works",
      "Yoga class",
      "Bake sale",
      "Broken streetlight",
      "Choir practice",
      "Bike for sale",
      "Water outage"
    };
    String[] places = {
      "near the park",
      "on Mill Road",
      "behind the school",
      "at the library",
      "by the station",
      "in our block"
    };
    java.util.List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          subjects[i % subjects.length]
              + " "
              + places[(i / subjects.length) % places.length]
              + ", message "
              + i);
    }
    return out;
  }
}
