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
  /** Cleaned text longer than {@code text.max.chars}. */
  TEXT_TOO_LONG,
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
  /** Any other failure while processing one record. */
  PROCESSING_ERROR
}
