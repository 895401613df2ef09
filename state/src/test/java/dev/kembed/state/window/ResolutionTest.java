package dev.kembed.state.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResolutionTest {
  private static final long HOUR = 3_600_000L;
  private static final long DAY = 86_400_000L;

  @Test
  void hourlyUnderTwelveDaysDailyBeyond() {
    Resolution r = Resolution.defaults();
    assertEquals(HOUR, r.tileMsFor(7 * DAY));
    assertEquals(HOUR, r.tileMsFor(12 * DAY - 1));
    assertEquals(DAY, r.tileMsFor(12 * DAY));
    assertEquals(DAY, r.tileMsFor(90 * DAY));
  }

  @Test
  void tiersAreConfigurable() {
    Resolution r =
        new Resolution(
            List.of(
                new Resolution.Tier(Duration.ofHours(12), Duration.ofMinutes(5)),
                new Resolution.Tier(Duration.ofDays(12), Duration.ofHours(1))),
            Duration.ofDays(1));
    assertEquals(5 * 60_000L, r.tileMsFor(6 * HOUR));
    assertEquals(HOUR, r.tileMsFor(DAY));
    assertEquals(DAY, r.tileMsFor(30 * DAY));
  }

  @Test
  void tileStartFloorsAlsoBeforeTheEpoch() {
    assertEquals(-HOUR, Resolution.tileStart(-1, HOUR));
    assertEquals(0, Resolution.tileStart(HOUR - 1, HOUR));
    long t = Instant.parse("2024-01-08T10:30:00Z").toEpochMilli();
    assertEquals(
        Instant.parse("2024-01-08T00:00:00Z").toEpochMilli(), Resolution.tileStart(t, DAY));
  }

  @Test
  void windowEdgeAtTileGranularity() {
    WindowSpec p7d = WindowSpec.parse("P7D", Resolution.defaults());
    assertEquals(168, p7d.tiles());
    long asOf = Instant.parse("2024-01-08T10:30:00Z").toEpochMilli();
    assertEquals(Instant.parse("2024-01-01T11:00:00Z").toEpochMilli(), p7d.firstTileStart(asOf));
    assertEquals(true, p7d.covers(Instant.parse("2024-01-01T11:00:00Z").toEpochMilli(), asOf));
    // Less than 7 days old, yet outside: the documented edge error of up to one tile.
    assertEquals(false, p7d.covers(Instant.parse("2024-01-01T10:59:59.999Z").toEpochMilli(), asOf));
  }

  @Test
  void windowMustBeAWholeNumberOfTiles() {
    assertThrows(
        IllegalArgumentException.class, () -> WindowSpec.parse("PT90M", Resolution.defaults()));
    assertThrows(
        IllegalArgumentException.class,
        () -> WindowSpec.parse("P13D", new Resolution(List.of(), Duration.ofDays(2))));
    assertThrows(
        IllegalArgumentException.class,
        () -> WindowConfig.of(List.of("P7D", "PT168H"), Resolution.defaults(), Duration.ZERO));
  }

  @Test
  void retentionIsTheLongestWindowPerTileSize() {
    WindowConfig c =
        WindowConfig.of(
            List.of("P90D", "PT3H", "P7D", "P30D"), Resolution.defaults(), Duration.ofHours(1));
    assertEquals(
        List.of("PT3H", "P7D", "P30D", "P90D"),
        c.windows().stream().map(WindowSpec::name).toList());
    assertEquals("P7D", c.retentionByTile().get(HOUR).name());
    assertEquals("P90D", c.retentionByTile().get(DAY).name());
  }
}
