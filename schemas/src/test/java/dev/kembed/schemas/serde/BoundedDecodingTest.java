package dev.kembed.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kembed.schemas.PostEvent;
import dev.kembed.schemas.SearchQueryEvent;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/**
 * Hostile Avro: lengths declared far beyond the payload are refused before anything is allocated,
 * truncated records and random bytes fail as decode errors, never as an Error that would kill the
 * stream thread.
 */
class BoundedDecodingTest {

  /**
   * Avro's own cap on a string (Integer.MAX_VALUE - 8): what the reader would allocate before the
   * fix.
   */
  private static final long TWO_GB = Integer.MAX_VALUE - 8L;

  @Test
  void anEighteenByteRecordDeclaringATwoGigabyteStringIsRejectedWithoutAllocatingIt() {
    byte[] payload =
        concat(
            header(PostEvent.getClassSchema()), zigzagVarint(TWO_GB), new byte[] {'p', '1', '!'});
    assertEquals(18, payload.length, "the probe's size");

    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(tid);
    RecordDecodeException e =
        assertThrows(
            RecordDecodeException.class,
            () -> KembedSerdes.postEvent().deserializer().deserialize("posts", payload));
    long allocated = threads.getThreadAllocatedBytes(tid) - before;

    assertTrue(e.reason().contains("exceeds the payload"), e.reason());
    assertTrue(allocated < 16L << 20, "allocated " + allocated + " bytes for an 18-byte record");
  }

  @Test
  void everyTruncationOfAValidRecordIsADecodeFailure() {
    SearchQueryEvent q =
        SearchQueryEvent.newBuilder()
            .setUserId("u1")
            .setQuery("how to compost")
            .setSessionId("s")
            .setEventTime(java.time.Instant.ofEpochMilli(1_700_000_000_000L))
            .build();
    byte[] valid = KembedSerdes.searchQueryEvent().serializer().serialize("q", q);
    for (int n = 1; n < valid.length; n++) {
      byte[] cut = Arrays.copyOf(valid, n);
      assertThrows(
          RecordDecodeException.class,
          () -> KembedSerdes.searchQueryEvent().deserializer().deserialize("q", cut),
          "first " + n + " bytes");
    }
  }

  @Test
  void randomBytesBehindAValidHeaderNeverEscapeAsAnythingButADecodeFailure() {
    Random random = new Random(42);
    byte[] header = header(PostEvent.getClassSchema());
    int decoded = 0;
    for (int i = 0; i < 2_000; i++) {
      byte[] body = new byte[random.nextInt(64)];
      random.nextBytes(body);
      byte[] payload = concat(header, body);
      try {
        KembedSerdes.postEvent().deserializer().deserialize("posts", payload);
        decoded++;
      } catch (RecordDecodeException expected) {
        // the only failure allowed
      }
    }
    assertTrue(decoded < 2_000, "random bytes rarely form a post: " + decoded);
  }

  private static byte[] header(Schema schema) {
    long fp = SchemaNormalization.parsingFingerprint64(schema);
    byte[] h = new byte[10];
    h[0] = (byte) 0xC3;
    h[1] = 0x01;
    for (int i = 0; i < 8; i++) {
      h[2 + i] = (byte) (fp >>> (8 * i));
    }
    return h;
  }

  // Avro's long encoding: zig-zag, then 7 bits a byte, least significant first.
  private static byte[] zigzagVarint(long v) {
    long z = (v << 1) ^ (v >> 63);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((z & ~0x7FL) != 0) {
      out.write((int) ((z & 0x7F) | 0x80));
      z >>>= 7;
    }
    out.write((int) z);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
