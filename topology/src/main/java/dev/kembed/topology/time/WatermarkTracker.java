package dev.kembed.topology.time;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Combines the watermarks of several channels into one, as Flink does for an operator with many
 * inputs: the combined watermark is the minimum over the channels, and never moves back. A channel
 * is either an input partition (its watermark is the largest event time read from it, and it turns
 * idle after {@code idleMs} of wall-clock time without a record) or an upstream task writing into a
 * repartition topic (its watermark and idleness arrive in its markers). An idle channel stops
 * holding the others back only once it has confirmed its idleness after they moved ahead of it: an
 * input partition by {@code idleMs} more of silence, an upstream task by two more idle markers. A
 * partition that was quiet and is about to receive a burst therefore gets the time to show its
 * first records, and a burst does not race its own partitions. A channel that was registered but
 * never reported counts as {@link Long#MIN_VALUE} and not idle, so nothing passes an upstream task
 * that has not spoken yet. Pure logic; one instance per stream task, used from its thread only.
 */
public final class WatermarkTracker {
  /** One channel's state. */
  private static final class Channel {
    long watermark = Long.MIN_VALUE;
    boolean reportedIdle;
    long markers;
    long markersAtHold = -1;
    boolean wasIdle;
    long lastRecordWallMs;
    final boolean wallClockIdle;

    Channel(boolean wallClockIdle, long nowMs) {
      this.wallClockIdle = wallClockIdle;
      this.lastRecordWallMs = nowMs;
    }

    boolean idle(long nowMs, long idleMs) {
      return wallClockIdle ? nowMs - lastRecordWallMs >= idleMs : reportedIdle;
    }

    // A busy input partition promises nothing about its latest event time itself: another record
    // of the same millisecond (or within the out-of-orderness) may follow. An idle one has
    // delivered everything it had.
    long effective(long nowMs, long idleMs, long outOfOrdernessMs) {
      if (!wallClockIdle || watermark == Long.MIN_VALUE || idle(nowMs, idleMs)) {
        return watermark;
      }
      return watermark - 1 - outOfOrdernessMs;
    }
  }

  private final long idleMs;
  private final long outOfOrdernessMs;
  private final Map<String, Channel> channels = new LinkedHashMap<>();
  private long current = Long.MIN_VALUE;
  private long holdSinceMs = -1;

  /**
   * @param idleMs wall-clock time after which a silent input partition is idle, and for which an
   *     idle channel still holds the others back
   * @param outOfOrdernessMs how far behind its latest event time an input partition may still
   *     deliver records that the watermark waits for
   */
  public WatermarkTracker(long idleMs, long outOfOrdernessMs) {
    this.idleMs = idleMs;
    this.outOfOrdernessMs = outOfOrdernessMs;
  }

  /** Registers an input partition whose idleness is judged here by the wall clock. */
  public void expectInput(String channel, long nowMs) {
    channels.computeIfAbsent(channel, c -> new Channel(true, nowMs));
  }

  /** Registers an upstream task that reports its own watermark and idleness. */
  public void expectProducer(String channel, long nowMs) {
    channels.computeIfAbsent(channel, c -> new Channel(false, nowMs));
  }

  /** A record with this event time was read from an input channel. */
  public void observe(String channel, long eventTimeMs, long nowMs) {
    Channel c = channels.computeIfAbsent(channel, k -> new Channel(true, nowMs));
    c.watermark = Math.max(c.watermark, eventTimeMs);
    c.lastRecordWallMs = nowMs;
  }

  /** An upstream task's marker: its watermark (monotone per channel) and whether it is idle. */
  public void report(String channel, long watermark, boolean idle, long nowMs) {
    Channel c = channels.computeIfAbsent(channel, k -> new Channel(false, nowMs));
    c.watermark = Math.max(c.watermark, watermark);
    c.reportedIdle = idle;
    c.markers++;
  }

  /** The largest event time an input channel has shown, or {@link Long#MIN_VALUE}. */
  public long channelWatermark(String channel) {
    Channel c = channels.get(channel);
    return c == null ? Long.MIN_VALUE : c.watermark;
  }

  /** Recomputes and returns the combined watermark at wall-clock time {@code nowMs}. */
  public long advance(long nowMs) {
    if (channels.isEmpty()) {
      return current;
    }
    long strict = Long.MAX_VALUE;
    long active = Long.MAX_VALUE;
    long any = Long.MIN_VALUE;
    boolean anyActive = false;
    boolean wokeUp = false;
    for (Channel c : channels.values()) {
      long wm = c.effective(nowMs, idleMs, outOfOrdernessMs);
      strict = Math.min(strict, wm);
      any = Math.max(any, wm);
      boolean idle = c.idle(nowMs, idleMs);
      if (!idle) {
        anyActive = true;
        active = Math.min(active, wm);
        c.markersAtHold = -1;
        wokeUp |= c.wasIdle;
      }
      c.wasIdle = idle;
    }
    if (wokeUp) {
      // New data is arriving somewhere, so it may be arriving everywhere: idleness confirmed while
      // all was quiet no longer counts, every idle channel confirms it again.
      for (Channel c : channels.values()) {
        c.markersAtHold = -1;
      }
      holdSinceMs = -1;
    }
    // Everything idle: all that exists has been delivered, up to the furthest channel.
    long relaxed = anyActive ? active : any;
    long candidate = strict;
    if (relaxed > strict) {
      if (holdSinceMs < 0) {
        holdSinceMs = nowMs;
      }
      // An idle channel that holds the others back is passed over only once it has confirmed its
      // idleness after they moved on: an input partition by staying silent for idleMs more, an
      // upstream task by two more idle markers (the second was sent after the first arrived here,
      // so after that task had processed whatever it had fetched; a stalled thread cannot fake it).
      candidate = relaxed;
      for (Channel c : channels.values()) {
        long wm = c.effective(nowMs, idleMs, outOfOrdernessMs);
        if (wm >= relaxed || !c.idle(nowMs, idleMs)) {
          continue;
        }
        boolean confirmed;
        if (c.wallClockIdle) {
          confirmed = nowMs - holdSinceMs >= idleMs;
        } else {
          if (c.markersAtHold < 0) {
            c.markersAtHold = c.markers;
          }
          confirmed = c.markers - c.markersAtHold >= 2;
        }
        if (!confirmed) {
          candidate = Math.min(candidate, wm);
        }
      }
    } else {
      holdSinceMs = -1;
    }
    current = Math.max(current, candidate);
    return current;
  }

  /** The combined watermark as of the last {@link #advance}. */
  public long current() {
    return current;
  }

  /** True when every channel is idle (and there is at least one). */
  public boolean allIdle(long nowMs) {
    if (channels.isEmpty()) {
      return false;
    }
    for (Channel c : channels.values()) {
      if (!c.idle(nowMs, idleMs)) {
        return false;
      }
    }
    return true;
  }
}
