package dev.kembed.demo;

import dev.kembed.topology.cli.InputType;
import org.apache.avro.specific.SpecificRecord;

/**
 * One input record of the demo workload, in send order: a typed event (sent as Avro, or as natural
 * JSON when {@code asJson}), or, for a deliberately poisoned record, raw bytes with a note of what
 * is wrong with them.
 *
 * @param type which input topic it goes to
 * @param key record key (post id, comment id or user id)
 * @param value the event; null for raw poison bytes
 * @param raw bytes sent as they are when value is null
 * @param asJson send the event as natural JSON instead of Avro
 * @param eventTime event time in epoch ms (also the record timestamp)
 * @param poison why the record should land in the DLQ, or null for a good record
 */
public record DemoEvent(
    InputType type,
    String key,
    SpecificRecord value,
    byte[] raw,
    boolean asJson,
    long eventTime,
    String poison) {

  /** True for posts and comments, whose embeddings the demo waits for. */
  public boolean isText() {
    return poison == null && (type == InputType.POST || type == InputType.COMMENT);
  }
}
