package dev.kembed.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * A schema registry in memory, with the REST registry's semantics (global ids from 1, one id per
 * distinct schema, subjects holding ordered versions, BACKWARD compatibility: the new schema can
 * read data written with the latest one). For tests and for tools that run without a registry.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {

  private final Map<Integer, Schema> byId = new HashMap<>();
  private final Map<Schema, Integer> ids = new HashMap<>();
  private final Map<String, List<Schema>> subjects = new HashMap<>();

  @Override
  public synchronized OptionalInt lookup(String subject, Schema schema) {
    List<Schema> versions = subjects.getOrDefault(subject, List.of());
    return versions.contains(schema) ? OptionalInt.of(ids.get(schema)) : OptionalInt.empty();
  }

  @Override
  public synchronized int register(String subject, Schema schema) {
    int id =
        ids.computeIfAbsent(
            schema,
            s -> {
              int next = ids.size() + 1;
              byId.put(next, s);
              return next;
            });
    List<Schema> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
    if (!versions.contains(schema)) {
      versions.add(schema);
    }
    return id;
  }

  @Override
  public synchronized Schema byId(int id) {
    Schema schema = byId.get(id);
    if (schema == null) {
      throw new SchemaRegistryException("schema id " + id + " not found", 404, 40403, null);
    }
    return schema;
  }

  @Override
  public synchronized boolean isCompatible(String subject, Schema schema) {
    List<Schema> versions = subjects.getOrDefault(subject, List.of());
    if (versions.isEmpty()) {
      return true;
    }
    Schema latest = versions.get(versions.size() - 1);
    return SchemaCompatibility.checkReaderWriterCompatibility(schema, latest).getType()
        == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
  }

  /** Subjects registered so far, for assertions. */
  public synchronized List<String> subjects() {
    return subjects.keySet().stream().sorted().toList();
  }
}
