package dev.kembed.state.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HnswVectorIndexTest {
  private static final String MODEL = "all-MiniLM-L6-v2";

  @Test
  void recallAtTenIsAtLeast95PercentOfExactWithDefaultOptions() {
    // Uniformly random directions are the hardest case for a graph index (no clusters to
    // exploit); real embeddings do better at the same settings (docs/index.md).
    int n = 5_000;
    int dimension = 64;
    float[][] data = TestVectors.randomUnits(1, n, dimension);
    try (HnswVectorIndex hnsw = new HnswVectorIndex(MODEL, dimension, IndexOptions.defaults());
        ExactIndex exact = new ExactIndex(MODEL, dimension)) {
      for (int i = 0; i < n; i++) {
        hnsw.upsert("v" + i, data[i]);
        exact.upsert("v" + i, data[i]);
      }
      float[][] queries = TestVectors.randomUnits(2, 300, dimension);
      double recall = 0;
      for (float[] q : queries) {
        List<Neighbour> approximate = hnsw.nearest(q, 10);
        assertEquals(10, approximate.size());
        recall += TestVectors.recall(approximate, exact.nearest(q, 10));
      }
      recall /= queries.length;
      assertTrue(recall >= 0.95, "recall@10 was " + recall);
    }
  }

  @Test
  void resultsAreSortedAndScoredAsCosineSimilarity() {
    float[][] data = TestVectors.randomUnits(3, 500, 16);
    try (HnswVectorIndex index = new HnswVectorIndex(MODEL, 16, IndexOptions.defaults())) {
      for (int i = 0; i < data.length; i++) {
        // Scaled inputs: the index normalises, so scale must not change the score.
        float[] scaled = data[i].clone();
        for (int j = 0; j < scaled.length; j++) {
          scaled[j] *= 3 + i;
        }
        index.upsert("v" + i, scaled);
      }
      List<Neighbour> result = index.nearest(data[7], 5);
      assertEquals("v7", result.get(0).id());
      assertEquals(1.0, result.get(0).similarity(), 1e-5);
      for (int i = 1; i < result.size(); i++) {
        assertTrue(result.get(i - 1).similarity() >= result.get(i).similarity());
        int id = Integer.parseInt(result.get(i).id().substring(1));
        assertEquals(
            dev.kembed.state.VectorMath.cosine(data[7], data[id]),
            result.get(i).similarity(),
            1e-5);
      }
    }
  }

  @Test
  void upsertReplacesTheOldVector() {
    float[][] data = TestVectors.randomUnits(4, 1_000, 32);
    try (HnswVectorIndex index = new HnswVectorIndex(MODEL, 32, IndexOptions.defaults())) {
      for (int i = 0; i < data.length; i++) {
        index.upsert("v" + i, data[i]);
      }
      float[] old = data[0];
      float[] replacement = TestVectors.randomUnit(new Random(99), 32);
      index.upsert("v0", replacement);

      assertEquals(1_000, index.size());
      assertFalse(ids(index.nearest(old, 10)).contains("v0"), "old vector still found");
      List<Neighbour> top = index.nearest(replacement, 1);
      assertEquals("v0", top.get(0).id());
      assertEquals(1.0, top.get(0).similarity(), 1e-5);
    }
  }

  @Test
  void removeRemoves() {
    float[][] data = TestVectors.randomUnits(5, 1_000, 32);
    try (HnswVectorIndex index = new HnswVectorIndex(MODEL, 32, IndexOptions.defaults())) {
      for (int i = 0; i < data.length; i++) {
        index.upsert("v" + i, data[i]);
      }
      assertTrue(index.remove("v3"));
      assertFalse(index.remove("v3"));
      assertFalse(index.remove("never-there"));
      assertEquals(999, index.size());
      assertFalse(ids(index.nearest(data[3], 10)).contains("v3"));
      assertTrue(index.nearest("v3", 10).isEmpty());

      index.upsert("v3", data[3]); // a removed id can come back
      assertEquals("v3", index.nearest(data[3], 1).get(0).id());
    }
  }

  @Test
  void nearestByIdExcludesItselfAndMatchesExactSearch() {
    float[][] data = TestVectors.randomUnits(6, 2_000, 32);
    try (HnswVectorIndex hnsw = new HnswVectorIndex(MODEL, 32, IndexOptions.defaults());
        ExactIndex exact = new ExactIndex(MODEL, 32)) {
      for (int i = 0; i < data.length; i++) {
        hnsw.upsert("v" + i, data[i]);
        exact.upsert("v" + i, data[i]);
      }
      double recall = 0;
      for (int i = 0; i < 50; i++) {
        List<Neighbour> approximate = hnsw.nearest("v" + i, 10);
        List<Neighbour> expected = exact.nearest("v" + i, 10);
        assertEquals(10, approximate.size());
        assertFalse(ids(approximate).contains("v" + i));
        assertFalse(ids(expected).contains("v" + i));
        recall += TestVectors.recall(approximate, expected);
      }
      assertTrue(recall / 50 >= 0.95, "recall " + recall / 50);
      assertTrue(hnsw.nearest("unknown", 5).isEmpty());
    }
  }

  @Test
  void rejectsVectorsThatCannotBeCompared() {
    try (HnswVectorIndex index = new HnswVectorIndex(MODEL, 4, IndexOptions.defaults())) {
      assertThrows(
          IllegalArgumentException.class,
          () -> index.upsert("a", new float[] {1, Float.NaN, 0, 0}));
      assertThrows(
          IllegalArgumentException.class,
          () -> index.upsert("a", new float[] {1, Float.POSITIVE_INFINITY, 0, 0}));
      assertThrows(IllegalArgumentException.class, () -> index.upsert("a", new float[] {1, 0, 0}));
      assertThrows(IllegalArgumentException.class, () -> index.upsert("a", new float[4]));
      assertThrows(IllegalArgumentException.class, () -> index.upsert("a", null));
      assertThrows(
          IllegalArgumentException.class, () -> index.nearest(new float[] {1, 0, Float.NaN, 0}, 3));
      assertThrows(
          IllegalArgumentException.class, () -> index.nearest(new float[] {1, 0, 0, 0}, 0));
      assertEquals(0, index.size());
      assertTrue(index.nearest(new float[] {1, 0, 0, 0}, 3).isEmpty());
    }
  }

  @Test
  void rejectsVectorsOfAnotherModel() {
    try (HnswVectorIndex index = new HnswVectorIndex(MODEL, 4, IndexOptions.defaults())) {
      index.upsert("a", new float[] {1, 0, 0, 0}, MODEL);
      assertThrows(
          ModelMismatchException.class,
          () -> index.upsert("b", new float[] {0, 1, 0, 0}, "e5-small-v2"));
      assertEquals(1, index.size());
      assertEquals(MODEL, index.modelId());
    }
  }

  @Test
  void growsCapacityBeforeItRunsOut() {
    float[][] data = TestVectors.randomUnits(7, 1_000, 16);
    IndexOptions tiny = IndexOptions.defaults().withInitialCapacity(8).withEfConstruction(64);
    try (HnswVectorIndex index = new HnswVectorIndex(MODEL, 16, tiny)) {
      for (int i = 0; i < data.length; i++) {
        index.upsert("v" + i, data[i]);
      }
      assertEquals(1_000, index.size());
      assertTrue(index.capacity() >= 1_000 && index.capacity() <= 2_048, "" + index.capacity());
      for (int i = 0; i < data.length; i += 97) {
        assertEquals("v" + i, index.nearest(data[i], 1).get(0).id());
      }
    }
  }

  @Test
  void closedIndexRefusesWork() {
    HnswVectorIndex index = new HnswVectorIndex(MODEL, 4, IndexOptions.defaults());
    index.close();
    assertThrows(IllegalStateException.class, () -> index.upsert("a", new float[] {1, 0, 0, 0}));
    assertThrows(IllegalStateException.class, () -> index.nearest(new float[] {1, 0, 0, 0}, 1));
  }

  @Test
  void optionsAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> IndexOptions.defaults().withM(1));
    assertThrows(
        IllegalArgumentException.class, () -> IndexOptions.defaults().withEfConstruction(8));
    assertThrows(IllegalArgumentException.class, () -> IndexOptions.defaults().withEf(0));
    assertThrows(
        IllegalArgumentException.class, () -> IndexOptions.defaults().withMaxDeletedFraction(1.0));
  }

  static List<String> ids(List<Neighbour> neighbours) {
    return neighbours.stream().map(Neighbour::id).toList();
  }
}
