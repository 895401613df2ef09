package dev.kembed.topology.time;

import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Holds a task's {@link TaskClock} so that the processors of one task share it (see {@link
 * TaskLocalStore} for why a store). A restarted task re-learns its watermarks from the markers its
 * producers keep sending.
 */
public final class TaskClockStore extends TaskLocalStore<TaskClock> {
  private TaskClockStore(String name, long idleMs, long outOfOrdernessMs) {
    super(name, () -> new TaskClock(idleMs, outOfOrdernessMs));
  }

  public TaskClock clock() {
    return value();
  }

  /** A builder for the topology: one clock store per sub-topology that needs one. */
  public static StoreBuilder<TaskClockStore> builder(
      String name, long idleMs, long outOfOrdernessMs) {
    return unlogged(name, () -> new TaskClockStore(name, idleMs, outOfOrdernessMs));
  }
}
