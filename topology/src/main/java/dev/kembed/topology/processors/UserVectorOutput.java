package dev.kembed.topology.processors;

import dev.kembed.schemas.SimilarityFeatures;
import dev.kembed.topology.content.UserVectorOut;
import dev.kembed.topology.errors.DeadLetter;
import dev.kembed.topology.internal.PartialFeatureRow;

/**
 * What {@link UserVectorProcessor} emits: a user-vectors record (or its tombstone), a finished
 * feature row, a viewer-side row for the author's task, or a dead letter. Routed with {@code
 * split()} in the topology.
 */
public sealed interface UserVectorOutput {
  /** A window's vector changed (null value inside: the window emptied). */
  record Vector(UserVectorOut value) implements UserVectorOutput {}

  /** A feature row finished here (its author is on this task, or it has none). */
  record Row(SimilarityFeatures value) implements UserVectorOutput {}

  /** A viewer-side row on its way to the author's task. */
  record Partial(PartialFeatureRow value) implements UserVectorOutput {}

  /** A signal with an invalid vector. */
  record Dead(DeadLetter value) implements UserVectorOutput {}
}
