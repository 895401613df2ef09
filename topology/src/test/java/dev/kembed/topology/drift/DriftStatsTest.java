package dev.kembed.topology.drift;

import static org.junit.jupiter.api.Assertions.*;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Drift statistics on inputs whose answers are known by construction. */
class DriftStatsTest {

  @Test
  void centroidCosineFallsWhenTheTrafficTurns() {
    DriftStats s = new DriftStats(10, 4);
    assertTrue(Double.isNaN(s.centroidCosine()), "no reference before 4 vectors");
    for (int i = 0; i < 4; i++) {
      s.content("lost dog", new float[] {1, 0});
    }
    assertEquals(1.0, s.centroidCosine(), 1e-12);
    // 10 orthogonal vectors: the rolling mean moves to (1-w)^... ; recompute it independently.
    double cx = 1, cy = 0;
    for (int i = 0; i < 10; i++) {
      s.content("потерялась собака", new float[] {0, 1});
      double alpha = 1.0 / Math.min(5 + i, 10);
      cx += alpha * (0 - cx);
      cy += alpha * (1 - cy);
    }
    assertEquals(cx / Math.hypot(cx, cy), s.centroidCosine(), 1e-12);
    assertTrue(s.centroidCosine() < 0.5, "turned: " + s.centroidCosine());
    assertEquals(4.0 / 14, s.scriptShare(TextScript.LATIN), 1e-12);
    assertEquals(10.0 / 14, s.scriptShare(TextScript.CYRILLIC), 1e-12);
    assertEquals(1.0, s.lengthShare(0), 1e-12, "every text under 32 chars");
  }

  @Test
  void nullFeaturesAndUserNorms() {
    DriftStats s = new DriftStats(10, 10);
    Map<String, Double> row = new HashMap<>();
    row.put("cos_viewer_post_p7d", 0.4);
    row.put("cos_intent_post_p7d", null);
    row.put("cos_viewer_author_p7d", null);
    s.features(row);
    assertEquals(2.0 / 3, s.nullFeatureShare(), 1e-12);
    s.userVector(new float[] {0.6f, 0.8f}); // norm 1
    s.userVector(new float[] {0.1f, 0.1f}); // norm 0.141
    assertEquals((1 + Math.sqrt(0.02)) / 2, s.userNormMean(), 1e-6);
    assertEquals(0.5, s.userNormShareBelow(0.3), 1e-12);
  }

  @Test
  void scriptsAndLengthBuckets() {
    assertEquals(TextScript.CJK, TextScript.dominant("近所でおすすめの歯医者 ok"));
    assertEquals(TextScript.NONE, TextScript.dominant("🐶 123 !!!"));
    DriftStats s = new DriftStats(5, 5);
    s.content("x".repeat(31), new float[] {1});
    s.content("x".repeat(32), new float[] {1});
    s.content("x".repeat(5000), new float[] {1});
    assertEquals(1.0 / 3, s.lengthShare(0), 1e-12);
    assertEquals(1.0 / 3, s.lengthShare(1), 1e-12);
    assertEquals(1.0 / 3, s.lengthShare(4), 1e-12);
  }

  @Test
  void gaugesReadTheStatsOfTheirOwnRegistry() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    DriftStats s = DriftMetrics.of(registry).forModel("m@1");
    s.userVector(new float[] {0.3f, 0.4f}); // norm 0.5
    s.userVector(new float[] {0.6f, 0.8f}); // norm 1.0
    assertSame(
        s, DriftMetrics.of(registry).forModel("m@1"), "one instance's hooks share the stats");
    assertEquals(
        0.75,
        registry.get("kembed.drift.user.vector.norm.mean").tag("model_id", "m@1").gauge().value(),
        1e-6);
    assertEquals(
        0.5,
        registry
            .get("kembed.drift.user.vector.norm.below.share")
            .tags("model_id", "m@1", "below", "0.6")
            .gauge()
            .value(),
        1e-6);
    // Another instance's registry has its own stats.
    SimpleMeterRegistry other = new SimpleMeterRegistry();
    assertNotSame(s, DriftMetrics.of(other).forModel("m@1"));
    assertTrue(
        Double.isNaN(
            other
                .get("kembed.drift.user.vector.norm.mean")
                .tag("model_id", "m@1")
                .gauge()
                .value()));
  }
}
