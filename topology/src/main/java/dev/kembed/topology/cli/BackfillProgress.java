package dev.kembed.topology.cli;

import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a replay has come: for each input partition, where it started, the end offset seen at
 * start (the target) and the committed offset now. Pure arithmetic, so the ETA and the "caught up"
 * rule are tested without a broker.
 */
public final class BackfillProgress {
  private final Map<TopicPartition, Long> start;
  private final Map<TopicPartition, Long> target;

  public BackfillProgress(Map<TopicPartition, Long> start, Map<TopicPartition, Long> target) {
    this.start = Map.copyOf(start);
    this.target = Map.copyOf(target);
  }

  /** Records between the start offsets and the targets. */
  public long total() {
    long t = 0;
    for (var e : target.entrySet()) {
      t += Math.max(0, e.getValue() - start.getOrDefault(e.getKey(), 0L));
    }
    return t;
  }

  /**
   * Records consumed (committed) towards the targets; commits past a target count as the target.
   */
  public long consumed(Map<TopicPartition, Long> committed) {
    long c = 0;
    for (var e : target.entrySet()) {
      long from = start.getOrDefault(e.getKey(), 0L);
      Long at = committed.get(e.getKey());
      if (at != null) {
        c += Math.max(0, Math.min(at, e.getValue()) - from);
      }
    }
    return c;
  }

  /** True when every partition's committed offset reached its target (empty ranges need none). */
  public boolean caughtUp(Map<TopicPartition, Long> committed) {
    for (var e : target.entrySet()) {
      long from = start.getOrDefault(e.getKey(), 0L);
      if (e.getValue() > from) {
        Long at = committed.get(e.getKey());
        if (at == null || at < e.getValue()) {
          return false;
        }
      }
    }
    return true;
  }

  /** One progress line: consumed vs total, percentage, rate and ETA. */
  public String line(Map<TopicPartition, Long> committed, double elapsedSeconds) {
    long done = consumed(committed);
    long total = total();
    double rate = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
    String eta = rate > 0 ? formatSeconds((total - done) / rate) : "?";
    return String.format(
        Locale.ROOT,
        "backfill %,d / %,d records (%.1f%%) %,.0f records/s, ETA %s",
        done,
        total,
        total == 0 ? 100.0 : 100.0 * done / total,
        rate,
        eta);
  }

  static String formatSeconds(double s) {
    long r = Math.round(s);
    return r >= 3600
        ? String.format(Locale.ROOT, "%dh%02dm", r / 3600, r % 3600 / 60)
        : r >= 60 ? String.format(Locale.ROOT, "%dm%02ds", r / 60, r % 60) : r + "s";
  }
}
