package dev.kembed.state.window;

import java.util.List;

/**
 * What {@link WindowedVectorAggregator#add} did with an event. Only {@link Status#APPLIED} changes
 * state; the other statuses let the caller send the record to the DLQ or count it.
 *
 * @param status the outcome
 * @param reason a human-readable reason when not applied, else null
 * @param asOf the (user, kind) as-of time after the call ({@link Long#MIN_VALUE} if never seen)
 * @param changed current vectors of the windows whose content changed (received the event or lost
 *     expired tiles), shortest window first; empty unless applied
 */
public record AddResult(Status status, String reason, long asOf, List<WindowVector> changed) {

  /** Outcome of one event. */
  public enum Status {
    /** Added to its tiles and to every window covering it. */
    APPLIED,
    /** Older than as-of minus the allowed lateness. */
    LATE,
    /** Within the lateness but outside every window at the current as-of. */
    EXPIRED,
    /** Negative or non-finite weight, non-finite or empty embedding, or a dimension change. */
    INVALID
  }

  static AddResult rejected(Status status, String reason, long asOf) {
    return new AddResult(status, reason, asOf, List.of());
  }
}
