package dev.kembed.topology.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kembed.schemas.InteractionType;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class FeaturesPureTest {

  @Test
  void queryNormalisation() {
    assertEquals("free sofa", QueryNormalizer.normalize("  Free   SOFA!! "));
    assertEquals("plumbers near me", QueryNormalizer.normalize("plumber's near me?"));
    assertEquals("lost dog elm st", QueryNormalizer.normalize("Lost dog — Elm St."));
    assertEquals("free sofa", QueryNormalizer.normalize("\uFF26ree sofa\u200B"));
    assertEquals("c++ tutor", QueryNormalizer.normalize("C++ tutor"));
    assertEquals("", QueryNormalizer.normalize(" ?! "));
  }

  @Test
  void weightsParseAndDefaultToZero() {
    InteractionWeights w = InteractionWeights.parse(InteractionWeights.DEFAULT);
    assertEquals(5.0, w.weight(InteractionType.CREATE));
    assertEquals(0.1, w.weight(InteractionType.IMPRESSION));
    assertEquals(0.0, w.weight(InteractionType.UNKNOWN));
    InteractionWeights partial = InteractionWeights.parse("click:1.5");
    assertEquals(1.5, partial.weight(InteractionType.CLICK));
    assertEquals(0.0, partial.weight(InteractionType.CREATE));
    assertThrows(ConfigException.class, () -> InteractionWeights.parse("CLICK=2"));
    assertThrows(ConfigException.class, () -> InteractionWeights.parse("CLICK:-1"));
    assertThrows(ConfigException.class, () -> InteractionWeights.parse("TELEPORT:1"));
  }

  @Test
  void viewerSideFeaturesByHand() {
    // cos((0.6,0),(0.8,0.6)) = 0.48/0.6 = 0.8; dot = 0.48; cos((0,2),(0.8,0.6)) = 1.2/2 = 0.6
    double[] viewer = {0.6, 0.0};
    double[] intent = {0.0, 2.0};
    float[] post = {0.8f, 0.6f};
    Map<String, Double> f = ExposureFeatures.viewerSide("P7D", viewer, intent, post);
    assertEquals(0.8, f.get("cos_viewer_post_p7d"), 1e-7);
    assertEquals(0.48, f.get("dot_viewer_post_p7d"), 1e-7);
    assertEquals(0.6, f.get("cos_intent_post_p7d"), 1e-7);
  }

  @Test
  void missingInputsGiveNullNeverZeroOrNaN() {
    Map<String, Double> f =
        ExposureFeatures.viewerSide("P30D", null, new double[] {0, 0}, new float[] {1, 0});
    assertTrue(f.containsKey("cos_viewer_post_p30d"));
    assertNull(f.get("cos_viewer_post_p30d"));
    assertNull(f.get("dot_viewer_post_p30d"));
    assertNull(f.get("cos_intent_post_p30d"), "a zero vector has no direction");
    assertNull(
        ExposureFeatures.viewerSide("P7D", new double[] {1, 0}, null, null)
            .get("cos_viewer_post_p7d"));
    assertNull(ExposureFeatures.viewerAuthor("P7D", new double[] {1, 0}, null).getValue());
    assertEquals(
        0.0,
        ExposureFeatures.viewerAuthor("P7D", new double[] {1, 0}, new double[] {0, 3}).getValue(),
        1e-12);
  }
}
