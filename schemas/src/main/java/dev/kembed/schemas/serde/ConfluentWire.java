package dev.kembed.schemas.serde;

import dev.kembed.schemas.registry.SchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * The Schema Registry wire format: byte {@code 0}, the schema's 4-byte big-endian registry id, then
 * the Avro binary body. Also resolves a subject's id at start: looked up, or registered when
 * auto-registration is on; a subject without the schema is a {@link MissingSchemaException} naming
 * it, so the app refuses to start instead of failing on its first record.
 */
public final class ConfluentWire {

  /** First byte of every Schema Registry encoded record. */
  public static final byte MAGIC = 0;

  /** Magic byte plus the 4-byte id. */
  public static final int HEADER_LENGTH = 5;

  private ConfluentWire() {}

  /** Whether {@code data} starts like a Schema Registry encoded record. */
  public static boolean hasMagic(byte[] data) {
    return data != null && data.length >= HEADER_LENGTH && data[0] == MAGIC;
  }

  /** The schema id in a record's header. */
  public static int schemaId(byte[] data) {
    return ByteBuffer.wrap(data, 1, 4).getInt();
  }

  /**
   * The id of {@code schema} under {@code subject}: looked up, or registered if {@code
   * autoRegister}.
   */
  public static int resolveId(
      SchemaRegistry registry, String subject, Schema schema, boolean autoRegister) {
    if (autoRegister) {
      return registry.register(subject, schema);
    }
    return registry.lookup(subject, schema).orElseThrow(() -> new MissingSchemaException(subject));
  }

  /** {@code datum} encoded with {@code schema}, prefixed by the header of {@code id}. */
  static byte[] encode(int id, Schema schema, Object datum, GenericData model) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(MAGIC);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    new GenericDatumWriter<Object>(schema, model).write(datum, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  /** The schema kembed writes is not registered under a subject and auto-registration is off. */
  public static final class MissingSchemaException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final String subject;

    public MissingSchemaException(String subject) {
      super(
          "schema registry subject '"
              + subject
              + "' does not hold the schema kembed writes; run "
              + "'kembed schemas register' or set auto.register.schemas=true");
      this.subject = subject;
    }

    /** The subject that lacks the schema. */
    public String subject() {
      return subject;
    }
  }
}
