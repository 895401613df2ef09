package dev.kembed.schemas.serde;

import dev.kembed.schemas.registry.SchemaRegistry;
import java.util.List;

/**
 * Everything the output serdes need to know: the {@link OutputFormat}, whether JSON values carry
 * Kafka Connect's schema envelope, the schema registry (required for {@code confluent}, else
 * optional, used to read registry-encoded input), whether to register missing schemas, and the
 * user-vector windows that decide the similarity-feature columns.
 */
public record OutputSettings(
    OutputFormat format,
    boolean jsonSchemas,
    SchemaRegistry registry,
    boolean autoRegister,
    List<String> windows) {

  public OutputSettings {
    if (format == OutputFormat.CONFLUENT && registry == null) {
      throw new IllegalArgumentException("output.format=confluent needs schema.registry.url");
    }
    windows = List.copyOf(windows);
  }

  /** Today's default: single-object Avro, no registry. */
  public static OutputSettings avro() {
    return new OutputSettings(
        OutputFormat.AVRO, false, null, false, List.of("P7D", "P30D", "P90D"));
  }
}
