package dev.kembed.topology.time;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The event-time clock of one stream task, shared by its processors through a {@link
 * TaskClockStore}: groups of watermark channels (input partitions, or upstream tasks of a
 * repartition topic), the holds of processors that keep records back (an embedding buffer holds its
 * oldest text), and values a processor publishes for a forwarder (how far the user-vector processor
 * has released). The task's output watermark, {@link #output}, is the minimum of all of them: every
 * record with an event time at or before it has been forwarded.
 */
public final class TaskClock {
  private final long idleMs;
  private final long outOfOrdernessMs;
  private final Map<String, WatermarkTracker> groups = new LinkedHashMap<>();
  private final Map<String, LongSupplier> holds = new LinkedHashMap<>();
  private final Map<String, Long> published = new HashMap<>();

  public TaskClock(long idleMs, long outOfOrdernessMs) {
    this.idleMs = idleMs;
    this.outOfOrdernessMs = outOfOrdernessMs;
  }

  /** The named group of channels, created on first use. */
  public WatermarkTracker group(String name) {
    return groups.computeIfAbsent(name, n -> new WatermarkTracker(idleMs, outOfOrdernessMs));
  }

  /**
   * Registers a hold: a supplier of the earliest event time still held ({@link Long#MAX_VALUE}:
   * none).
   */
  public void hold(String name, LongSupplier earliestHeld) {
    holds.put(name, earliestHeld);
  }

  /**
   * Everything at or before this event time has left the task (after {@link
   * WatermarkTracker#advance}).
   */
  public long output(long nowMs) {
    long wm = Long.MAX_VALUE;
    for (WatermarkTracker g : groups.values()) {
      wm = Math.min(wm, g.advance(nowMs));
    }
    for (LongSupplier h : holds.values()) {
      long earliest = h.getAsLong();
      if (earliest != Long.MAX_VALUE) {
        wm = Math.min(wm, earliest - 1);
      }
    }
    return wm == Long.MAX_VALUE ? Long.MIN_VALUE : wm;
  }

  /** True when every channel of every group is idle and nothing is held. */
  public boolean idle(long nowMs) {
    for (WatermarkTracker g : groups.values()) {
      if (!g.allIdle(nowMs)) {
        return false;
      }
    }
    for (LongSupplier h : holds.values()) {
      if (h.getAsLong() != Long.MAX_VALUE) {
        return false;
      }
    }
    return !groups.isEmpty();
  }

  public void publish(String name, long value) {
    published.merge(name, value, Math::max);
  }

  /** A published value, or {@link Long#MIN_VALUE} if nothing was published under the name. */
  public long published(String name) {
    return published.getOrDefault(name, Long.MIN_VALUE);
  }
}
