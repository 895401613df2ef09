package dev.kembed.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Nearest-rank percentiles, and the second half of the sending chosen by send time. */
class LatenciesTest {
  @Test
  void theSecondHalfIsTheInputsSentFromTheMiddleOn() {
    Latencies l = new Latencies();
    // Ten inputs sent a second apart, the early ones slow (a JVM warming up): 1000, 900, ... 100.
    for (int i = 0; i < 10; i++) {
      l.add(i * 1_000_000_000L, 1000 - 100 * i);
    }
    l.add(250); // no send time: in the whole, in no half
    assertEquals(11, l.count());
    assertEquals(500, l.percentile(50));
    assertEquals(1000, l.percentile(100));
    Latencies half = l.secondHalf();
    // Sent at 4.5 s or later: the inputs of 5..9 s, latencies 500, 400, 300, 200, 100.
    assertEquals(5, half.count());
    assertEquals(300, half.percentile(50));
    assertEquals(500, half.percentile(99));
    assertEquals(100, half.percentile(1));
  }

  @Test
  void withoutSendTimesThereIsNoHalf() {
    Latencies l = new Latencies();
    l.add(5);
    assertEquals(0, l.secondHalf().count());
    assertTrue(Double.isNaN(new Latencies().percentile(50)));
    assertEquals(0, new Latencies().secondHalf().count());
  }
}
