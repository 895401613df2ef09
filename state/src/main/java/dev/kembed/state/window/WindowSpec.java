package dev.kembed.state.window;

/**
 * One configured window ({@code P7D}, …) and the tile size it is kept at. The window is defined at
 * tile granularity: at as-of time {@code T}, an event at time {@code e} counts in the window iff
 * {@code tileStart(e) > tileStart(T) - length}, i.e. the window is the {@code length / tile} tiles
 * ending with the (partial) tile that holds {@code T}. It therefore spans between {@code length -
 * tile} and {@code length} of real time: it never counts an event older than {@code length}, and it
 * may miss events up to one tile older than {@code tileStart(T) - length + tile} (at most one hour
 * for hourly tiles, one day for daily ones) at the old edge. This is the price of O(1) tiles
 * leaving per hop instead of per-event expiry; a from-scratch recomputation with the same rule
 * gives identical results.
 *
 * @param name the label consumers see, as configured (e.g. {@code "P7D"})
 * @param lengthMs window length, a positive multiple of {@code tileMs}
 * @param tileMs tile size chosen by {@link Resolution}
 */
public record WindowSpec(String name, long lengthMs, long tileMs) {
  public WindowSpec {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("window needs a name");
    }
    if (tileMs <= 0 || lengthMs <= 0 || lengthMs % tileMs != 0) {
      throw new IllegalArgumentException(
          "window "
              + name
              + " ("
              + lengthMs
              + " ms) must be a positive multiple of its tile ("
              + tileMs
              + " ms)");
    }
  }

  /** Parses an ISO-8601 duration such as {@code P7D} or {@code PT6H} and tiles it by the rule. */
  public static WindowSpec parse(String iso, Resolution resolution) {
    long length = java.time.Duration.parse(iso).toMillis();
    return new WindowSpec(iso, length, resolution.tileMsFor(length));
  }

  /** Start of the oldest tile inside the window at as-of {@code asOfMs}. */
  public long firstTileStart(long asOfMs) {
    return Resolution.tileStart(asOfMs, tileMs) - lengthMs + tileMs;
  }

  /**
   * Whether an event at {@code eventMs} (not after {@code asOfMs}) counts in the window at {@code
   * asOfMs}.
   */
  public boolean covers(long eventMs, long asOfMs) {
    return Resolution.tileStart(eventMs, tileMs) >= firstTileStart(asOfMs);
  }

  /** Number of tiles the window spans. */
  public long tiles() {
    return lengthMs / tileMs;
  }
}
