package dev.kembed.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/wire-format.md true: its JSON examples decode and its fingerprint table is current.
 */
class WireFormatDocTest {

  private static final Map<String, AvroSerde<?>> INPUT_TOPICS =
      Map.of(
          "posts", KembedSerdes.postEvent(),
          "comments", KembedSerdes.commentEvent(),
          "interactions", KembedSerdes.interactionEvent(),
          "search-queries", KembedSerdes.searchQueryEvent());

  private static String doc() throws IOException {
    // Surefire's working directory is the module; the doc lives at the repository root.
    return Files.readString(Path.of("..", "docs", "wire-format.md"));
  }

  @Test
  void everyInputTopicHasAJsonExampleThatDecodes() throws IOException {
    Matcher m =
        Pattern.compile("<!-- example: ([a-z-]+) -->\\s*```json\\n(.*?)```", Pattern.DOTALL)
            .matcher(doc());
    Map<String, Object> decoded = new HashMap<>();
    while (m.find()) {
      AvroSerde<?> serde = INPUT_TOPICS.get(m.group(1));
      assertNotNull(serde, "example for unknown topic " + m.group(1));
      decoded.put(
          m.group(1),
          serde
              .deserializer()
              .deserialize(m.group(1), m.group(2).getBytes(StandardCharsets.UTF_8)));
    }
    assertEquals(INPUT_TOPICS.keySet(), decoded.keySet());
  }

  @Test
  void topicTableShowsTheCurrentVersionAndFingerprintOfEveryRecord() throws IOException {
    Matcher row =
        Pattern.compile("\\| `([A-Za-z]+)` \\| v(\\d+) \\| `(0x[0-9a-f]{16})` \\|").matcher(doc());
    Set<String> expected =
        Set.of(
            "PostEvent",
            "CommentEvent",
            "InteractionEvent",
            "SearchQueryEvent",
            "ContentEmbedding",
            "UserVector",
            "SimilarityFeatures",
            "IndexUpdate",
            "QueryExpansion");
    Map<String, String> seen = new HashMap<>();
    while (row.find()) {
      AvroSerde<?> serde = KembedSerdes.of(classOf(row.group(1)));
      assertEquals(
          SchemaHistory.versions(row.group(1)).size(),
          Integer.parseInt(row.group(2)),
          row.group(1));
      assertEquals(
          String.format("0x%016x", SchemaNormalization.parsingFingerprint64(serde.schema())),
          row.group(3),
          row.group(1));
      seen.put(row.group(1), row.group(3));
    }
    assertEquals(expected, seen.keySet());
  }

  @SuppressWarnings("unchecked")
  private static Class<org.apache.avro.specific.SpecificRecord> classOf(String name) {
    try {
      return (Class<org.apache.avro.specific.SpecificRecord>)
          Class.forName("dev.kembed.schemas." + name);
    } catch (ClassNotFoundException e) {
      throw new AssertionError("doc names a record that does not exist: " + name, e);
    }
  }
}
