package dev.kembed.topology.content;

import dev.kembed.schemas.UserVector;

/**
 * A user-vectors record on its way out: the vector, or null for a tombstone when the window has
 * emptied (everything in it expired). Wrapped because one processor emits several record types and
 * a bare null cannot say which.
 */
public record UserVectorOut(UserVector vector) {}
