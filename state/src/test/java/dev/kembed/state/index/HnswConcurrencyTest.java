package dev.kembed.state.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HnswConcurrencyTest {
  private static final int DIM = 32;

  @Test
  void readersDuringWritesGrowthAndRebuildsSeeConsistentResults() throws Exception {
    // Small capacity and heavy churn force several resizes and background rebuilds.
    IndexOptions options =
        IndexOptions.defaults()
            .withEfConstruction(64)
            .withInitialCapacity(64)
            .withMaxDeletedFraction(0.2);
    int anchors = 200;
    float[][] anchorVectors = TestVectors.randomUnits(21, anchors, DIM);
    try (HnswVectorIndex index = new HnswVectorIndex("m", DIM, options)) {
      for (int i = 0; i < anchors; i++) {
        index.upsert("anchor" + i, anchorVectors[i]);
      }
      AtomicBoolean writing = new AtomicBoolean(true);
      ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
      AtomicLong queries = new AtomicLong();
      AtomicLong anchorHits = new AtomicLong();

      List<Thread> readers = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        Random random = new Random(100 + r);
        Thread reader =
            new Thread(
                () -> {
                  try {
                    while (writing.get()) {
                      int a = random.nextInt(anchors);
                      List<Neighbour> byVector = index.nearest(anchorVectors[a], 5);
                      checkWellFormed(byVector, null);
                      if (!byVector.isEmpty() && byVector.get(0).id().equals("anchor" + a)) {
                        anchorHits.incrementAndGet();
                      }
                      checkWellFormed(index.nearest("anchor" + a, 5), "anchor" + a);
                      queries.incrementAndGet();
                    }
                  } catch (Throwable t) {
                    failures.add(t);
                  }
                });
        reader.start();
        readers.add(reader);
      }

      Random random = new Random(22);
      Set<String> live = new HashSet<>();
      for (int i = 0; i < 12_000; i++) {
        String id = "churn" + random.nextInt(1_000);
        if (random.nextInt(4) == 0) {
          index.remove(id);
          live.remove(id);
        } else {
          index.upsert(id, TestVectors.randomUnit(random, DIM));
          live.add(id);
        }
      }
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (index.rebuildInProgress() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      writing.set(false);
      for (Thread reader : readers) {
        reader.join();
      }

      assertTrue(failures.isEmpty(), () -> "reader failed: " + failures.peek());
      assertTrue(index.rebuildCount() >= 1, "no rebuild happened");
      assertEquals(anchors + live.size(), index.size());
      assertTrue(queries.get() > 100, "readers ran " + queries.get() + " queries");
      // An anchor's own vector must find the anchor; allow the rare miss of an approximate search.
      assertTrue(
          anchorHits.get() >= 0.99 * queries.get(), anchorHits.get() + " of " + queries.get());
    }
  }

  private static void checkWellFormed(List<Neighbour> result, String excludedId) {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < result.size(); i++) {
      Neighbour n = result.get(i);
      if (!ids.add(n.id())) {
        throw new AssertionError("duplicate id " + n.id() + " in " + result);
      }
      if (n.id().equals(excludedId)) {
        throw new AssertionError("query item returned as its own neighbour");
      }
      if (!(n.id().startsWith("anchor") || n.id().startsWith("churn"))) {
        throw new AssertionError("unknown id " + n.id());
      }
      if (i > 0 && result.get(i - 1).similarity() < n.similarity()) {
        throw new AssertionError("not sorted: " + result);
      }
    }
    if (result.size() != 5) {
      throw new AssertionError("expected 5 neighbours, got " + result.size());
    }
  }
}
