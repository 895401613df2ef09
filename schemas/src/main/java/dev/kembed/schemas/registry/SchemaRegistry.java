package dev.kembed.schemas.registry;

import java.util.OptionalInt;
import org.apache.avro.Schema;

/**
 * The part of the Schema Registry REST API kembed uses: look up or register a schema under a
 * subject, fetch a schema by its id, and test a schema for compatibility with a subject's latest
 * version. Implemented over HTTP by {@link HttpSchemaRegistry} (Confluent Schema Registry,
 * Karapace, Redpanda, Apicurio's ccompat API) and in memory by {@link InMemorySchemaRegistry}.
 * Implementations are thread-safe.
 */
public interface SchemaRegistry {

  /** The id of {@code schema} if it is registered under {@code subject}; empty otherwise. */
  OptionalInt lookup(String subject, Schema schema);

  /**
   * Registers {@code schema} under {@code subject} (a no-op if already there) and returns its id.
   */
  int register(String subject, Schema schema);

  /** The schema with this global id. */
  Schema byId(int id);

  /**
   * Whether {@code schema} is compatible with the subject's latest version (true when the subject
   * is new).
   */
  boolean isCompatible(String subject, Schema schema);
}
