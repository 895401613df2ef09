package dev.kembed.topology.cli;

import dev.kembed.schemas.serde.OutputSerdes;
import dev.kembed.schemas.serde.OutputSettings;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.config.OutputTopics;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The schema registry subjects a deployment writes in the {@code confluent} format, with the schema
 * versions each should hold, oldest first: for every output topic {@code <topic>-value} (every
 * published version from {@code history/}, in its sink shape) and {@code <topic>-key}. Topic names
 * and feature columns follow the configuration.
 */
public final class RegistrySubjects {

  /** One subject and its versions, the last being what this kembed writes. */
  public record Subject(String name, List<Schema> versions) {
    public Schema current() {
      return versions.get(versions.size() - 1);
    }
  }

  private RegistrySubjects() {}

  /** Every subject of {@code config}'s output topics. */
  public static List<Subject> of(KembedConfig config, OutputSettings settings) {
    OutputSerdes serdes = new OutputSerdes(settings);
    List<Subject> out = new ArrayList<>();
    OutputTopics.byConfigKey()
        .forEach(
            (key, type) -> {
              String topic = config.topic(key);
              out.add(
                  new Subject(OutputSerdes.valueSubject(topic), serdes.valueSchemaVersions(type)));
              out.add(new Subject(OutputSerdes.keySubject(topic), List.of(serdes.keySchema(type))));
            });
    return out;
  }
}
