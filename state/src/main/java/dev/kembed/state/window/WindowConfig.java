package dev.kembed.state.window;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The windows an aggregator keeps and how late an event may be. Besides the windows themselves it
 * precomputes, for each distinct tile size, the longest window using it: tiles are retained exactly
 * as long as they are inside that window, so it sets the tile retention.
 */
public final class WindowConfig {
  /** Default windows: weekly, monthly, quarterly. */
  public static final List<String> DEFAULT_WINDOWS = List.of("P7D", "P30D", "P90D");

  /** Default allowed lateness: a day behind the user's latest event. */
  public static final Duration DEFAULT_ALLOWED_LATENESS = Duration.ofDays(1);

  private final List<WindowSpec> windows;
  private final long allowedLatenessMs;
  private final Map<Long, WindowSpec> retentionByTile;

  public WindowConfig(List<WindowSpec> windows, long allowedLatenessMs) {
    if (windows.isEmpty()) {
      throw new IllegalArgumentException("at least one window");
    }
    if (allowedLatenessMs < 0) {
      throw new IllegalArgumentException("allowed lateness must be >= 0: " + allowedLatenessMs);
    }
    Set<Long> lengths = new HashSet<>();
    Set<String> names = new HashSet<>();
    for (WindowSpec w : windows) {
      // Running sums are keyed by window length, so two names for one length would collide.
      if (!lengths.add(w.lengthMs()) || !names.add(w.name())) {
        throw new IllegalArgumentException("duplicate window " + w.name());
      }
    }
    List<WindowSpec> sorted = new ArrayList<>(windows);
    sorted.sort(Comparator.comparingLong(WindowSpec::lengthMs));
    this.windows = List.copyOf(sorted);
    this.allowedLatenessMs = allowedLatenessMs;
    Map<Long, WindowSpec> retention = new LinkedHashMap<>();
    for (WindowSpec w : windows) {
      retention.merge(w.tileMs(), w, (a, b) -> a.lengthMs() >= b.lengthMs() ? a : b);
    }
    this.retentionByTile = Map.copyOf(retention);
  }

  /** Windows parsed from ISO durations and tiled by {@code resolution}. */
  public static WindowConfig of(
      List<String> isoWindows, Resolution resolution, Duration allowedLateness) {
    List<WindowSpec> specs = new ArrayList<>();
    for (String iso : isoWindows) {
      specs.add(WindowSpec.parse(iso, resolution));
    }
    return new WindowConfig(specs, allowedLateness.toMillis());
  }

  /** P7D, P30D, P90D with Chronon's resolution and a one-day lateness. */
  public static WindowConfig defaults() {
    return of(DEFAULT_WINDOWS, Resolution.defaults(), DEFAULT_ALLOWED_LATENESS);
  }

  /** The windows, shortest first: the order of every list of {@link WindowVector}s. */
  public List<WindowSpec> windows() {
    return windows;
  }

  public long allowedLatenessMs() {
    return allowedLatenessMs;
  }

  /** For each tile size in use, the longest window with that tile size (which bounds retention). */
  public Map<Long, WindowSpec> retentionByTile() {
    return retentionByTile;
  }
}
