package dev.kembed.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Rules every .avsc of the public contract must follow (see docs/wire-format.md). */
class SchemaContractTest {

  static Stream<Schema> declaredSchemas() throws IOException, ClassNotFoundException {
    // Surefire runs in the module directory; list the sources so a new .avsc cannot escape the
    // rules.
    List<Schema> schemas = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of("src/main/avro"))) {
      for (Path file :
          (Iterable<Path>) files.filter(f -> f.toString().endsWith(".avsc")).sorted()::iterator) {
        String name = file.getFileName().toString().replace(".avsc", "");
        schemas.add(
            org.apache.avro.specific.SpecificData.get()
                .getSchema(Class.forName("dev.kembed.schemas." + name)));
      }
    }
    assertTrue(schemas.size() >= 15, "expected all contract schemas, found " + schemas.size());
    return schemas.stream();
  }

  @ParameterizedTest
  @MethodSource("declaredSchemas")
  void everyTypeAndFieldIsDocumented(Schema schema) {
    assertDocumented(schema.getFullName(), schema.getDoc());
    assertTrue(schema.getNamespace().equals("dev.kembed.schemas"), schema.getFullName());
    if (schema.getType() == Schema.Type.RECORD) {
      for (Schema.Field field : schema.getFields()) {
        assertDocumented(schema.getName() + "." + field.name(), field.doc());
        assertTrue(
            field.name().matches("[a-z][a-z0-9]*(_[a-z0-9]+)*"),
            "field names are snake_case: " + field.name());
      }
    }
  }

  @ParameterizedTest
  @MethodSource("declaredSchemas")
  void everyEnumHasADefaultAmongItsSymbols(Schema schema) {
    if (schema.getType() == Schema.Type.ENUM) {
      assertNotNull(schema.getEnumDefault(), schema.getName() + " needs a default symbol");
      assertTrue(schema.hasEnumSymbol(schema.getEnumDefault()));
    }
  }

  @ParameterizedTest
  @MethodSource("declaredSchemas")
  void nullableFieldsPutNullFirstAndDefaultToNull(Schema schema) {
    if (schema.getType() != Schema.Type.RECORD) {
      return;
    }
    for (Schema.Field field : schema.getFields()) {
      if (field.schema().getType() == Schema.Type.UNION) {
        assertTrue(field.schema().getTypes().get(0).getType() == Schema.Type.NULL, field.name());
        assertTrue(
            field.hasDefaultValue()
                && field.defaultVal() == org.apache.avro.JsonProperties.NULL_VALUE,
            schema.getName() + "." + field.name() + " must default to null");
      }
    }
  }

  private static void assertDocumented(String what, String doc) {
    assertNotNull(doc, what + " has no doc");
    assertFalse(doc.isBlank(), what + " has a blank doc");
  }
}
