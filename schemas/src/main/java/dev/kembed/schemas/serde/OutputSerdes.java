package dev.kembed.schemas.serde;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Makes the key and value serdes of kembed's output topics for the configured {@link OutputFormat}.
 * {@code avro} gives exactly today's serdes (single-object Avro values, UTF-8 string keys). {@code
 * confluent} and {@code json} give sink-shaped values and struct keys ({@link SinkShapes}); for
 * {@code confluent} the schema ids of {@code <topic>-value} and {@code <topic>-key} are resolved
 * here, when the topology is built, so a missing subject stops the app at start with a {@link
 * ConfluentWire.MissingSchemaException} naming it. Every value serde reads all three formats back
 * ({@link AvroDeserializer}).
 */
public final class OutputSerdes {

  private final OutputSettings settings;
  private final SinkShapes shapes;

  public OutputSerdes(OutputSettings settings) {
    this.settings = settings;
    this.shapes = new SinkShapes(settings.windows());
  }

  /** The settings these serdes follow. */
  public OutputSettings settings() {
    return settings;
  }

  /** Subject of a topic's values. */
  public static String valueSubject(String topic) {
    return topic + "-value";
  }

  /** Subject of a topic's keys. */
  public static String keySubject(String topic) {
    return topic + "-key";
  }

  /** The schema values of {@code type} have on the wire in this format. */
  public Schema valueSchema(Class<? extends SpecificRecord> type) {
    return shapes.valueSchema(SpecificData.getForClass(type).getSchema(type));
  }

  /**
   * The schema keys of topics carrying {@code type} have on the wire in this format (confluent,
   * json).
   */
  public Schema keySchema(Class<? extends SpecificRecord> type) {
    return SinkShapes.keySchema(SpecificData.getForClass(type).getSchema(type));
  }

  /**
   * Every published version of the wire value schema of {@code type}, oldest first, the current one
   * last: what {@code kembed schemas register} registers under {@code <topic>-value}, so the
   * registry holds the same history as {@code dev/kembed/schemas/history/}.
   */
  public java.util.List<Schema> valueSchemaVersions(Class<? extends SpecificRecord> type) {
    Schema current = SpecificData.getForClass(type).getSchema(type);
    java.util.List<Schema> out = new java.util.ArrayList<>();
    for (Schema version : SchemaHistory.versions(current.getName())) {
      Schema wire = shapes.valueSchema(version);
      if (!out.contains(wire)) {
        out.add(wire);
      }
    }
    Schema wire = valueSchema(type);
    out.remove(wire);
    out.add(wire);
    return out;
  }

  /** Serde of the values of output {@code topic}, which carries records of {@code type}. */
  public <T extends SpecificRecord> Serde<T> value(Class<T> type, String topic) {
    AvroSerde<T> contract = new AvroSerde<>(type, settings.registry());
    if (settings.format() == OutputFormat.AVRO) {
      return contract;
    }
    Schema schema = valueSchema(type);
    SpecificData model = SpecificData.getForClass(type);
    SinkSerializer<T> serializer;
    if (settings.format() == OutputFormat.CONFLUENT) {
      int id =
          ConfluentWire.resolveId(
              settings.registry(), valueSubject(topic), schema, settings.autoRegister());
      serializer = SinkSerializer.confluent(schema, id, r -> shapes.value(r, schema), model);
    } else {
      serializer =
          SinkSerializer.json(schema, r -> shapes.value(r, schema), settings.jsonSchemas());
    }
    return Serdes.serdeFrom(serializer, contract.deserializer());
  }

  /** Serde of the keys of output {@code topic}, which carries records of {@code type}. */
  public Serde<String> key(Class<? extends SpecificRecord> type, String topic) {
    if (settings.format() == OutputFormat.AVRO) {
      return Serdes.String();
    }
    Schema schema = keySchema(type);
    SinkSerializer<String> serializer;
    if (settings.format() == OutputFormat.CONFLUENT) {
      int id =
          ConfluentWire.resolveId(
              settings.registry(), keySubject(topic), schema, settings.autoRegister());
      serializer =
          SinkSerializer.confluent(schema, id, k -> SinkShapes.key(schema, k), GenericData.get());
    } else {
      serializer =
          SinkSerializer.json(schema, k -> SinkShapes.key(schema, k), settings.jsonSchemas());
    }
    // Reading keys back is for tools, which use AnyFormatJson; the string view is the raw bytes.
    return Serdes.serdeFrom(serializer, new StringDeserializer());
  }
}
