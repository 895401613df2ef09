package dev.kembed.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * End-to-end latencies of one kind of output (milliseconds from the input's send to the output's
 * arrival at a read_committed consumer), with nearest-rank percentiles, and, where the send times
 * are given, the latencies of the inputs sent in the second half of the sending: a freshly started
 * JVM compiles for its first seconds on the same cores, so the first half says more about start-up
 * than about a running service. Thread-safe.
 */
public final class Latencies {
  private final List<Double> millis = new ArrayList<>();
  private final List<Long> sentNanos = new ArrayList<>();

  /** A latency whose input's send time is not known (it is in no half). */
  public synchronized void add(double ms) {
    add(Long.MIN_VALUE, ms);
  }

  /** A latency of an input sent at {@code sentNanos} ({@link System#nanoTime()}). */
  public synchronized void add(long sentNanos, double ms) {
    millis.add(ms);
    this.sentNanos.add(sentNanos);
  }

  public synchronized int count() {
    return millis.size();
  }

  /** The p-th percentile (0 < p <= 100) by nearest rank; NaN when empty. */
  public synchronized double percentile(double p) {
    if (millis.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  /**
   * The latencies of the inputs sent at or after the middle of the first and last known send times;
   * empty when no send time is known.
   */
  public synchronized Latencies secondHalf() {
    Latencies half = new Latencies();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (long s : sentNanos) {
      if (s != Long.MIN_VALUE) {
        first = Math.min(first, s);
        last = Math.max(last, s);
      }
    }
    if (first > last) {
      return half;
    }
    long middle = first + (last - first) / 2;
    for (int i = 0; i < millis.size(); i++) {
      long s = sentNanos.get(i);
      if (s != Long.MIN_VALUE && s >= middle) {
        half.add(s, millis.get(i));
      }
    }
    return half;
  }
}
