package dev.kembed.schemas.serde;

import dev.kembed.schemas.registry.SchemaRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * Kafka {@link Serde} for one Avro-generated record type of the kembed contract. It writes Avro
 * single-object encoding with the current schema, and reads single-object encoding written with the
 * current or any archived schema version (from {@code dev/kembed/schemas/history/}) as well as
 * natural JSON. Instances are immutable and thread-safe, so one can be shared by all stream
 * threads. Obtain them from {@link KembedSerdes}.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

  private final Class<T> type;
  private final Schema schema;
  private final AvroSerializer<T> serializer;
  private final AvroDeserializer<T> deserializer;

  /** A serde for a generated record class, reading every archived version of its schema. */
  public AvroSerde(Class<T> type) {
    this(type, List.of(), null);
  }

  /**
   * As {@link #AvroSerde(Class)}, also reading Schema Registry encoded records (byte 0 and a schema
   * id) whose writer schema {@code registry} resolves; null reads without a registry.
   */
  public AvroSerde(Class<T> type, SchemaRegistry registry) {
    this(type, List.of(), registry);
  }

  /**
   * As {@link #AvroSerde(Class)}, also accepting records written with {@code extraWriterSchemas}
   * (e.g. a newer producer's schema in a test, before it is archived).
   */
  AvroSerde(Class<T> type, Collection<Schema> extraWriterSchemas) {
    this(type, extraWriterSchemas, null);
  }

  private AvroSerde(Class<T> type, Collection<Schema> extraWriterSchemas, SchemaRegistry registry) {
    // The generated class's own model carries the logical-type conversions (timestamp-millis ->
    // Instant).
    SpecificData model = SpecificData.getForClass(type);
    this.type = type;
    this.schema = model.getSchema(type);
    List<Schema> writers = new ArrayList<>(SchemaHistory.versions(schema.getName()));
    writers.addAll(extraWriterSchemas);
    this.serializer = new AvroSerializer<>(model, schema);
    this.deserializer = new AvroDeserializer<>(model, schema, writers, registry);
  }

  /** The generated record class this serde handles. */
  public Class<T> type() {
    return type;
  }

  /** The current (writer) schema. */
  public Schema schema() {
    return schema;
  }

  @Override
  public AvroSerializer<T> serializer() {
    return serializer;
  }

  @Override
  public AvroDeserializer<T> deserializer() {
    return deserializer;
  }
}
