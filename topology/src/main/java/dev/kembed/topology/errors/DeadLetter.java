package dev.kembed.topology.errors;

/**
 * A record a processor dead-letters itself (a join that timed out, a late event): key and value
 * bytes as the source topic had them. The DLQ headers ride on the Kafka record that carries it.
 */
public record DeadLetter(byte[] key, byte[] value) {}
