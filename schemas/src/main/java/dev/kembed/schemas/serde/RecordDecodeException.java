package dev.kembed.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Thrown when the bytes of a record value cannot be turned into the expected record type. The
 * message names the topic, the record type and the precise reason (unknown schema fingerprint,
 * missing field, wrong JSON type, truncated payload, ...), so that whatever routes the record to
 * the dead-letter topic can record a reason a human can act on. The reason is also available on its
 * own through {@link #reason()}. Partition and offset are not known to a Kafka {@code
 * Deserializer}; the Streams exception handler adds them.
 */
public class RecordDecodeException extends SerializationException {

  private static final long serialVersionUID = 1L;

  private final String topic;
  private final String recordType;
  private final String reason;

  public RecordDecodeException(String topic, String recordType, String reason, Throwable cause) {
    super("cannot decode " + recordType + " from topic '" + topic + "': " + reason, cause);
    this.topic = topic;
    this.recordType = recordType;
    this.reason = reason;
  }

  /** The topic the record was read from, as passed to the deserializer (may be null). */
  public String topic() {
    return topic;
  }

  /** Simple name of the record type that was expected, e.g. {@code PostEvent}. */
  public String recordType() {
    return recordType;
  }

  /** Why decoding failed, without the topic and type prefix of {@link #getMessage()}. */
  public String reason() {
    return reason;
  }
}
