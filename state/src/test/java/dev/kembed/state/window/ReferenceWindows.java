package dev.kembed.state.window;

import java.util.ArrayList;
import java.util.List;

/**
 * The from-scratch definition the incremental aggregator must equal, for one (user, kind): keeps
 * the raw accepted events and recomputes every window by a full scan. Written independently of the
 * aggregator (its own inclusion formula, its own acceptance rule) so the two can disagree.
 */
public final class ReferenceWindows {
  /** One raw event. */
  public record Event(long timeMs, double weight, float[] embedding) {}

  /** A window recomputed from raw events. */
  public record Result(double[] sum, double weight, long count) {}

  private final List<WindowSpec> windows;
  private final long latenessMs;
  private final List<Event> accepted = new ArrayList<>();
  private long asOf = Long.MIN_VALUE;

  public ReferenceWindows(WindowConfig config) {
    this.windows = config.windows();
    this.latenessMs = config.allowedLatenessMs();
  }

  /**
   * Whether {@code eventMs} counts in a window of {@code lengthMs} tiled by {@code tileMs} at
   * {@code asOfMs}.
   */
  public static boolean inWindow(long eventMs, long asOfMs, long lengthMs, long tileMs) {
    return Math.floorDiv(eventMs, tileMs) * tileMs
        > Math.floorDiv(asOfMs, tileMs) * tileMs - lengthMs;
  }

  /** Decides an event as the aggregator should (ignoring INVALID), and records it when applied. */
  public AddResult.Status offer(long timeMs, double weight, float[] embedding) {
    if (asOf != Long.MIN_VALUE && timeMs < asOf - latenessMs) {
      return AddResult.Status.LATE;
    }
    long next = asOf == Long.MIN_VALUE ? timeMs : Math.max(asOf, timeMs);
    boolean any = false;
    for (WindowSpec w : windows) {
      any |= inWindow(timeMs, next, w.lengthMs(), w.tileMs());
    }
    if (!any) {
      return AddResult.Status.EXPIRED;
    }
    accepted.add(new Event(timeMs, weight, embedding));
    asOf = next;
    return AddResult.Status.APPLIED;
  }

  public void advanceTo(long t) {
    if (asOf != Long.MIN_VALUE && t > asOf) {
      asOf = t;
    }
  }

  public long asOf() {
    return asOf;
  }

  public List<Event> accepted() {
    return accepted;
  }

  /** Every window at {@code asOfMs}, by a full scan of the accepted events. */
  public List<Result> recompute(long asOfMs, int dim) {
    List<Result> out = new ArrayList<>(windows.size());
    for (WindowSpec w : windows) {
      double[] sum = new double[dim];
      double weight = 0;
      long count = 0;
      for (Event e : accepted) {
        if (inWindow(e.timeMs(), asOfMs, w.lengthMs(), w.tileMs())) {
          for (int i = 0; i < dim; i++) {
            sum[i] += e.weight() * e.embedding()[i];
          }
          weight += e.weight();
          count++;
        }
      }
      out.add(new Result(sum, weight, count));
    }
    return out;
  }
}
