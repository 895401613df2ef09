package dev.kembed.schemas.serde;

import dev.kembed.schemas.vector.FloatList;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding ({@code C3 01}, the writer schema's 8-byte little-endian CRC-64-AVRO
 * fingerprint, the Avro binary body) written and read through Avro's array-backed binary encoder
 * and decoder. Byte for byte what {@code BinaryMessageEncoder} writes, at a fraction of the CPU:
 * that class goes through Avro's <em>direct</em> encoder and decoder, which move one byte at a time
 * through a synchronised {@code ByteArrayOutputStream}/{@code ByteArrayInputStream} and keep a
 * thread-local per instance (a profile of the user path had them at about a fifth of the stream
 * thread: {@code DirectBinaryDecoder.readLong}, {@code Encoder.writeString}, {@code
 * ThreadLocalMap.getEntryAfterMiss}). Checks of the header and of declared lengths stay with the
 * callers ({@link SingleObjectReader} for public topics). Thread-safe: Avro's datum readers and
 * writers are shared the way its message encoders share them, and the scratch buffer is per thread.
 */
public final class SingleObjectCodec<T extends SpecificRecord> {
  /** Bytes before the Avro body: two magic bytes and the fingerprint. */
  public static final int HEADER_LENGTH = 10;

  static final byte MAGIC_0 = (byte) 0xC3;
  static final byte MAGIC_1 = (byte) 0x01;

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private final byte[] header;
  private final long fingerprint;
  private final SpecificDatumWriter<T> writer;

  public SingleObjectCodec(SpecificData model, Schema schema) {
    this.fingerprint = SchemaNormalization.parsingFingerprint64(schema);
    this.header = header(fingerprint);
    this.writer = new ArrayBytesWriter<>(schema, model);
  }

  /** The writer schema's fingerprint, as it appears in every record this codec writes. */
  public long fingerprint() {
    return fingerprint;
  }

  /** The header every record written with {@code schema} starts with. */
  static byte[] header(long fingerprint) {
    byte[] h = new byte[HEADER_LENGTH];
    h[0] = MAGIC_0;
    h[1] = MAGIC_1;
    for (int i = 0; i < 8; i++) {
      h[2 + i] = (byte) (fingerprint >>> (8 * i));
    }
    return h;
  }

  /** The fingerprint in a record's header; the caller has checked its length and magic. */
  public static long fingerprintOf(byte[] data) {
    long f = 0;
    for (int i = HEADER_LENGTH - 1; i >= 2; i--) {
      f = (f << 8) | (data[i] & 0xFFL);
    }
    return f;
  }

  /** Whether {@code data} is long enough to hold a header and starts with the magic bytes. */
  public static boolean hasHeader(byte[] data) {
    return data.length >= HEADER_LENGTH && data[0] == MAGIC_0 && data[1] == MAGIC_1;
  }

  /** The single-object encoding of {@code datum}. */
  public byte[] encode(T datum) throws IOException {
    Scratch s = SCRATCH.get();
    s.out.reset();
    s.out.write(header, 0, HEADER_LENGTH);
    s.encoder = EncoderFactory.get().binaryEncoder(s.out, s.encoder);
    writer.write(datum, s.encoder);
    s.encoder.flush();
    return s.out.toByteArray();
  }

  /** A reader from {@code writerSchema} (as the header names it) to {@code readerSchema}. */
  public static <R extends SpecificRecord> DatumReader<R> reader(
      SpecificData model, Schema writerSchema, Schema readerSchema) {
    return new SpecificDatumReader<>(writerSchema, readerSchema, model);
  }

  /**
   * Decodes the body after the header with {@code reader}; throws {@link TrailingBytesException} if
   * bytes are left after the record (the writer used another layout than the header says).
   */
  public static <R> R decode(DatumReader<R> reader, byte[] data) throws IOException {
    BinaryDecoder in =
        DecoderFactory.get().binaryDecoder(data, HEADER_LENGTH, data.length - HEADER_LENGTH, null);
    R record = reader.read(null, in);
    if (!in.isEnd()) {
      int left = 0; // error path only: count what is left for the message
      while (!in.isEnd()) {
        in.skipFixed(1);
        left++;
      }
      throw new TrailingBytesException(left);
    }
    return record;
  }

  /** Bytes left over after a complete record. */
  public static final class TrailingBytesException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int count;

    TrailingBytesException(int count) {
      super(count + " unexpected bytes after the record");
      this.count = count;
    }

    public int count() {
      return count;
    }
  }

  /**
   * Writes {@code bytes} fields straight from their backing array. Avro's buffered encoder wraps
   * every ByteBuffer in a read-only view, which has no accessible array, and then copies it into a
   * new byte[] before writing it (a packed vector per record: 6 % of the stream thread in a
   * user-path profile). Same bytes on the wire.
   */
  private static final class ArrayBytesWriter<T> extends SpecificDatumWriter<T> {
    ArrayBytesWriter(Schema schema, SpecificData model) {
      super(schema, model);
    }

    // A vector made by FloatList.of goes out from its array: Avro's own loop boxes every element
    // on the way (its iterator) and dispatches on its schema (5 % of the stream thread in a
    // user-path profile, three 384-float user vectors per interaction). Same bytes on the wire.
    @Override
    protected void writeArray(Schema schema, Object datum, org.apache.avro.io.Encoder out)
        throws IOException {
      if (datum instanceof FloatList floats
          && schema.getElementType().getType() == Schema.Type.FLOAT) {
        float[] v = floats.values();
        out.writeArrayStart();
        out.setItemCount(v.length);
        for (float f : v) {
          out.startItem();
          out.writeFloat(f);
        }
        out.writeArrayEnd();
      } else {
        super.writeArray(schema, datum, out);
      }
    }

    @Override
    protected void writeBytes(Object datum, org.apache.avro.io.Encoder out) throws IOException {
      if (datum instanceof java.nio.ByteBuffer b && b.hasArray()) {
        out.writeBytes(b.array(), b.arrayOffset() + b.position(), b.remaining());
      } else {
        super.writeBytes(datum, out);
      }
    }
  }

  /** A growable byte array that is not synchronised (ByteArrayOutputStream is). */
  private static final class Buffer extends OutputStream {
    private byte[] bytes = new byte[4096];
    private int size;

    void reset() {
      size = 0;
    }

    @Override
    public void write(int b) {
      ensure(1);
      bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, bytes, size, len);
      size += len;
    }

    private void ensure(int more) {
      if (size + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
      }
    }

    byte[] toByteArray() {
      return Arrays.copyOf(bytes, size);
    }
  }

  private static final class Scratch {
    final Buffer out = new Buffer();
    BinaryEncoder encoder;
  }
}
