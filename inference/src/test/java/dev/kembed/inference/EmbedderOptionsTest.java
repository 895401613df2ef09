package dev.kembed.inference;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbedderOptionsTest {

  @Test
  void readsStringConfig() {
    EmbedderOptions o =
        EmbedderOptions.fromMap(
            Map.of(
                "model",
                "all-minilm-l6-v2",
                "device",
                "cpu",
                "batching",
                "per-text",
                "batch.size",
                "16",
                "max.tokens",
                "128",
                "optimization",
                "extended"));
    assertEquals("all-minilm-l6-v2", o.model());
    assertEquals(EmbedderOptions.Batching.PER_TEXT, o.batching());
    assertEquals(16, o.batchSize());
    assertEquals(128, o.maxTokens());
    assertEquals(EmbedderOptions.Optimization.EXTENDED, o.optimization());
  }

  @Test
  void rejectsUnknownKeysAndBadValues() {
    assertThrows(
        IllegalArgumentException.class, () -> EmbedderOptions.fromMap(Map.of("modle", "x")));
    assertThrows(
        IllegalArgumentException.class, () -> EmbedderOptions.builder().batchSize(0).build());
    assertThrows(
        IllegalArgumentException.class, () -> EmbedderOptions.builder().intraOpThreads(-1).build());
  }

  @Test
  void perTextRunsSpreadOverThreadsInsteadOfInsideOneRun() {
    EmbedderOptions o = EmbedderOptions.defaults();
    assertEquals(1, o.resolvedIntraOpThreads(true));
    assertEquals(Runtime.getRuntime().availableProcessors(), o.resolvedParallelism(true));
    assertEquals(1, o.resolvedParallelism(false));
  }

  @Test
  void cudaDefaultsToTheFp32ModelUnlessAModelIsNamed() {
    assertEquals(ModelSource.MINILM_INT8, EmbedderOptions.defaults().model());
    EmbedderOptions gpu = EmbedderOptions.fromMap(Map.of("device", "cuda", "device.id", "1"));
    assertEquals(
        ModelSource.MINILM_FP32, gpu.model(), "int8 runs one text per call: a waste of a GPU");
    assertEquals(1, gpu.deviceId());
    assertEquals(
        ModelSource.MINILM_INT8,
        EmbedderOptions.fromMap(Map.of("device", "cuda", "model", "all-minilm-l6-v2-q")).model());
    assertThrows(
        IllegalArgumentException.class, () -> EmbedderOptions.builder().deviceId(-1).build());
  }

  @Test
  void cudaOnACpuOnlyRuntimeFailsWithTheFix() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> OnnxEmbedder.create(EmbedderOptions.fromMap(Map.of("device", "cuda"))));
    assertTrue(e.getMessage().contains("build with mvn -Pgpu, or set device=cpu"), e.getMessage());
  }
}
