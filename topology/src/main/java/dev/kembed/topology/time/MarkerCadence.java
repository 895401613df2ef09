package dev.kembed.topology.time;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How often a task repeats a watermark marker that has not changed, shared by every task of one
 * topology (one kembed instance). A marker that changed is always sent at the next tick. An
 * unchanged one is repeated every ten ticks, so that a restarted downstream task re-learns it;
 * except that an idle task repeats its idle marker at every tick for a while after any task of the
 * instance turned busy or idle.
 *
 * <p>Why: a downstream task held back by an idle upstream task passes it over only after two more
 * of its idle markers ({@link WatermarkTracker}), and such a hold begins when something changes: a
 * burst wakes some inputs while others stay quiet, or an input falls quiet while others flow. At
 * one marker a second each hold cost 1-2 s of standstill (in the bench's user path, about a tenth
 * of the burst's time); at one a tick it costs two or three ticks. In a steady state nothing
 * changes, nobody is held, and markers stay at one a second. Thread-safe: tasks on every stream
 * thread of the instance report here.
 */
public final class MarkerCadence {
  /** Ticks between repeats of an unchanged marker when no hold is likely. */
  static final int QUIET_TICKS = 10;

  /**
   * Ticks after a change during which idle tasks repeat at every tick: long enough for the change
   * to cross the topology's three repartition hops and for holds there to be confirmed.
   */
  static final int AFTER_CHANGE_TICKS = 30;

  private final long intervalMs;
  private final AtomicLong lastChangeMs = new AtomicLong(Long.MIN_VALUE);

  /**
   * @param intervalMs the tick, {@code watermark.interval.ms}
   */
  public MarkerCadence(long intervalMs) {
    this.intervalMs = intervalMs;
  }

  /** A task of the instance turned busy or idle (or ticked for the first time) at this time. */
  public void changed(long nowMs) {
    lastChangeMs.accumulateAndGet(nowMs, Math::max);
  }

  /**
   * Milliseconds after which a task repeats an unchanged marker.
   *
   * @param idle whether the marker says the task is idle
   */
  public long repeatAfterMs(boolean idle, long nowMs) {
    long change = lastChangeMs.get();
    boolean recent = change != Long.MIN_VALUE && nowMs - change <= AFTER_CHANGE_TICKS * intervalMs;
    return idle && recent ? intervalMs : QUIET_TICKS * intervalMs;
  }
}
