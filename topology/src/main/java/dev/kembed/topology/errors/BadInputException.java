package dev.kembed.topology.errors;

/**
 * A record that is well-formed bytes but unusable input (missing field, empty text, …). Thrown by
 * processors; Kafka Streams hands it to {@link DlqProcessingHandler}, which dead-letters the raw
 * record with {@link #reason()} and lets processing continue.
 */
public class BadInputException extends RuntimeException {
  private final DlqReason reason;

  public BadInputException(DlqReason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public DlqReason reason() {
    return reason;
  }
}
