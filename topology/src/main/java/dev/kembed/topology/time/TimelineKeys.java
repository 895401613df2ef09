package dev.kembed.topology.time;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * Binary keys of the user-vector processor's reorder buffer. Timeline keys sort by event time, then
 * by kind of item (reads before writes, so a read at t never sees a write at t), then user and a
 * unique id; held-write keys sort by user, kind and event time, so "this user's held writes before
 * t" is one range scan. Longs have their sign bit flipped so unsigned byte order is numeric order;
 * strings are length-prefixed so no id can run into the next field.
 */
public final class TimelineKeys {
  /**
   * Kinds of timeline item, in their order at equal event time. An {@code EXPOSURE_WRITE} is an
   * exposure that also weighs in its viewer's vector: read by the read-ahead, which always runs
   * before the release reaches it, then applied as a write.
   */
  public enum Item {
    VIEWER_READ,
    AUTHOR_READ,
    WRITE,
    EXPOSURE_WRITE
  }

  /** A decoded timeline key. */
  public record Timeline(long time, Item item, String user, String id) {}

  private TimelineKeys() {}

  public static Bytes timeline(long time, Item item, String user, String id) {
    byte[] u = utf8(user);
    byte[] i = utf8(id);
    ByteBuffer b = ByteBuffer.allocate(8 + 1 + 4 + u.length + 4 + i.length);
    b.putLong(time ^ Long.MIN_VALUE)
        .put((byte) item.ordinal())
        .putInt(u.length)
        .put(u)
        .putInt(i.length)
        .put(i);
    return Bytes.wrap(b.array());
  }

  public static Timeline parseTimeline(Bytes key) {
    ByteBuffer b = ByteBuffer.wrap(key.get());
    long time = b.getLong() ^ Long.MIN_VALUE;
    Item item = Item.values()[b.get()];
    String user = string(b);
    String id = string(b);
    return new Timeline(time, item, user, id);
  }

  /** The event time of a timeline key, without decoding the rest. */
  public static long parseTime(Bytes key) {
    return ByteBuffer.wrap(key.get()).getLong() ^ Long.MIN_VALUE;
  }

  /** The kind of item of a timeline key, without decoding the rest. */
  public static Item parseItem(Bytes key) {
    return Item.values()[key.get()[8]];
  }

  /** The first timeline key after every key of event time {@code time}. */
  public static Bytes timelineAfter(long time) {
    return Bytes.wrap(ByteBuffer.allocate(8).putLong((time + 1) ^ Long.MIN_VALUE).array());
  }

  public static Bytes held(String user, String kind, long time, String id) {
    ByteBuffer b = heldPrefix(user, kind, 8 + 4 + utf8(id).length);
    byte[] i = utf8(id);
    b.putLong(time ^ Long.MIN_VALUE).putInt(i.length).put(i);
    return Bytes.wrap(b.array());
  }

  /** Range bounds [from, to] covering the held writes of (user, kind) with event time before t. */
  public static Bytes[] heldBefore(String user, String kind, long t) {
    ByteBuffer from = heldPrefix(user, kind, 8).putLong(Long.MIN_VALUE ^ Long.MIN_VALUE);
    // A key of exactly prefix + t sorts before every real key at t (they are longer), so the
    // inclusive upper bound admits only keys of earlier times.
    ByteBuffer to = heldPrefix(user, kind, 8).putLong(t ^ Long.MIN_VALUE);
    return new Bytes[] {Bytes.wrap(from.array()), Bytes.wrap(to.array())};
  }

  private static ByteBuffer heldPrefix(String user, String kind, int extra) {
    byte[] u = utf8(user);
    byte[] k = utf8(kind);
    return ByteBuffer.allocate(4 + u.length + 4 + k.length + extra)
        .putInt(u.length)
        .put(u)
        .putInt(k.length)
        .put(k);
  }

  private static byte[] utf8(String s) {
    return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
  }

  private static String string(ByteBuffer b) {
    byte[] s = new byte[b.getInt()];
    b.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }
}
