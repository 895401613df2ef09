package dev.kembed.schemas.serde;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificRecord;

/**
 * The shapes of output records that sink connectors can map to table rows, used by the {@code
 * confluent} and {@code json} output formats. Values keep their contract schema, except {@code
 * SimilarityFeatures}, whose {@code features} map becomes one nullable double column per feature
 * ({@link FeatureColumns}, derived from the configured windows). Keys become records with one field
 * per part of kembed's string key, so a JDBC sink maps them to primary-key columns and a tombstone
 * carries the whole key: {@code UserVector} → {user_id, kind, window}, {@code SimilarityFeatures} →
 * {viewer_id, entity_id}, {@code ContentEmbedding} → {entity_id}, {@code IndexUpdate} → {index,
 * entity_id}, {@code QueryExpansion} → {query}; any other type → {key}.
 */
public final class SinkShapes {

  static final String SINK_NAMESPACE = "dev.kembed.sink";
  private static final String FEATURES = "features";

  private final List<String> featureColumns;

  /** Shapes for a deployment whose user vectors have these windows (e.g. P7D, P30D, P90D). */
  public SinkShapes(List<String> windows) {
    this.featureColumns = FeatureColumns.of(windows);
  }

  /** The feature columns of the similarity-features sink shape, in order. */
  public List<String> featureColumns() {
    return featureColumns;
  }

  /** The sink value schema for a record whose contract schema is {@code contract}. */
  public Schema valueSchema(Schema contract) {
    if (!isFeatures(contract)) {
      return contract;
    }
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : contract.getFields()) {
      if (!f.name().equals(FEATURES)) {
        fields.add(new Schema.Field(f, f.schema()));
      }
    }
    Schema nullableDouble =
        Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.DOUBLE));
    for (String column : featureColumns) {
      fields.add(
          new Schema.Field(
              column,
              nullableDouble,
              "Feature " + column + "; null when an input was missing.",
              JsonProperties.NULL_VALUE));
    }
    return Schema.createRecord(
        contract.getName(), contract.getDoc(), SINK_NAMESPACE, false, fields);
  }

  /** The record in its sink shape ({@code schema} from {@link #valueSchema}). */
  public IndexedRecord value(SpecificRecord record, Schema schema) {
    if (!isFeatures(record.getSchema())) {
      return record;
    }
    GenericData.Record row = new GenericData.Record(schema);
    Map<?, ?> features = null;
    for (Schema.Field f : record.getSchema().getFields()) {
      if (f.name().equals(FEATURES)) {
        features = (Map<?, ?>) record.get(f.pos());
      } else {
        row.put(f.name(), record.get(f.pos()));
      }
    }
    // Map keys may be String or Utf8 depending on how the record was built: compare as text.
    Map<String, Object> byName = new java.util.HashMap<>();
    if (features != null) {
      features.forEach((k, v) -> byName.put(String.valueOf(k), v));
    }
    for (String column : featureColumns) {
      row.put(column, byName.get(column));
    }
    return row;
  }

  /** The sink key schema for records whose contract schema is {@code contract}. */
  public static Schema keySchema(Schema contract) {
    List<String> parts = keyFields(contract.getName());
    SchemaBuilder.FieldAssembler<Schema> fields =
        SchemaBuilder.record(contract.getName() + "Key").namespace(SINK_NAMESPACE).fields();
    for (String part : parts) {
      fields = fields.requiredString(part);
    }
    return fields.endRecord();
  }

  /**
   * kembed's string key as a key record. The user-vector key is split at its last two {@code |} (a
   * user id may contain one), the others at their first; a key with fewer parts than expected fills
   * the first field with the whole key and leaves the rest empty, so a malformed key is still
   * written rather than failing the transaction.
   */
  public static GenericRecord key(Schema keySchema, String key) {
    List<Schema.Field> fields = keySchema.getFields();
    String[] parts = split(key, fields.size(), keySchema.getName().equals("UserVectorKey"));
    GenericData.Record record = new GenericData.Record(keySchema);
    for (int i = 0; i < fields.size(); i++) {
      record.put(i, parts[i]);
    }
    return record;
  }

  static boolean isFeatures(Schema contract) {
    return contract.getName().equals("SimilarityFeatures") && contract.getField(FEATURES) != null;
  }

  private static List<String> keyFields(String recordName) {
    return switch (recordName) {
      case "UserVector" -> List.of("user_id", "kind", "window");
      case "SimilarityFeatures" -> List.of("viewer_id", "entity_id");
      case "ContentEmbedding" -> List.of("entity_id");
      case "IndexUpdate" -> List.of("index", "entity_id");
      case "QueryExpansion" -> List.of("query");
      default -> List.of("key");
    };
  }

  private static String[] split(String key, int n, boolean fromRight) {
    String[] out = new String[n];
    java.util.Arrays.fill(out, "");
    if (n == 1) {
      out[0] = key;
      return out;
    }
    List<String> parts = new ArrayList<>();
    String rest = key;
    if (fromRight) {
      for (int i = 0; i < n - 1; i++) {
        int bar = rest.lastIndexOf('|');
        if (bar < 0) {
          out[0] = key;
          return out;
        }
        parts.add(0, rest.substring(bar + 1));
        rest = rest.substring(0, bar);
      }
      parts.add(0, rest);
    } else {
      for (int i = 0; i < n - 1; i++) {
        int bar = rest.indexOf('|');
        if (bar < 0) {
          out[0] = key;
          return out;
        }
        parts.add(rest.substring(0, bar));
        rest = rest.substring(bar + 1);
      }
      parts.add(rest);
    }
    return parts.toArray(out);
  }
}
