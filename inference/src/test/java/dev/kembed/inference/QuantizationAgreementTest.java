package dev.kembed.inference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How much the int8 default loses against fp32, over texts like the ones the app sees. */
class QuantizationAgreementTest {

  @Test
  void int8StaysCloseToFp32() {
    List<String> texts = TestTexts.corpus(240, 11);
    float[][] q;
    float[][] f;
    try (OnnxEmbedder int8 = OnnxEmbedder.create(EmbedderOptions.defaults());
        OnnxEmbedder fp32 =
            OnnxEmbedder.create(EmbedderOptions.builder().model(ModelSource.MINILM_FP32).build())) {
      q = int8.embed(texts);
      f = fp32.embed(texts);
    }
    double sum = 0;
    double min = 1;
    for (int i = 0; i < texts.size(); i++) {
      double c = Vectors.cosine(q[i], f[i]);
      sum += c;
      min = Math.min(min, c);
    }
    System.out.printf(
        "int8 vs fp32 over %d texts: mean cosine %.5f, min %.5f%n",
        texts.size(), sum / texts.size(), min);
    assertTrue(min >= 0.98, "min cosine " + min);
  }
}
