package dev.kembed.topology.time;

import dev.kembed.schemas.vector.PackedVectors;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;

/**
 * The reorder buffer's writes still held, indexed by user, kind and event time, so that "this
 * user's held writes before t" is one range read. It is a secondary index of the timeline store,
 * kept in memory only and rebuilt from the timeline whenever the task initialises (after a restore,
 * a rebalance or a revival), and shared by the task's processors through a {@link TaskLocalStore}.
 * Every entry points at the timeline key that holds the signal and, while fewer than {@code
 * maxVectors} distinct vectors are kept, also keeps the write's weight and vector, so a read ahead
 * of the release adds it without a store read and a decode. Writes on the same target with the same
 * vector (the impressions of one post) share one array, so the bound counts vectors (about 1.6 KB
 * each at 384 dimensions), not writes (about two hundred bytes each). Within a user and kind,
 * writes are in event-time order, then by id as the timeline's keys order them (shorter UTF-8
 * first, then unsigned bytes), so sums over them add in the same order every time.
 */
public final class HeldWrites {
  /** Default of {@code maxVectors}: at most about 6.4 MB of vectors per task at 384 dimensions. */
  public static final int DEFAULT_MAX_VECTORS = 4_096;

  /**
   * A held write: its event time, its timeline key and, when the index kept them, its weight and
   * vector ({@code vector} null otherwise: read the signal at {@code timelineKey}). The vector is
   * shared, never to be changed.
   */
  public record Write(long time, Bytes timelineKey, double weight, float[] vector) {}

  // A kept entry: the write, and the key under which its vector is shared (null: its own copy).
  private record Entry(Write write, String sharedUnder) {}

  // A vector kept once for the writes that carry it, and how many of them do.
  private static final class Shared {
    final float[] vector;
    int writes;

    Shared(float[] vector) {
      this.vector = vector;
    }
  }

  // One sorted map per (user, kind), found by hash: no key bytes are built per call, and a user's
  // range read walks only that user's writes.
  private static final VarHandle LE_INT =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private final Map<UserKind, NavigableMap<At, Entry>> byUser = new HashMap<>();
  private final Map<String, Shared> shared = new HashMap<>();
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
   * Indexes the write of (user, kind) at {@code time} with {@code id}, held at {@code key}. Its
   * vector, {@code packed} as little-endian float32 (null or empty: not kept), is shared with the
   * other held writes of the same {@code vectorKey} (the target and model; null: not shared) when
   * its bits are equal, and otherwise kept while fewer than {@code maxVectors} vectors are; a
   * vector is unpacked only then.
   */
  public void add(
      String user,
      String kind,
      long time,
      String id,
      Bytes timelineKey,
      double weight,
      String vectorKey,
      ByteBuffer packed) {
    NavigableMap<At, Entry> writes =
        byUser.computeIfAbsent(new UserKind(user, kind), k -> new TreeMap<>());
    At at = at(time, id);
    // The same write indexed again (a record read twice) replaces its entry, and its place.
    Entry old = writes.remove(at);
    if (old == null) {
      size++;
    } else {
      forget(old);
    }
    float[] v = null;
    String sharedUnder = null;
    if (packed != null && packed.hasRemaining()) {
      Shared same = vectorKey == null ? null : shared.get(vectorKey);
      if (same != null && sameBits(same.vector, packed)) {
        same.writes++;
        v = same.vector;
        sharedUnder = vectorKey;
      } else if (vectors < maxVectors) {
        v = PackedVectors.unpack(packed, PackedVectors.Encoding.FLOAT32);
        vectors++;
        // A target whose vector changed (an edited post) keeps its first one shared.
        if (vectorKey != null && same == null) {
          Shared mine = new Shared(v);
          mine.writes = 1;
          shared.put(vectorKey, mine);
          sharedUnder = vectorKey;
        }
      }
    }
    writes.put(at, new Entry(new Write(time, timelineKey, v == null ? 0 : weight, v), sharedUnder));
  }

  /**
   * Forgets the write, once released from the timeline, and returns what it kept (null when it was
   * not indexed), so the release can apply the kept vector instead of unpacking it again.
   */
  public Write remove(String user, String kind, long time, String id) {
    UserKind k = new UserKind(user, kind);
    NavigableMap<At, Entry> writes = byUser.get(k);
    Entry old = writes == null ? null : writes.remove(at(time, id));
    if (old == null) {
      return null;
    }
    size--;
    forget(old);
    if (writes.isEmpty()) {
      byUser.remove(k);
    }
    return old.write();
  }

  // Lets go of an entry's vector: its own, or its share of one kept for several writes.
  private void forget(Entry e) {
    if (e.write().vector() == null) {
      return;
    }
    if (e.sharedUnder() == null) {
      vectors--;
      return;
    }
    Shared s = shared.get(e.sharedUnder());
    if (--s.writes == 0) {
      shared.remove(e.sharedUnder());
      vectors--;
    }
  }

  // Whether the packed little-endian float32 bytes are exactly the bits of v (no unpacking).
  private static boolean sameBits(float[] v, ByteBuffer packed) {
    int at = packed.position();
    if (packed.remaining() != 4 * v.length) {
      return false;
    }
    for (int i = 0; i < v.length; i++) {
      if ((int) LE_INT.get(packed, at + 4 * i) != Float.floatToRawIntBits(v[i])) {
        return false;
      }
    }
    return true;
  }

  /** (user, kind)'s held writes with event time before {@code t}, oldest first. */
  public List<Write> before(String user, String kind, long t) {
    NavigableMap<At, Entry> writes = byUser.get(new UserKind(user, kind));
    List<Write> out = new ArrayList<>();
    if (writes == null) {
      return out;
    }
    // Every id sorts after the empty one, so (t, empty) bounds the writes of earlier times.
    for (Entry e : writes.headMap(new At(t, new byte[0]), false).values()) {
      out.add(e.write());
    }
    return out;
  }

  public int size() {
    return size;
  }

  /** How many distinct vectors the index keeps (at most {@code maxVectors}). */
  public int vectorsKept() {
    return vectors;
  }

  private static At at(long time, String id) {
    return new At(time, TimelineKeys.utf8(id));
  }
}
