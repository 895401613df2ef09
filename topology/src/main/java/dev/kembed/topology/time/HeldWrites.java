package dev.kembed.topology.time;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.common.utils.Bytes;

/**
 * The reorder buffer's writes still held, indexed by user, kind and event time, so that "this
 * user's held writes before t" is one range read. It is a secondary index of the timeline store,
 * kept in memory only and rebuilt from the timeline whenever the task initialises (after a restore,
 * a rebalance or a revival), and shared by the task's processors through a {@link TaskLocalStore}.
 * Every entry points at the timeline key that holds the signal and, for up to {@code maxVectors}
 * entries at a time, also keeps the write's weight and vector, so a read ahead of the release adds
 * those without a store read and a decode (about 1.6 KB each at 384 dimensions; an entry without
 * them is about two hundred bytes). Within a user and kind, writes are in event-time order, then by
 * id as the timeline's keys order them (shorter UTF-8 first, then unsigned bytes), so sums over
 * them add in the same order every time.
 */
public final class HeldWrites {
  /** Default of {@code maxVectors}: about 6.4 MB of vectors per task at 384 dimensions. */
  public static final int DEFAULT_MAX_VECTORS = 4_096;

  /**
   * A held write: its event time, its timeline key and, when the index kept them, its weight and
   * vector ({@code vector} null otherwise: read the signal at {@code timelineKey}). The vector is
   * shared, never to be changed.
   */
  public record Write(long time, Bytes timelineKey, double weight, float[] vector) {}

  // One sorted map per (user, kind), found by hash: no key bytes are built per call, and a user's
  // range read walks only that user's writes.
  private final Map<UserKind, NavigableMap<At, Write>> byUser = new HashMap<>();
  private final int maxVectors;
  private int size;
  private int vectors;

  private record UserKind(String user, String kind) {}

  private record At(long time, byte[] id) implements Comparable<At> {
    @Override
    public int compareTo(At o) {
      int c = Long.compare(time, o.time);
      if (c != 0) {
        return c;
      }
      c = Integer.compare(id.length, o.id.length);
      return c != 0 ? c : Arrays.compareUnsigned(id, o.id);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof At a && compareTo(a) == 0;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(time) * 31 + Arrays.hashCode(id);
    }
  }

  /**
   * @param maxVectors most entries that keep their weight and vector at once; 0 keeps none
   */
  public HeldWrites(int maxVectors) {
    if (maxVectors < 0) {
      throw new IllegalArgumentException("maxVectors must be >= 0: " + maxVectors);
    }
    this.maxVectors = maxVectors;
  }

  /**
   * Indexes the write of (user, kind) at {@code time} with {@code id}, held at {@code key}, keeping
   * its weight and vector while fewer than {@code maxVectors} entries do; {@code vector} is asked
   * for only then (unpacking one is work a full index would throw away), and may give null.
   */
  public void add(
      String user,
      String kind,
      long time,
      String id,
      Bytes timelineKey,
      double weight,
      Supplier<float[]> vector) {
    NavigableMap<At, Write> writes =
        byUser.computeIfAbsent(new UserKind(user, kind), k -> new TreeMap<>());
    At at = at(time, id);
    // The same write indexed again (a record read twice) replaces its entry, and its place.
    Write old = writes.remove(at);
    if (old == null) {
      size++;
    } else if (old.vector() != null) {
      vectors--;
    }
    float[] v = vectors < maxVectors ? vector.get() : null;
    boolean keep = v != null;
    writes.put(at, new Write(time, timelineKey, keep ? weight : 0, v));
    if (keep) {
      vectors++;
    }
  }

  /** Forgets the write, once released from the timeline. */
  public void remove(String user, String kind, long time, String id) {
    UserKind k = new UserKind(user, kind);
    NavigableMap<At, Write> writes = byUser.get(k);
    Write old = writes == null ? null : writes.remove(at(time, id));
    if (old != null) {
      size--;
      if (old.vector() != null) {
        vectors--;
      }
      if (writes.isEmpty()) {
        byUser.remove(k);
      }
    }
  }

  /** (user, kind)'s held writes with event time before {@code t}, oldest first. */
  public List<Write> before(String user, String kind, long t) {
    NavigableMap<At, Write> writes = byUser.get(new UserKind(user, kind));
    if (writes == null) {
      return new ArrayList<>();
    }
    // Every id sorts after the empty one, so (t, empty) bounds the writes of earlier times.
    return new ArrayList<>(writes.headMap(new At(t, new byte[0]), false).values());
  }

  public int size() {
    return size;
  }

  /** How many entries keep their weight and vector. */
  public int vectorsKept() {
    return vectors;
  }

  private static At at(long time, String id) {
    return new At(time, TimelineKeys.utf8(id));
  }
}
