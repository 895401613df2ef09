package dev.kembed.demo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SteadyRateTest {
  private static final long MS = 1_000_000L;

  @Test
  void theRecordsSeenFirstCarryTheStartUpAndNoRate() {
    // 500 records visible together at 4 s (the first transaction after start-up), then 100 more
    // every 100 ms for 1 s: 1,000 records after the first poll in 1.0 s.
    List<Long> seen = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      seen.add(4_000 * MS);
    }
    for (int step = 1; step <= 10; step++) {
      for (int i = 0; i < 100; i++) {
        seen.add((4_000 + 100L * step) * MS);
      }
    }
    assertEquals(1_000.0, SteadyRate.perSecond(seen), 1e-9);
  }

  @Test
  void oneVisibilityTimeHasNoRate() {
    assertTrue(Double.isNaN(SteadyRate.perSecond(List.of(5L, 5L, 5L))));
    assertTrue(Double.isNaN(SteadyRate.perSecond(List.of())));
  }
}
