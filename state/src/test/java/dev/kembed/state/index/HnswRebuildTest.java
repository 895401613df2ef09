package dev.kembed.state.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class HnswRebuildTest {
  private static final int DIM = 32;
  private static final IndexOptions OPTIONS =
      IndexOptions.defaults()
          .withEfConstruction(64)
          .withInitialCapacity(256)
          .withMaxDeletedFraction(0.25);

  /** Runs rebuild tasks only when the test says so, so writes can land mid-rebuild. */
  private static final class ManualExecutor implements Executor {
    final Queue<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
    }
  }

  @Test
  void rebuildSwapKeepsEveryLiveItemAndEveryWriteMadeDuringTheRebuild() {
    ManualExecutor executor = new ManualExecutor();
    Random random = new Random(11);
    Map<String, float[]> expected = new HashMap<>();
    try (HnswVectorIndex index = new HnswVectorIndex("m", DIM, OPTIONS, executor)) {
      for (int i = 0; i < 200; i++) {
        write(index, expected, "v" + i, TestVectors.randomUnit(random, DIM));
      }
      // Re-embed and delete until a quarter of the capacity is dead slots.
      int round = 0;
      while (executor.tasks.isEmpty()) {
        String id = "v" + random.nextInt(200);
        if (round++ % 3 == 0) {
          index.remove(id);
          expected.remove(id);
        } else {
          write(index, expected, id, TestVectors.randomUnit(random, DIM));
        }
      }
      assertTrue(index.rebuildInProgress());

      // Writes after the cut: new ids, new vectors for old ids, removals of old ids.
      for (int i = 0; i < 300; i++) {
        write(index, expected, "late" + i, TestVectors.randomUnit(random, DIM));
      }
      for (int i = 0; i < 200; i += 2) {
        write(index, expected, "v" + i, TestVectors.randomUnit(random, DIM));
      }
      for (int i = 1; i < 200; i += 4) {
        index.remove("v" + i);
        expected.remove("v" + i);
      }
      assertEquals(expected.size(), index.size(), "the current graph serves reads meanwhile");

      executor.tasks.poll().run();

      assertFalse(index.rebuildInProgress());
      assertEquals(1, index.rebuildCount());
      assertEquals(expected.size(), index.size());
      assertLiveItemsAreTheExpectedOnes(index, expected);
      for (int i = 1; i < 200; i += 4) {
        assertTrue(index.nearest("v" + i, 1).isEmpty(), "v" + i + " was removed");
      }
    }
  }

  @Test
  void rebuildRunsOnItsOwnThreadWhileTheWriterKeepsWriting() throws Exception {
    Random random = new Random(12);
    Map<String, float[]> expected = new HashMap<>();
    try (HnswVectorIndex index = new HnswVectorIndex("m", DIM, OPTIONS)) {
      for (int i = 0; i < 3_000; i++) {
        String id = "v" + random.nextInt(500);
        if (i % 5 == 0) {
          index.remove(id);
          expected.remove(id);
        } else {
          write(index, expected, id, TestVectors.randomUnit(random, DIM));
        }
      }
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (index.rebuildInProgress() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertFalse(index.rebuildInProgress());
      assertTrue(index.rebuildCount() >= 1, "rebuilds: " + index.rebuildCount());
      assertEquals(expected.size(), index.size());
      assertLiveItemsAreTheExpectedOnes(index, expected);
    }
  }

  private static void write(
      HnswVectorIndex index, Map<String, float[]> expected, String id, float[] vector) {
    index.upsert(id, vector);
    expected.put(id, vector);
  }

  /** Every expected id is stored with its latest vector: querying that vector finds it. */
  private static void assertLiveItemsAreTheExpectedOnes(
      HnswVectorIndex index, Map<String, float[]> expected) {
    for (Map.Entry<String, float[]> e : expected.entrySet()) {
      List<Neighbour> top = index.nearest(e.getValue(), 3);
      assertEquals(e.getKey(), top.get(0).id(), "latest vector of " + e.getKey());
      assertEquals(1.0, top.get(0).similarity(), 1e-5);
    }
  }
}
