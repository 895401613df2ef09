package dev.kembed.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * End-to-end latencies of one kind of output (milliseconds from the input's send to the output's
 * arrival at a read_committed consumer), with nearest-rank percentiles. Thread-safe.
 */
public final class Latencies {
  private final List<Double> millis = new ArrayList<>();

  public synchronized void add(double ms) {
    millis.add(ms);
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
}
