package dev.kembed.state.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kembed.state.VectorMath;
import dev.kembed.state.window.AddResult.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * Random event sequences through two aggregators, one over {@link InMemoryTileStore} and one over
 * {@link DerivedWindowSums} on a {@link KeyValueTileStore} on a Kafka Streams in-memory store (the
 * production layout: window sums recomputed from tiles, with a cache of 0, 2 or 1,000 entries so
 * that misses, evictions and hits all happen), checked after every step against {@link
 * ReferenceWindows}: same accept/reject decision, same as-of, counts exact, total weight to 1e-9
 * relative, sums to cosine ≥ 0.999999 (and componentwise to 1e-9 of the norm).
 */
class WindowedVectorAggregatorPropertyTest {
  private static final long HOUR = 3_600_000L;
  private static final long DAY = 24 * HOUR;
  private static final int SEQUENCES = 1500;
  private static final String[] USERS = {"u", "u1", "u10"}; // byte prefixes of each other
  private static final String[] KINDS = {"ENGAGEMENT", "SEARCH_INTENT"};
  private static final double[] WEIGHTS = {0.1, 5.0, 1.0, 0.0, 2.5};

  private static final List<WindowConfig> CONFIGS =
      List.of(
          WindowConfig.defaults(),
          // Two hourly windows and a daily one, lateness beyond the longest: EXPIRED happens.
          WindowConfig.of(
              List.of("PT3H", "P1D", "P13D"), Resolution.defaults(), Duration.ofDays(20)),
          // Daily tiles from two days up, a six-hour window in hourly tiles, short lateness.
          WindowConfig.of(
              List.of("PT6H", "P7D", "P30D"),
              new Resolution(
                  List.of(new Resolution.Tier(Duration.ofDays(2), Duration.ofHours(1))),
                  Duration.ofDays(1)),
              Duration.ofHours(2)));

  private double minCosine = 1;
  private double maxWeightError = 0;
  private long checks = 0;

  @Test
  void incrementalEqualsRecomputationThroughBothStores() {
    Map<Status, Integer> statuses = new EnumMap<>(Status.class);
    long events = 0;
    for (int seq = 0; seq < SEQUENCES; seq++) {
      Random rnd = new Random(0x5EED_0000L + seq);
      WindowConfig config = CONFIGS.get(seq % CONFIGS.size());
      int dim = 8 + rnd.nextInt(25);
      WindowedVectorAggregator mem = new WindowedVectorAggregator(new InMemoryTileStore(), config);
      var kvStore = Stores.inMemoryKeyValueStore("prop-" + seq).get();
      WindowedVectorAggregator kv =
          new WindowedVectorAggregator(
              new DerivedWindowSums(
                  new KeyValueTileStore(kvStore), config, new int[] {0, 2, 1_000}[seq % 3]),
              config);
      ReferenceWindows[][] refs = new ReferenceWindows[USERS.length][KINDS.length];
      ReferenceWindows.Event[][] last = new ReferenceWindows.Event[USERS.length][KINDS.length];
      for (int u = 0; u < USERS.length; u++) {
        for (int k = 0; k < KINDS.length; k++) {
          refs[u][k] = new ReferenceWindows(config);
        }
      }
      long origin = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli() + rnd.nextInt((int) DAY);
      int steps = 150 + rnd.nextInt(150);
      for (int step = 0; step < steps; step++) {
        int u = rnd.nextInt(USERS.length);
        int k = rnd.nextInt(KINDS.length);
        ReferenceWindows ref = refs[u][k];
        String ctx = "seq " + seq + " step " + step + " " + USERS[u] + "/" + KINDS[k];
        long base = ref.asOf() == Long.MIN_VALUE ? origin : ref.asOf();
        double op = rnd.nextDouble();
        if (op < 0.04) {
          long to = base + (long) (rnd.nextDouble() * 10 * DAY);
          ref.advanceTo(to);
          mem.advanceTo(USERS[u], KINDS[k], to);
          kv.advanceTo(USERS[u], KINDS[k], to);
        } else {
          ReferenceWindows.Event e;
          if (op < 0.12 && last[u][k] != null) {
            e = last[u][k]; // duplicate, applied again
          } else {
            e =
                new ReferenceWindows.Event(
                    eventTime(rnd, base, config.allowedLatenessMs()),
                    WEIGHTS[rnd.nextInt(WEIGHTS.length)]
                        * (rnd.nextBoolean() ? 1 : rnd.nextDouble()),
                    gaussian(rnd, dim));
          }
          last[u][k] = e;
          Status want = ref.offer(e.timeMs(), e.weight(), e.embedding());
          AddResult a = mem.add(USERS[u], KINDS[k], e.timeMs(), e.weight(), e.embedding());
          AddResult b = kv.add(USERS[u], KINDS[k], e.timeMs(), e.weight(), e.embedding());
          assertEquals(want, a.status(), ctx + " in-memory status");
          assertEquals(want, b.status(), ctx + " key-value status");
          assertEquals(ref.asOf(), a.asOf(), ctx);
          assertEquals(ref.asOf(), b.asOf(), ctx);
          statuses.merge(want, 1, Integer::sum);
          events++;
          if (want == Status.APPLIED) {
            List<ReferenceWindows.Result> now = ref.recompute(ref.asOf(), dim);
            for (WindowVector v : a.changed()) {
              assertMatches(ctx + " changed", now.get(indexOf(config, v.window())), v);
            }
          }
        }
        compare(ctx, ref, mem.snapshot(USERS[u], KINDS[k]), ref.asOf(), dim);
        compare(ctx + " kv", ref, kv.snapshot(USERS[u], KINDS[k]), ref.asOf(), dim);
        if (step % 10 == 9) {
          // Read-only look-ahead, then the stored state must be unchanged.
          long ahead = base + (long) (rnd.nextDouble() * 40 * DAY);
          compare(
              ctx + " snapshotAt",
              ref,
              mem.snapshotAt(USERS[u], KINDS[k], ahead),
              Math.max(ahead, ref.asOf()),
              dim);
          compare(
              ctx + " kv snapshotAt",
              ref,
              kv.snapshotAt(USERS[u], KINDS[k], ahead),
              Math.max(ahead, ref.asOf()),
              dim);
          for (int uu = 0; uu < USERS.length; uu++) {
            for (int kk = 0; kk < KINDS.length; kk++) {
              for (WindowSpec w : config.windows()) {
                assertNull(
                    kvStore.get(
                        org.apache.kafka.common.utils.Bytes.wrap(
                            StateKeyCodec.windowSumKey(USERS[uu], KINDS[kk], w.lengthMs()))),
                    ctx + ": a window sum was written to the store");
              }
              compare(
                  ctx + " all",
                  refs[uu][kk],
                  kv.snapshot(USERS[uu], KINDS[kk]),
                  refs[uu][kk].asOf(),
                  dim);
            }
          }
        }
      }
    }
    System.out.printf(
        "window property test: %d sequences, %d events %s, %d window checks, "
            + "min cosine %.12f, max relative weight error %.3e%n",
        SEQUENCES, events, statuses, checks, minCosine, maxWeightError);
    assertTrue(statuses.getOrDefault(Status.LATE, 0) > 100, "LATE exercised: " + statuses);
    assertTrue(statuses.getOrDefault(Status.EXPIRED, 0) > 100, "EXPIRED exercised: " + statuses);
  }

  /** In-order gaps from minutes to a quarter, out-of-order within grace, and some beyond it. */
  private static long eventTime(Random rnd, long base, long lateness) {
    double p = rnd.nextDouble();
    if (p < 0.45) {
      return base + (long) (rnd.nextDouble() * 6 * HOUR);
    } else if (p < 0.62) {
      return base + (long) (rnd.nextDouble() * 5 * DAY);
    } else if (p < 0.65) {
      return base + 60 * DAY + (long) (rnd.nextDouble() * 140 * DAY); // expires everything
    } else if (p < 0.93) {
      return base - (long) (rnd.nextDouble() * lateness); // out of order, within grace
    } else {
      return base - lateness - 1 - (long) (rnd.nextDouble() * 3 * DAY); // beyond grace
    }
  }

  private static float[] gaussian(Random rnd, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return v;
  }

  private static int indexOf(WindowConfig config, String name) {
    for (int i = 0; i < config.windows().size(); i++) {
      if (config.windows().get(i).name().equals(name)) {
        return i;
      }
    }
    throw new AssertionError("unknown window " + name);
  }

  private void compare(
      String ctx, ReferenceWindows ref, List<WindowVector> got, long asOf, int dim) {
    if (ref.asOf() == Long.MIN_VALUE) {
      for (WindowVector v : got) {
        assertEquals(0, v.count(), ctx);
      }
      return;
    }
    List<ReferenceWindows.Result> want = ref.recompute(asOf, dim);
    assertEquals(want.size(), got.size(), ctx);
    for (int i = 0; i < want.size(); i++) {
      assertEquals(asOf, got.get(i).asOf(), ctx);
      assertMatches(ctx + " " + got.get(i).window(), want.get(i), got.get(i));
    }
  }

  private void assertMatches(String ctx, ReferenceWindows.Result want, WindowVector got) {
    checks++;
    assertEquals(want.count(), got.count(), ctx + " count");
    double weightError = Math.abs(got.totalWeight() - want.weight());
    if (weightError > 1e-9 * Math.abs(want.weight()) + 1e-12) {
      fail(ctx + " weight " + got.totalWeight() + " vs " + want.weight());
    }
    if (want.weight() > 0) {
      maxWeightError = Math.max(maxWeightError, weightError / want.weight());
    }
    double wantNorm = VectorMath.norm(want.sum());
    double[] diff = got.sum().clone();
    VectorMath.addScaled(diff, want.sum(), -1.0);
    if (VectorMath.norm(diff) > 1e-9 * wantNorm + 1e-12) {
      fail(ctx + " sum differs by " + VectorMath.norm(diff) + " at norm " + wantNorm);
    }
    if (want.weight() == 0) {
      // No positive-weight event in the window: no residue may fake a direction.
      assertEquals(
          0.0,
          VectorMath.norm(got.sum()),
          0.0,
          ctx + " weightless window must sum to exactly zero");
      assertEquals(0.0, got.totalWeight(), 0.0, ctx + " weightless window must weigh exactly zero");
      assertEquals(null, got.normalized(), ctx);
    } else if (wantNorm > 0) {
      double cos = VectorMath.cosine(got.sum(), want.sum());
      minCosine = Math.min(minCosine, cos);
      assertTrue(cos >= 0.999999, ctx + " cosine " + cos);
    }
  }
}
