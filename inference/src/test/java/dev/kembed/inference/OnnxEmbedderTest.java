package dev.kembed.inference;

import static dev.kembed.inference.Vectors.cosine;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real models, real numbers: the shipped int8 and fp32 MiniLM. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OnnxEmbedderTest {

  private OnnxEmbedder int8;
  private OnnxEmbedder fp32;

  @BeforeAll
  void load() {
    int8 = OnnxEmbedder.create(EmbedderOptions.defaults());
    fp32 = OnnxEmbedder.create(EmbedderOptions.builder().model(ModelSource.MINILM_FP32).build());
  }

  @AfterAll
  void close() {
    int8.close();
    fp32.close();
  }

  private OnnxEmbedder embedder(String model) {
    return model.equals(ModelSource.MINILM_INT8) ? int8 : fp32;
  }

  @Test
  void describesTheModel() {
    ModelInfo info = int8.model();
    assertTrue(info.id().startsWith("all-minilm-l6-v2-q@"), info.id());
    assertEquals(384, info.dimension());
    assertEquals(256, info.maxTokens());
    assertTrue(info.batchInvariant(), "auto mode runs the dynamically quantized model per text");
    assertTrue(fp32.model().batchInvariant());
    assertNotEquals(int8.model().id(), fp32.model().id());
  }

  @Test
  void tokenizesWithoutFixedPadding() {
    long[][] ids = int8.tokenize(List.of("need a plumber", "hi"));
    assertEquals(
        6, ids[0].length, Arrays.toString(ids[0])); // [CLS] need a plum ##ber [SEP], not 128
    assertEquals(3, ids[1].length, Arrays.toString(ids[1]));
  }

  @ParameterizedTest
  @ValueSource(strings = {ModelSource.MINILM_INT8, ModelSource.MINILM_FP32})
  void vectorsAreUnitLengthAndInInputOrder(String model) {
    List<String> texts = TestTexts.corpus(20, 7);
    float[][] batch = embedder(model).embed(texts);
    assertEquals(texts.size(), batch.length);
    for (int i = 0; i < texts.size(); i++) {
      assertEquals(384, batch[i].length);
      assertEquals(1.0, Vectors.norm(batch[i]), 1e-5);
      assertEquals(
          1.0, cosine(batch[i], embedder(model).embed(texts.get(i))), 1e-5, "order kept for " + i);
    }
  }

  /** anchor, positive, negative: the anchor must be closer to the positive. */
  private static final String[][] TRIPLES = {
    {"need a plumber", "plumber recommendations", "lost golden retriever"},
    {"couch for sale", "free sofa", "block party saturday"},
    {"lost cat", "found kitten", "handyman available"},
    {"looking for a babysitter", "nanny needed for two kids", "garage sale this weekend"},
    {"car break-in on our street", "my bike was stolen last night", "farmers market opens sunday"},
    {"electrician recommendation", "who fixed your wiring?", "lost parrot"},
    {"dog walker wanted", "can someone walk my puppy", "selling a piano"},
    {"house cleaning service", "recommend a maid", "stolen catalytic converter"},
    {"lawn mowing", "someone to cut my grass", "vet open on weekends"},
    {"suspicious person knocking on doors", "stranger checking car handles", "free firewood"},
    {"fresh eggs from backyard chickens", "selling farm eggs", "roof leak repair"},
    {"maths tutor for my son", "homework help for kids", "power outage on oak street"},
  };

  @ParameterizedTest
  @ValueSource(strings = {ModelSource.MINILM_INT8, ModelSource.MINILM_FP32})
  void anchorIsCloserToPositiveThanToNegative(String model) {
    List<String> failures = new ArrayList<>();
    for (String[] t : TRIPLES) {
      float[][] v = embedder(model).embed(List.of(t));
      double pos = cosine(v[0], v[1]);
      double neg = cosine(v[0], v[2]);
      if (!(pos > neg)) {
        failures.add(String.format("%s: pos %.3f <= neg %.3f", t[0], pos, neg));
      }
    }
    assertTrue(failures.isEmpty(), model + " " + failures);
  }

  @ParameterizedTest
  @ValueSource(strings = {ModelSource.MINILM_INT8, ModelSource.MINILM_FP32})
  void aTextAloneEqualsTheSameTextInABatchOf64(String model) {
    OnnxEmbedder e = embedder(model);
    List<String> texts = TestTexts.corpus(64, 42);
    float[][] batched = e.embed(texts);
    double worst = 1;
    for (int i = 0; i < texts.size(); i++) {
      worst = Math.min(worst, cosine(batched[i], e.embed(texts.get(i))));
    }
    System.out.printf(
        "batch invariance %s: min cosine alone vs batch of 64 = %.8f%n", model, worst);
    assertTrue(worst >= 0.99999, model + " min cosine " + worst);
  }

  /** Shows why auto mode runs int8 per text: forced batching really changes its vectors. */
  @Test
  void forcedBatchingBreaksInvarianceOfTheQuantizedModel() {
    try (OnnxEmbedder batched =
        OnnxEmbedder.create(
            EmbedderOptions.builder().batching(EmbedderOptions.Batching.BATCHED).build())) {
      assertFalse(batched.model().batchInvariant());
      List<String> texts = TestTexts.corpus(64, 42);
      float[][] together = batched.embed(texts);
      double worst = 1;
      for (int i = 0; i < texts.size(); i++) {
        worst = Math.min(worst, cosine(together[i], batched.embed(texts.get(i))));
      }
      System.out.printf("int8 forced batching: min cosine alone vs batch = %.6f%n", worst);
      assertTrue(worst < 0.99999, "expected batch dependence, min cosine " + worst);
      batched.close(); // and again by try-with-resources: close is idempotent
    }
  }

  @Test
  void blankTextsAreRejectedWithTheirIndex() {
    var nullText =
        assertThrows(InvalidTextException.class, () -> int8.embed(Arrays.asList("ok", null)));
    assertEquals(1, nullText.index());
    var empty =
        assertThrows(InvalidTextException.class, () -> int8.embed(List.of("ok", "fine", "")));
    assertEquals(2, empty.index());
    var blank = assertThrows(InvalidTextException.class, () -> int8.embed(List.of(" \t\n ")));
    assertEquals(0, blank.index());
    assertTrue(blank.getMessage().contains("index 0"), blank.getMessage());
    assertEquals(
        0, assertThrows(InvalidTextException.class, () -> int8.embed((String) null)).index());
  }

  @Test
  void longTextIsTruncatedNotRejected() {
    String longText = "the quick brown fox jumps over the lazy dog ".repeat(1200); // ~50k chars
    assertTrue(longText.length() >= 50_000);
    assertEquals(256, int8.tokenize(List.of(longText))[0].length);
    float[] v = int8.embed(longText);
    assertEquals(1.0, Vectors.norm(v), 1e-5);
    String prefixOnly = "the quick brown fox jumps over the lazy dog ".repeat(100);
    assertEquals(1.0, cosine(v, int8.embed(prefixOnly)), 1e-4, "only the first 256 tokens count");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "🙂🎉🐶",
        "Потерялась собака возле парка",
        "附近有好的水管工吗",
        "a\u0000b\u0007c\u001b[0m",
        "\uD83D lone high surrogate",
        "é́́́ combining marks",
        "\u200B\u200Bzero width"
      })
  void unusualTextsGiveFiniteUnitVectors(String text) {
    for (OnnxEmbedder e : List.of(int8, fp32)) {
      float[] v = e.embed(text);
      assertTrue(Vectors.allFinite(v), text);
      assertEquals(1.0, Vectors.norm(v), 1e-5, text);
    }
  }

  @Test
  void concurrentCallsGiveTheSameVectorsAsSequentialOnes() throws Exception {
    List<String> texts = TestTexts.corpus(40, 3);
    for (OnnxEmbedder e : List.of(int8, fp32)) {
      float[][] sequential = new float[texts.size()][];
      for (int i = 0; i < texts.size(); i++) {
        sequential[i] = e.embed(texts.get(i));
      }
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<float[][]>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          int offset = t;
          futures.add(
              pool.submit(
                  () -> {
                    // Each thread embeds a rotated slice so that calls overlap on different texts.
                    List<String> mine = new ArrayList<>();
                    for (int i = 0; i < texts.size(); i++) {
                      mine.add(texts.get((i + offset * 10) % texts.size()));
                    }
                    return e.embed(mine);
                  }));
        }
        for (int t = 0; t < 4; t++) {
          float[][] got = futures.get(t).get();
          for (int i = 0; i < texts.size(); i++) {
            float[] expected = sequential[(i + t * 10) % texts.size()];
            assertTrue(cosine(expected, got[i]) >= 0.99999, "thread " + t + " text " + i);
          }
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void cudaWithoutAGpuRuntimeFailsAtConstructionWithAClearMessage() {
    org.junit.jupiter.api.Assumptions.assumeFalse(
        ai.onnxruntime.OrtEnvironment.getAvailableProviders()
            .contains(ai.onnxruntime.OrtProvider.CUDA),
        "this runtime has CUDA");
    var e =
        assertThrows(
            IllegalStateException.class,
            () ->
                OnnxEmbedder.create(
                    EmbedderOptions.builder().device(EmbedderOptions.Device.CUDA).build()));
    assertTrue(
        e.getMessage().startsWith("device=cuda needs the gpu Maven profile (onnxruntime_gpu)"),
        e.getMessage());
  }

  @Test
  void nonDefaultSessionOptionsGiveTheSameVectors() {
    EmbedderOptions options =
        EmbedderOptions.builder()
            .interOpThreads(1)
            .intraOpThreads(2)
            .parallelism(1)
            .optimization(EmbedderOptions.Optimization.BASIC)
            .maxTokens(128)
            .build();
    try (OnnxEmbedder other = OnnxEmbedder.create(options)) {
      assertEquals(128, other.model().maxTokens());
      // Optimisation level and max tokens change vectors (int8 down to cosine 0.99 on long or
      // Cyrillic text), so they are part of the id; threads are not. Short text agrees anyway:
      assertNotEquals(int8.model().id(), other.model().id());
      assertEquals(
          int8.model().id().substring(0, int8.model().id().indexOf('.')),
          other.model().id().substring(0, other.model().id().indexOf('.')),
          "same model bytes");
      String text = "does anyone know a reliable electrician near the park?";
      assertTrue(cosine(int8.embed(text), other.embed(text)) >= 0.9999);
    }
  }

  @Test
  void emptyListGivesNoVectors() {
    assertEquals(0, int8.embed(List.of()).length);
  }
}
