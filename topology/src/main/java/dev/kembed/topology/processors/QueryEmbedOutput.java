package dev.kembed.topology.processors;

import dev.kembed.topology.content.ContentChange;
import dev.kembed.topology.errors.DeadLetter;
import dev.kembed.topology.internal.UserSignal;

/**
 * What {@link QueryEmbedProcessor} emits: a new or evicted query embedding, a SEARCH_INTENT signal
 * for the searching user, or a dead letter (a query the model failed on). Routed with {@code
 * split()} in the topology.
 */
public sealed interface QueryEmbedOutput {
  /** A query embedded for the first time, or evicted from the cache. */
  record Change(ContentChange value) implements QueryEmbedOutput {}

  /** The search as a signal for the user's SEARCH_INTENT vector. */
  record Signal(UserSignal value) implements QueryEmbedOutput {}

  /** A query that could not be embedded. */
  record Dead(DeadLetter value) implements QueryEmbedOutput {}
}
