package dev.kembed.topology.time;

import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * An in-memory object that the processors of one stream task share, such as its {@link TaskClock}
 * or its {@link HeldWrites} index. A state store rather than a static map because Kafka Streams
 * creates stores per task incarnation: when a task is revived after an aborted transaction or moved
 * to another thread, {@link #init} makes the object afresh instead of keeping what the task has
 * since rewound. Not logged: what it holds is re-learned (watermarks from the markers producers
 * keep sending) or derived again from logged stores.
 *
 * @param <T> the shared object
 */
public class TaskLocalStore<T> implements StateStore {
  private final String name;
  private final Supplier<T> factory;
  private T value;
  private boolean open;

  protected TaskLocalStore(String name, Supplier<T> factory) {
    this.name = name;
    this.factory = factory;
  }

  /** The shared object of this incarnation of the task. */
  public T value() {
    return value;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    value = factory.get();
    context.register(root, (key, v) -> {});
    open = true;
  }

  @Override
  public void close() {
    open = false;
    value = null;
  }

  @Override
  public boolean persistent() {
    return false;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  /**
   * A slot for an object that needs the task's other stores to be made, so is made by the first
   * processor of the task that asks for it, once per incarnation.
   *
   * @param <T> the object
   */
  public static final class Once<T> {
    private T value;

    public T get(Supplier<T> make) {
      if (value == null) {
        value = make.get();
      }
      return value;
    }
  }

  /** A builder of a task-local store holding what {@code factory} makes. */
  public static <T> StoreBuilder<TaskLocalStore<T>> builder(String name, Supplier<T> factory) {
    return unlogged(name, () -> new TaskLocalStore<>(name, factory));
  }

  /** A builder for the topology: an unlogged, uncached store per task that names it. */
  static <S extends StateStore> StoreBuilder<S> unlogged(String name, Supplier<S> stores) {
    return new StoreBuilder<>() {
      @Override
      public StoreBuilder<S> withCachingEnabled() {
        return this;
      }

      @Override
      public StoreBuilder<S> withCachingDisabled() {
        return this;
      }

      @Override
      public StoreBuilder<S> withLoggingEnabled(Map<String, String> config) {
        throw new UnsupportedOperationException("a task-local store is not logged");
      }

      @Override
      public StoreBuilder<S> withLoggingDisabled() {
        return this;
      }

      @Override
      public S build() {
        return stores.get();
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
