package dev.kembed.topology.time;

import java.util.Map;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Holds a task's {@link TaskClock} so that the processors of one task share it. A state store
 * rather than a static map because Kafka Streams creates stores per task incarnation: when a task
 * is revived after an aborted transaction or moved to another thread, its clock starts afresh with
 * it instead of remembering records the task has since rewound. In memory, not logged: a restarted
 * task re-learns its watermarks from the markers its producers keep sending.
 */
public final class TaskClockStore implements StateStore {
  private final String name;
  private final long idleMs;
  private final long outOfOrdernessMs;
  private TaskClock clock;
  private boolean open;

  private TaskClockStore(String name, long idleMs, long outOfOrdernessMs) {
    this.name = name;
    this.idleMs = idleMs;
    this.outOfOrdernessMs = outOfOrdernessMs;
  }

  public TaskClock clock() {
    return clock;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    clock = new TaskClock(idleMs, outOfOrdernessMs);
    context.register(root, (key, value) -> {});
    open = true;
  }

  @Override
  public void close() {
    open = false;
    clock = null;
  }

  @Override
  public boolean persistent() {
    return false;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  /** A builder for the topology: one clock store per sub-topology that needs one. */
  public static StoreBuilder<TaskClockStore> builder(
      String name, long idleMs, long outOfOrdernessMs) {
    return new StoreBuilder<>() {
      @Override
      public StoreBuilder<TaskClockStore> withCachingEnabled() {
        return this;
      }

      @Override
      public StoreBuilder<TaskClockStore> withCachingDisabled() {
        return this;
      }

      @Override
      public StoreBuilder<TaskClockStore> withLoggingEnabled(Map<String, String> config) {
        throw new UnsupportedOperationException("a task clock is not logged");
      }

      @Override
      public StoreBuilder<TaskClockStore> withLoggingDisabled() {
        return this;
      }

      @Override
      public TaskClockStore build() {
        return new TaskClockStore(name, idleMs, outOfOrdernessMs);
      }

      @Override
      public Map<String, String> logConfig() {
        return Map.of();
      }

      @Override
      public boolean loggingEnabled() {
        return false;
      }

      @Override
      public String name() {
        return name;
      }
    };
  }
}
