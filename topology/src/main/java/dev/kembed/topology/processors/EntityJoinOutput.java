package dev.kembed.topology.processors;

import dev.kembed.schemas.SimilarityFeatures;
import dev.kembed.topology.errors.DeadLetter;
import dev.kembed.topology.internal.UserSignal;

/**
 * What {@link EntityJoinProcessor} emits: a user signal for the user-vector task, a {@code
 * cos_comment_post} feature row, or a dead letter. The topology routes the variants with {@code
 * split()}; being sealed, a new variant cannot go unrouted unnoticed.
 */
public sealed interface EntityJoinOutput {
  /** An interaction joined to its target's embedding. */
  record Signal(UserSignal value) implements EntityJoinOutput {}

  /** A comment scored against its post. */
  record Row(SimilarityFeatures value) implements EntityJoinOutput {}

  /** An interaction whose target never came (JOIN_TIMEOUT). */
  record Dead(DeadLetter value) implements EntityJoinOutput {}
}
