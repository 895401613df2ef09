package dev.kembed.state.window;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Binary keys for the aggregator's records in one byte-ordered store (RocksDB compares keys as
 * unsigned bytes). Layout, big-endian:
 *
 * <pre>
 *   u16 len, user UTF-8 | u8 len, kind UTF-8 | u8 type | [i64 size] | [i64 tileStart]
 *   type 0 = meta (no longs), 1 = window sum (size = window ms), 2 = tile (size = tile ms, start)
 * </pre>
 *
 * Length prefixes make every (user, kind) a contiguous key range with no prefix ambiguity ({@code
 * "u1"} never interleaves with {@code "u10"}), and within it a tile size's tiles sort by start, so
 * a range scan finds the tiles leaving a window. Longs have their sign bit flipped so unsigned byte
 * order equals signed numeric order (tile starts before 1970 still sort right).
 */
public final class StateKeyCodec {
  static final byte META = 0;
  static final byte WINDOW_SUM = 1;
  static final byte TILE = 2;

  private StateKeyCodec() {}

  public static byte[] metaKey(String user, String kind) {
    return prefix(user, kind, META, 0).array();
  }

  public static byte[] windowSumKey(String user, String kind, long windowMs) {
    return prefix(user, kind, WINDOW_SUM, 8).putLong(flip(windowMs)).array();
  }

  public static byte[] tileKey(String user, String kind, long tileMs, long tileStart) {
    return prefix(user, kind, TILE, 16).putLong(flip(tileMs)).putLong(flip(tileStart)).array();
  }

  /** The tile start encoded in a {@link #tileKey}. */
  public static long tileStartOf(byte[] tileKey) {
    return flip(ByteBuffer.wrap(tileKey).getLong(tileKey.length - 8));
  }

  private static ByteBuffer prefix(String user, String kind, byte type, int extra) {
    byte[] u = user.getBytes(StandardCharsets.UTF_8);
    byte[] k = kind.getBytes(StandardCharsets.UTF_8);
    if (u.length > 0xFFFF) {
      throw new IllegalArgumentException("user id longer than 65535 bytes");
    }
    if (k.length > 0xFF) {
      throw new IllegalArgumentException("kind longer than 255 bytes: " + kind);
    }
    ByteBuffer b = ByteBuffer.allocate(2 + u.length + 1 + k.length + 1 + extra);
    b.putShort((short) u.length).put(u).put((byte) k.length).put(k).put(type);
    return b;
  }

  private static long flip(long v) {
    return v ^ Long.MIN_VALUE;
  }
}
