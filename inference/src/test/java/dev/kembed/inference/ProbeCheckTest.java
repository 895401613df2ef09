package dev.kembed.inference;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up probe check with real models: two optimisation levels of the int8 model get
 * different ids, and if they were put under one id the check stops the second start.
 */
class ProbeCheckTest {

  @TempDir Path dir;

  @Test
  void optimisationLevelsGetDifferentIdsAndTheCheckCatchesThemUnderOne() {
    try (OnnxEmbedder all = OnnxEmbedder.create(EmbedderOptions.defaults());
        OnnxEmbedder basic =
            OnnxEmbedder.create(
                EmbedderOptions.builder()
                    .optimization(EmbedderOptions.Optimization.BASIC)
                    .build())) {
      assertNotEquals(all.model().id(), basic.model().id(), "the id covers the optimisation level");
      String sharedId = all.model().id();
      assertTrue(sharedId.matches("all-minilm-l6-v2-q@[0-9a-f]{12}\\.[0-9a-f]{8}"), sharedId);
      // The two levels really differ on the probes (independent recomputation of the cosine).
      float[][] a = all.embed(ProbeTexts.TEXTS);
      float[][] b = basic.embed(ProbeTexts.TEXTS);
      double lowest = 1;
      for (int i = 0; i < a.length; i++) {
        lowest = Math.min(lowest, Vectors.cosine(a[i], b[i]));
      }
      assertTrue(lowest < 0.9999, "basic vs all lowest probe cosine " + lowest);

      DirectoryProbeStore store = new DirectoryProbeStore(dir);
      ProbeCheck check = new ProbeCheck(store, ProbeCheck.DEFAULT_MIN_COSINE, false);
      assertEquals(ProbeCheck.Outcome.RECORDED, check.verify(sharedId, all).outcome());
      assertTrue(Files.isRegularFile(store.file(sharedId)));
      ProbeCheck.Result again = check.verify(sharedId, all);
      assertEquals(ProbeCheck.Outcome.MATCHED, again.outcome());
      assertTrue(again.minCosine() > 0.999999, "same config, same vectors: " + again.minCosine());

      ProbeCheck.ProbeMismatchException e =
          assertThrows(
              ProbeCheck.ProbeMismatchException.class, () -> check.verify(sharedId, basic));
      assertEquals(lowest, e.minCosine(), 1e-6);
      assertTrue(
          e.getMessage().contains(sharedId)
              && e.getMessage().contains("inference.probe.accept.mismatch"),
          e.getMessage());

      ProbeCheck accepting = new ProbeCheck(store, ProbeCheck.DEFAULT_MIN_COSINE, true);
      assertEquals(ProbeCheck.Outcome.ACCEPTED, accepting.verify(sharedId, basic).outcome());
      assertEquals(
          ProbeCheck.Outcome.MATCHED,
          check.verify(sharedId, basic).outcome(),
          "accepting re-records");
    }
  }

  @Test
  void idCoversMaxTokensAndRunModeButNotThreads() {
    ModelIdentity base =
        new ModelIdentity(
            "m",
            "aaaaaaaaaaaa",
            "bbbbbbbbbbbb",
            256,
            "mean(x)",
            EmbedderOptions.Optimization.ALL,
            "per-text");
    assertNotEquals(
        base.id(),
        new ModelIdentity(
                "m",
                "aaaaaaaaaaaa",
                "bbbbbbbbbbbb",
                128,
                "mean(x)",
                EmbedderOptions.Optimization.ALL,
                "per-text")
            .id());
    assertNotEquals(
        base.id(),
        new ModelIdentity(
                "m",
                "aaaaaaaaaaaa",
                "cccccccccccc",
                256,
                "mean(x)",
                EmbedderOptions.Optimization.ALL,
                "per-text")
            .id());
    assertNotEquals(
        base.id(),
        new ModelIdentity(
                "m",
                "aaaaaaaaaaaa",
                "bbbbbbbbbbbb",
                256,
                "pooled(x)",
                EmbedderOptions.Optimization.ALL,
                "per-text")
            .id());
    assertNotEquals(
        base.id(),
        new ModelIdentity(
                "m",
                "aaaaaaaaaaaa",
                "bbbbbbbbbbbb",
                256,
                "mean(x)",
                EmbedderOptions.Optimization.ALL,
                "batched:32")
            .id());
    assertTrue(base.id().startsWith("m@aaaaaaaaaaaa."), base.id());
    try (OnnxEmbedder a =
            OnnxEmbedder.create(
                EmbedderOptions.builder().intraOpThreads(1).parallelism(1).build());
        OnnxEmbedder b = OnnxEmbedder.create(EmbedderOptions.builder().maxTokens(128).build());
        OnnxEmbedder defaults = OnnxEmbedder.create(EmbedderOptions.defaults())) {
      assertEquals(defaults.model().id(), a.model().id(), "threads do not change vectors");
      assertNotEquals(a.model().id(), b.model().id());
    }
  }

  /** A fake embedder whose vectors the test controls, for the file round trip and thresholds. */
  private static Embedder fixed(float[] v) {
    return new Embedder() {
      public ModelInfo model() {
        return new ModelInfo("fake@1", v.length, 16, true);
      }

      public float[][] embed(List<String> texts) {
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < out.length; i++) {
          out[i] = v.clone();
        }
        return out;
      }

      public void close() {}
    };
  }

  @Test
  void thresholdIsInclusiveAndUnreadableRecordsAreReRecorded() throws Exception {
    ProbeCheck check = new ProbeCheck(new DirectoryProbeStore(dir), 0.99, false);
    assertEquals(ProbeCheck.Outcome.RECORDED, check.verify(fixed(new float[] {1, 0})).outcome());
    // cos(angle) = 0.995 > 0.99: still the same model.
    double c = 0.995;
    ProbeCheck.Result r =
        check.verify(fixed(new float[] {(float) c, (float) Math.sqrt(1 - c * c)}));
    assertEquals(ProbeCheck.Outcome.MATCHED, r.outcome());
    assertEquals(0.995, r.minCosine(), 1e-6);
    assertThrows(
        ProbeCheck.ProbeMismatchException.class, () -> check.verify(fixed(new float[] {0, 1})));
    Files.write(new DirectoryProbeStore(dir).file("fake@1"), new byte[] {1, 2, 3});
    assertEquals(ProbeCheck.Outcome.RECORDED, check.verify(fixed(new float[] {0, 1})).outcome());
  }
}
