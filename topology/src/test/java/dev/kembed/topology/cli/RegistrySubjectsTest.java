package dev.kembed.topology.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kembed.schemas.registry.InMemorySchemaRegistry;
import dev.kembed.schemas.serde.OutputFormat;
import dev.kembed.schemas.serde.OutputSettings;
import dev.kembed.topology.config.KembedConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RegistrySubjectsTest {

  private final KembedConfig config = new KembedConfig(Map.of("topic.user.vectors", "uv"));
  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final List<RegistrySubjects.Subject> subjects =
      RegistrySubjects.of(
          config,
          new OutputSettings(
              OutputFormat.CONFLUENT, false, registry, false, List.of("P7D", "P30D", "P90D")));

  @Test
  void everyOutputTopicHasAValueAndAKeySubject() {
    assertEquals(
        List.of(
            "content-embeddings-value",
            "content-embeddings-key",
            "uv-value",
            "uv-key",
            "similarity-features-value",
            "similarity-features-key",
            "index-updates-value",
            "index-updates-key",
            "query-expansions-value",
            "query-expansions-key"),
        subjects.stream().map(RegistrySubjects.Subject::name).toList());
    Schema features = subjects.get(4).current();
    // 4 features x 3 windows + cos_comment_post, after the 8 non-feature fields.
    assertEquals(8 + 13, features.getFields().size());
  }

  @Test
  void registerThenCheckIsClean_andAnIncompatibleChangeIsCaught() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(
        0,
        SchemasCommand.register(
            registry, subjects, new PrintStream(out, true, StandardCharsets.UTF_8)));
    assertEquals(
        0,
        SchemasCommand.check(
            registry, subjects, new PrintStream(out, true, StandardCharsets.UTF_8)));
    // A new key schema with a required field the old keys lack cannot read them.
    Schema changed =
        SchemaBuilder.record("UserVectorKey")
            .namespace("dev.kembed.sink")
            .fields()
            .requiredString("user_id")
            .requiredString("kind")
            .requiredString("window")
            .requiredString("tenant")
            .endRecord();
    List<RegistrySubjects.Subject> next =
        List.of(new RegistrySubjects.Subject("uv-key", List.of(changed)));
    ByteArrayOutputStream report = new ByteArrayOutputStream();
    assertEquals(
        1,
        SchemasCommand.check(
            registry, next, new PrintStream(report, true, StandardCharsets.UTF_8)));
    assertTrue(
        report.toString(StandardCharsets.UTF_8).contains("uv-key")
            && report.toString(StandardCharsets.UTF_8).contains("INCOMPATIBLE"));
  }

  @Test
  void confluentWithoutRegistryUrlIsAConfigError() {
    KembedConfig c = new KembedConfig(Map.of("output.format", "confluent"));
    assertThrows(ConfigException.class, c::outputSettings);
  }
}
