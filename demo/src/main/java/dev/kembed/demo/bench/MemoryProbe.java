package dev.kembed.demo.bench;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;

/**
 * What memory costs on the machine the bench runs on, printed with its figures: the JVM's heap
 * (fixed and pre-touched, or growing), and what the first write to a fresh page costs against a
 * write to one already touched. On a bare-metal Linux host a first touch (a minor page fault and
 * the kernel zeroing the page) costs a fraction of a microsecond per 4 KB page; on some virtual
 * machines it costs tens of times that, and then a heap that grows during a phase, or memory
 * returned to the OS and faulted in again, shows in the throughput (docs/performance.md). Two runs
 * of the bench on different machines are comparable only when these are alike.
 */
final class MemoryProbe {
  /** One measurement: microseconds per 4 KB page, first touch and a second write. */
  record PageCost(double firstTouchMicros, double touchedMicros) {}

  private static final int PAGE = 4096;

  private MemoryProbe() {}

  /**
   * Times the allocation of a zeroed direct buffer of {@code megabytes} (the JDK allocates it with
   * malloc, fresh pages from the OS at this size, and zeroes it: a first touch of every page), then
   * the same bytes written again; the median of {@code rounds}.
   */
  static PageCost pageCost(int megabytes, int rounds) {
    int bytes = megabytes << 20;
    byte[] zeros = new byte[1 << 20];
    double[] first = new double[rounds];
    double[] again = new double[rounds];
    int pages = bytes / PAGE;
    for (int r = 0; r < rounds; r++) {
      long t0 = System.nanoTime();
      ByteBuffer b = ByteBuffer.allocateDirect(bytes);
      long t1 = System.nanoTime();
      for (int i = 0; i < megabytes; i++) {
        b.put(zeros);
      }
      long t2 = System.nanoTime();
      first[r] = (t1 - t0) / 1e3 / pages;
      again[r] = (t2 - t1) / 1e3 / pages;
    }
    return new PageCost(median(first), median(again));
  }

  /** The heap as configured: initial and maximum size, and whether it was touched at start. */
  static String heap() {
    MemoryUsage h = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    boolean preTouched =
        Boolean.parseBoolean(
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .getVMOption("AlwaysPreTouch")
                .getValue());
    return describeHeap(h.getInit(), h.getMax(), preTouched);
  }

  static String describeHeap(long init, long max, boolean preTouched) {
    String sizes =
        init == max
            ? String.format(Locale.ROOT, "heap %,d MB fixed", max >> 20)
            : String.format(Locale.ROOT, "heap %,d MB initial, %,d MB max", init >> 20, max >> 20);
    return sizes + (preTouched ? ", pre-touched" : ", not pre-touched");
  }

  /** The line the bench prints: the heap and the page costs. */
  static String describe(PageCost c) {
    return String.format(
        Locale.ROOT,
        "%s; a fresh 4 KB page costs %.2f µs to write first, %.2f µs once touched",
        heap(),
        c.firstTouchMicros(),
        c.touchedMicros());
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
