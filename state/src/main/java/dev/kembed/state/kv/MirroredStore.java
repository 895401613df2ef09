package dev.kembed.state.kv;

import java.util.Collections;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A binary key-value store whose every key is also kept in the heap, in the store's order (unsigned
 * bytes, as RocksDB's default comparator and {@link Bytes} order them), with the values of as many
 * as a byte budget allows. Writes go to the store (and so to its changelog) and to the heap; range
 * walks and reads are answered from the heap, and only a value beyond the budget is read from the
 * store. It suits a queue in RocksDB whose items are written once, read and deleted soon after: a
 * RocksDB iterator copies every value it passes into a new array, wanted or not, and walks the
 * tombstones of the items already deleted. The heap copy is made from the store when the owner
 * opens it, so it is as durable as the store: drop it with the store's incarnation (a restore, a
 * revived task) and load it again. Not thread-safe, and not to be changed while a key set from
 * {@link #keys} is walked.
 */
public final class MirroredStore {
  // Marks a key whose value is only in the store (identity, so an empty value stays a value).
  private static final byte[] IN_STORE = new byte[0];

  private final KeyValueStore<Bytes, byte[]> store;
  private final long budgetBytes;
  private final TreeMap<Bytes, byte[]> items = new TreeMap<>();
  private long keptBytes;

  private MirroredStore(KeyValueStore<Bytes, byte[]> store, long budgetBytes) {
    if (budgetBytes < 0) {
      throw new IllegalArgumentException("budgetBytes must be >= 0: " + budgetBytes);
    }
    this.store = Objects.requireNonNull(store, "store");
    this.budgetBytes = budgetBytes;
  }

  /**
   * Mirrors {@code store}, reading it once; {@code visit} sees each of its items on the way (so an
   * owner can build its own indexes in the same pass), in key order.
   *
   * @param budgetBytes most value bytes kept in the heap at once (0: keys only)
   */
  public static MirroredStore load(
      KeyValueStore<Bytes, byte[]> store, long budgetBytes, BiConsumer<Bytes, byte[]> visit) {
    MirroredStore m = new MirroredStore(store, budgetBytes);
    try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> kv = it.next();
        m.remember(kv.key, kv.value);
        visit.accept(kv.key, kv.value);
      }
    }
    return m;
  }

  /** Writes {@code value} (not null: {@link #delete} removes) under {@code key}. */
  public void put(Bytes key, byte[] value) {
    Objects.requireNonNull(value, "value");
    store.put(key, value);
    remember(key, value);
  }

  public void delete(Bytes key) {
    store.delete(key);
    forget(items.remove(key));
  }

  /** The value under {@code key}, or null when there is none. */
  public byte[] get(Bytes key) {
    byte[] v = items.get(key);
    return v == IN_STORE ? store.get(key) : v;
  }

  /**
   * The keys from {@code from} to {@code to}, both inclusive (null: unbounded), in order: a view,
   * walked without the store.
   */
  public NavigableSet<Bytes> keys(Bytes from, Bytes to) {
    NavigableSet<Bytes> all = items.navigableKeySet();
    NavigableSet<Bytes> range;
    if (from == null && to == null) {
      range = all;
    } else if (from == null) {
      range = all.headSet(to, true);
    } else if (to == null) {
      range = all.tailSet(from, true);
    } else if (from.compareTo(to) > 0) {
      return Collections.emptyNavigableSet();
    } else {
      range = all.subSet(from, true, to, true);
    }
    return Collections.unmodifiableNavigableSet(range);
  }

  /** How many items the store holds. */
  public int size() {
    return items.size();
  }

  /** Bytes of values kept in the heap (at most the budget). */
  public long keptBytes() {
    return keptBytes;
  }

  // Keeps the value if the budget allows, else marks it as only in the store. Earlier items are
  // kept first, which in a queue are the ones read first. (A value replaced counts against the
  // budget until it is gone: replacing is rare, and the bound still holds.)
  private void remember(Bytes key, byte[] value) {
    boolean keep = keptBytes + value.length <= budgetBytes;
    byte[] old = items.put(key, keep ? value : IN_STORE);
    if (keep) {
      keptBytes += value.length;
    }
    forget(old);
  }

  private void forget(byte[] old) {
    if (old != null && old != IN_STORE) {
      keptBytes -= old.length;
    }
  }
}
