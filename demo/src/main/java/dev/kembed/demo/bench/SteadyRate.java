package dev.kembed.demo.bench;

import java.util.Collection;

/**
 * Records per second between the first and the last time a reader saw a stream's records, not
 * counting the records it saw first: those became visible together (one transaction, one poll), so
 * they carry the time to the first output (start-up, the first fetch and commit) and no throughput.
 * The same estimator is applied to the live burst and to the replay, so their ratio compares the
 * rate at which each delivers once it delivers; the time to the first output is reported apart.
 */
final class SteadyRate {
  private SteadyRate() {}

  /** NaN when fewer than two distinct visibility times were seen. */
  static double perSecond(Collection<Long> visibleAtNanos) {
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (long t : visibleAtNanos) {
      first = Math.min(first, t);
      last = Math.max(last, t);
    }
    if (visibleAtNanos.isEmpty() || last == first) {
      return Double.NaN;
    }
    long atFirst = 0;
    for (long t : visibleAtNanos) {
      if (t == first) {
        atFirst++;
      }
    }
    return (visibleAtNanos.size() - atFirst) / ((last - first) / 1e9);
  }
}
