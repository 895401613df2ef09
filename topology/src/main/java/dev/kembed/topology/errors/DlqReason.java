package dev.kembed.topology.errors;

/**
 * Why a record went to the dead-letter topic. Each reason is a header value on the DLQ record
 * ({@link DlqHeaders#REASON}) and a tag on the {@code dlq-records-total} metric, so operators can
 * alert on one kind of bad input without parsing messages.
 */
public enum DlqReason {
  /** Bytes that are neither a known Avro schema nor valid JSON for the topic's record. */
  UNDECODABLE,
  /** A required field is missing or null. */
  MISSING_FIELD,
  /** The record key and the id inside the value disagree. */
  KEY_MISMATCH,
  /** Nothing left to embed after cleaning. */
  EMPTY_TEXT,
  /**
   * Cleaned text longer than {@code text.max.chars}, a search query longer than {@code
   * search.query.max.chars}, a key or id longer than 1024 characters, or a record whose strings
   * together exceed half the producer's {@code max.request.size}.
   */
  TEXT_TOO_LONG,
  /** Event time before 1970 or more than {@code input.max.future.ms} ahead of the wall clock. */
  INVALID_TIMESTAMP,
  /** The model failed on this one record (the rest of its batch went out). */
  MODEL_FAILURE,
  /** An interaction type kembed does not know (weighs nothing). */
  UNKNOWN_INTERACTION_TYPE,
  /** The embedding a record waited for did not arrive within {@code join.grace.ms}. */
  JOIN_TIMEOUT,
  /** Older than the window grace allows. */
  LATE_EVENT,
  /** An interaction on a post or comment that was deleted (counted and dropped). */
  DELETED_TARGET,
  /** A vector with NaN/infinite components or the wrong dimension. */
  INVALID_VECTOR,
  /**
   * Any other failure while processing one record (a bug or an output the broker refused); the DLQ
   * record is still the input as received.
   */
  PROCESSING_ERROR,
  /**
   * A dead-letter record the broker refused (counted in {@code dropped-records-total} and logged
   * with its coordinates; never dead-lettered again, so the DLQ path cannot recurse).
   */
  DLQ_WRITE_FAILED
}
