package dev.kembed.topology.time;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * Binary keys of the user-vector processor's reorder buffer. Timeline keys sort by event time, then
 * by kind of item (reads before writes, so a read at t never sees a write at t), then user and a
 * unique id ({@link HeldWrites} indexes the held writes by user). Longs have their sign bit flipped
 * so unsigned byte order is numeric order; strings are length-prefixed so no id can run into the
 * next field.
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

  static byte[] utf8(String s) {
    return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
  }

  private static String string(ByteBuffer b) {
    byte[] s = new byte[b.getInt()];
    b.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }
}
