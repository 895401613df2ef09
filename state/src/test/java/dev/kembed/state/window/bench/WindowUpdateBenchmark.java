package dev.kembed.state.window.bench;

import dev.kembed.state.VectorMath;
import dev.kembed.state.window.InMemoryTileStore;
import dev.kembed.state.window.KeyValueTileStore;
import dev.kembed.state.window.WindowConfig;
import dev.kembed.state.window.WindowSpec;
import dev.kembed.state.window.WindowVector;
import dev.kembed.state.window.WindowedVectorAggregator;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.LongConsumer;
import org.apache.kafka.streams.state.Stores;

/**
 * Per-event cost of the incremental window update against recomputing every window from the user's
 * raw history, measured in the same run at dim 384 with the default windows (P7D, P30D, P90D). The
 * user is in steady state: events arrive every 90 days / N, so the longest window holds about N
 * events and each new event pushes old ones out. The recomputation is the lean baseline a
 * non-incremental processor would run: keep the raw events still inside P90D and sum each window
 * over them. Both sides end on the same vectors (checked and printed). Run:
 *
 * <pre>
 * mvn -B -q -pl state test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.kembed.state.window.bench.WindowUpdateBenchmark
 * </pre>
 */
public final class WindowUpdateBenchmark {
  private static final int DIM = 384;
  private static final long DAY = 86_400_000L;
  private static final long START = 1_704_067_200_000L; // 2024-01-01T00:00Z
  private static final int POOL = 1024;
  private static final int ROUNDS = 7;

  private record Event(long timeMs, double weight, float[] embedding) {}

  public static void main(String[] args) {
    Random rnd = new Random(42);
    float[][] pool = new float[POOL][DIM];
    for (float[] v : pool) {
      for (int i = 0; i < DIM; i++) {
        v[i] = (float) rnd.nextGaussian();
      }
    }
    double[] weights = {0.1, 1.0, 5.0, 2.0};
    WindowConfig config = WindowConfig.defaults();
    System.out.printf(
        "dim %d, windows %s, %s%n",
        DIM,
        config.windows().stream().map(WindowSpec::name).toList(),
        System.getProperty("java.vm.name") + " " + Runtime.version());
    System.out.println(
        "| history (events in P90D) | incremental, in-memory store (µs/event) | incremental,"
            + " KeyValueStore (µs/event) | recompute from history (µs/event) | recompute /"
            + " incremental (in-memory) | recompute / incremental (KeyValueStore) | min cosine |");
    System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
    // Warm-up: the same code paths on throwaway state, so no row pays for JIT compilation.
    for (int n : new int[] {100, 1_000, 1_000}) {
      measure(n, config, pool, weights, false);
    }
    for (int n : new int[] {100, 1_000, 10_000}) {
      measure(n, config, pool, weights, true);
    }
  }

  private static void measure(
      int n, WindowConfig config, float[][] pool, double[] weights, boolean print) {
    {
      long step = 90 * DAY / n;
      Event[] events = new Event[n + 10 * 5_000 + 10 * 1_000];
      for (int i = 0; i < events.length; i++) {
        events[i] = new Event(START + i * step, weights[i % weights.length], pool[(i * 7) % POOL]);
      }
      WindowedVectorAggregator mem = new WindowedVectorAggregator(new InMemoryTileStore(), config);
      WindowedVectorAggregator kv =
          new WindowedVectorAggregator(
              new KeyValueTileStore(Stores.inMemoryKeyValueStore("bench-" + n).get()), config);
      Recompute recompute = new Recompute(config);
      // Fill the history (also the JIT warm-up), then time further events.
      for (int i = 0; i < n; i++) {
        mem.add("user", "ENGAGEMENT", events[i].timeMs, events[i].weight, events[i].embedding);
        kv.add("user", "ENGAGEMENT", events[i].timeMs, events[i].weight, events[i].embedding);
        recompute.add(events[i]);
      }
      int[] next = {n, n, n};
      int incrementalBatch = 5_000;
      int recomputeBatch = Math.max(20, Math.min(1_000, 200_000 / n));
      double memUs =
          medianMicros(
              incrementalBatch,
              i -> {
                Event e = events[next[0]++];
                mem.add("user", "ENGAGEMENT", e.timeMs, e.weight, e.embedding);
              });
      double kvUs =
          medianMicros(
              incrementalBatch,
              i -> {
                Event e = events[next[1]++];
                kv.add("user", "ENGAGEMENT", e.timeMs, e.weight, e.embedding);
              });
      double reUs = medianMicros(recomputeBatch, i -> recompute.add(events[next[2]++]));
      // Bring all three to the same event and compare their vectors.
      int end = Math.max(next[0], Math.max(next[1], next[2]));
      for (int i = next[0]; i < end; i++) {
        mem.add("user", "ENGAGEMENT", events[i].timeMs, events[i].weight, events[i].embedding);
      }
      for (int i = next[1]; i < end; i++) {
        kv.add("user", "ENGAGEMENT", events[i].timeMs, events[i].weight, events[i].embedding);
      }
      for (int i = next[2]; i < end; i++) {
        recompute.add(events[i]);
      }
      double minCos =
          Math.min(
              recompute.minCosine(mem.snapshot("user", "ENGAGEMENT")),
              recompute.minCosine(kv.snapshot("user", "ENGAGEMENT")));
      if (!print) {
        return;
      }
      System.out.printf(
          "| %,d | %.2f | %.2f | %.1f | %.0fx | %.0fx | %.9f |%n",
          n, memUs, kvUs, reUs, reUs / memUs, reUs / kvUs, minCos);
    }
  }

  /** Median over {@link #ROUNDS} batches of {@code batch} calls, in microseconds per call. */
  private static double medianMicros(int batch, LongConsumer body) {
    double[] rounds = new double[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < batch; i++) {
        body.accept(i);
      }
      rounds[r] = (System.nanoTime() - t0) / 1e3 / batch;
    }
    Arrays.sort(rounds);
    return rounds[ROUNDS / 2];
  }

  /** The non-incremental baseline: raw events still in the longest window, re-summed per event. */
  private static final class Recompute {
    private final List<WindowSpec> windows;
    private final WindowSpec longest;
    private final ArrayDeque<Event> history = new ArrayDeque<>();
    private final double[][] sums;
    private final double[] weightSums;
    private long asOf = Long.MIN_VALUE;

    Recompute(WindowConfig config) {
      this.windows = config.windows();
      this.longest = windows.get(windows.size() - 1);
      this.sums = new double[windows.size()][DIM];
      this.weightSums = new double[windows.size()];
    }

    void add(Event e) {
      history.addLast(e);
      asOf = Math.max(asOf, e.timeMs);
      while (!longest.covers(history.peekFirst().timeMs, asOf)) {
        history.removeFirst();
      }
      for (int w = 0; w < windows.size(); w++) {
        Arrays.fill(sums[w], 0);
        weightSums[w] = 0;
      }
      for (Event h : history) {
        for (int w = 0; w < windows.size(); w++) {
          if (windows.get(w).covers(h.timeMs, asOf)) {
            VectorMath.addScaled(sums[w], h.embedding, h.weight);
            weightSums[w] += h.weight;
          }
        }
      }
    }

    double minCosine(List<WindowVector> incremental) {
      double min = 1;
      for (int w = 0; w < windows.size(); w++) {
        WindowVector v = incremental.get(w);
        if (Math.abs(v.totalWeight() - weightSums[w]) > 1e-9 * weightSums[w]) {
          throw new IllegalStateException(
              "weights differ in " + v.window() + ": " + v.totalWeight() + " vs " + weightSums[w]);
        }
        min = Math.min(min, VectorMath.cosine(v.sum(), sums[w]));
      }
      return min;
    }
  }
}
