package dev.kembed.schemas.serde;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * The published versions of one record's schema, read from the classpath resources {@code
 * dev/kembed/schemas/history/<Record>/v1.avsc}, {@code v2.avsc}, ... (numbered without gaps;
 * loading stops at the first missing number). Every version a producer may have written with stays
 * here forever, so that a single-object encoded record written by an old producer can still be
 * resolved by its fingerprint. Each file is a self-contained schema (named types inlined), exactly
 * as that version was published.
 */
final class SchemaHistory {

  static final String RESOURCE_ROOT = "dev/kembed/schemas/history/";

  private SchemaHistory() {}

  /** The published versions of {@code recordName}, oldest first; empty if none are archived. */
  static List<Schema> versions(String recordName) {
    List<Schema> versions = new ArrayList<>();
    ClassLoader loader = SchemaHistory.class.getClassLoader();
    for (int version = 1; ; version++) {
      String path = resourcePath(recordName, version);
      try (InputStream in = loader.getResourceAsStream(path)) {
        if (in == null) {
          return Collections.unmodifiableList(versions);
        }
        // A fresh parser per file: versions redefine the same names, which one parser rejects.
        versions.add(
            new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException | SchemaParseException e) {
        // A broken history file is a build defect, not bad input: fail loudly at serde creation.
        throw new IllegalStateException("cannot read schema history resource " + path, e);
      }
    }
  }

  static String resourcePath(String recordName, int version) {
    return RESOURCE_ROOT + recordName + "/v" + version + ".avsc";
  }
}
