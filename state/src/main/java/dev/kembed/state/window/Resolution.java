package dev.kembed.state.window;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The rule that picks a tile size for a window, after Chronon's {@code Resolution}: a window
 * shorter than a tier's bound uses that tier's tile, anything longer uses the coarsest tile. The
 * default tiles windows under 12 days by the hour and longer ones by the day, so a 7-day window has
 * 168 tiles and a 90-day window 90: enough precision at the old edge (at most one tile, see {@link
 * WindowSpec}) for a bounded number of tiles per user. Tiles are aligned to the Unix epoch (UTC
 * midnight for daily tiles), so every instance agrees on their boundaries.
 */
public final class Resolution {
  /** One step of the rule: windows strictly shorter than {@code below} use {@code tile}. */
  public record Tier(Duration below, Duration tile) {
    public Tier {
      Objects.requireNonNull(below, "below");
      Objects.requireNonNull(tile, "tile");
      if (tile.isNegative() || tile.isZero()) {
        throw new IllegalArgumentException("tile size must be positive: " + tile);
      }
    }
  }

  private final List<Tier> tiers;
  private final long otherwiseTileMs;

  /**
   * @param tiers checked in order; the first whose bound exceeds the window wins
   * @param otherwise tile size for windows no tier matches
   */
  public Resolution(List<Tier> tiers, Duration otherwise) {
    this.tiers = List.copyOf(tiers);
    if (otherwise.isNegative() || otherwise.isZero()) {
      throw new IllegalArgumentException("tile size must be positive: " + otherwise);
    }
    this.otherwiseTileMs = otherwise.toMillis();
  }

  /** Hourly tiles for windows under 12 days, daily tiles beyond (Chronon's choice). */
  public static Resolution defaults() {
    return new Resolution(
        List.of(new Tier(Duration.ofDays(12), Duration.ofHours(1))), Duration.ofDays(1));
  }

  /** The tile size, in milliseconds, for a window of {@code windowMs}. */
  public long tileMsFor(long windowMs) {
    for (Tier tier : tiers) {
      if (windowMs < tier.below().toMillis()) {
        return tier.tile().toMillis();
      }
    }
    return otherwiseTileMs;
  }

  /**
   * Start of the tile of size {@code tileMs} containing {@code timeMs} (floor, also before 1970).
   */
  public static long tileStart(long timeMs, long tileMs) {
    return Math.floorDiv(timeMs, tileMs) * tileMs;
  }
}
