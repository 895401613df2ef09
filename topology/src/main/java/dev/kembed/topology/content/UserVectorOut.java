package dev.kembed.topology.content;

import dev.kembed.schemas.UserVector;

/**
 * A user-vectors record on its way out: the vector, or null for a tombstone when the window has
 * emptied (everything in it expired). Wrapped because one processor emits several record types and
 * a bare null cannot say which. {@code unit} is the record's vector as the floats it was built from
 * (null with a tombstone), so that observers need not decode the record's boxed list again.
 */
public record UserVectorOut(UserVector vector, float[] unit) {}
