package dev.kembed.demo.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/**
 * The bench's pure parts: variant names, thread roles, texts, the traffic table, the plot's
 * geometry.
 */
class BenchPureTest {

  @Test
  void variantNamesSayGuaranteeThreadsAndIndex() {
    assertEquals(
        new BenchRunner.Variant("eos", StreamsConfig.EXACTLY_ONCE_V2, 1, true),
        BenchRunner.Variant.parse("eos"));
    assertEquals(
        new BenchRunner.Variant("alos-2t", StreamsConfig.AT_LEAST_ONCE, 2, true),
        BenchRunner.Variant.parse("alos-2t"));
    assertEquals(
        new BenchRunner.Variant("eos-noindex", StreamsConfig.EXACTLY_ONCE_V2, 1, false),
        BenchRunner.Variant.parse("eos-noindex"));
    assertThrows(IllegalArgumentException.class, () -> BenchRunner.Variant.parse("fast"));
  }

  @Test
  void ratesArePostsColonExposuresFiniteAndNeverNegative() {
    assertEquals(new BenchRunner.Rate(90, 580.5), BenchRunner.Rate.parse(" 90 : 580.5"));
    assertEquals(new BenchRunner.Rate(0, 400), BenchRunner.Rate.parse("0:400"));
    for (String bad : List.of("90", "90:580:1", "-1:580", "0:0", "NaN:5", "Infinity:5", "a:b")) {
      assertThrows(IllegalArgumentException.class, () -> BenchRunner.Rate.parse(bad), bad);
    }
  }

  @Test
  void jvmThreadsAreTheCompilerAndTheCollector() {
    assertEquals("JIT compiler", CpuSplit.jvmRole("C2 CompilerThre"));
    assertEquals("JIT compiler", CpuSplit.jvmRole("C1 CompilerThre"));
    assertEquals("GC", CpuSplit.jvmRole("GC Thread#1"));
    assertEquals("GC", CpuSplit.jvmRole("G1 Conc#0"));
    assertEquals(null, CpuSplit.jvmRole("kembed-bench-17"));
    // This JVM has a compiler thread that has run by now (Linux only; elsewhere the map is empty).
    if (new java.io.File("/proc/self/task").isDirectory()) {
      assertTrue(CpuSplit.jvmThreads().containsKey("JIT compiler"));
    }
  }

  @Test
  void threadsAreSortedIntoRolesByName() {
    assertEquals("stream threads", CpuSplit.role("kembed-bench-1-eos-3f2a-StreamThread-1"));
    assertEquals(
        "stream threads",
        CpuSplit.role("kafka-producer-network-thread | kembed-bench-StreamThread-1-producer"));
    assertEquals("inference", CpuSplit.role("kembed-inference-1"));
    assertEquals("inference", CpuSplit.role("kembed-embed-2"));
    assertEquals("index feeder", CpuSplit.role("kembed-index-feeder"));
    assertEquals("broker", CpuSplit.role("data-plane-kafka-request-handler-0"));
    assertEquals("other (clients, main)", CpuSplit.role("main"));
  }

  @Test
  void streamThreadsAllocationIsCountedAndOtherThreadsAreNot() throws Exception {
    CpuSplit split = CpuSplit.start();
    java.util.concurrent.CountDownLatch allocated = new java.util.concurrent.CountDownLatch(2);
    java.util.concurrent.CountDownLatch measured = new java.util.concurrent.CountDownLatch(1);
    List<Thread> threads = new java.util.ArrayList<>();
    long[] sink = new long[1];
    // 64 MB in a stream thread, 256 MB in another one; both alive when the split is read.
    for (var t : List.of(Map.entry("app-StreamThread-1", 64), Map.entry("bench-other", 256))) {
      Thread thread =
          new Thread(
              () -> {
                for (int i = 0; i < t.getValue(); i++) {
                  byte[] mb = new byte[1 << 20];
                  sink[0] += mb.length;
                }
                allocated.countDown();
                try {
                  measured.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              t.getKey());
      thread.start();
      threads.add(thread);
    }
    allocated.await();
    double gb = split.stop().get(CpuSplit.STREAM_ALLOCATED_GB);
    measured.countDown();
    for (Thread t : threads) {
      t.join();
    }
    // 64 MiB = 0.067 GB, plus the thread's own few kilobytes; the other thread's 0.27 GB is not in.
    assertTrue(gb >= 0.067 && gb < 0.1, gb + " GB");
  }

  @Test
  void textsAreSeededAndBetweenTenAnd65Words() {
    List<BenchTexts.Post> a = BenchTexts.posts(7, 200);
    assertEquals(a, BenchTexts.posts(7, 200));
    for (BenchTexts.Post p : a) {
      int subject = p.subject().split(" ").length;
      int body = p.body().split(" ").length; // 8–60 words plus the "#i" tag
      assertTrue(subject >= 2 && subject <= 5, p.subject());
      assertTrue(body >= 9 && body <= 61, p.body());
    }
    assertFalse(a.get(0).body().equals(a.get(1).body()));
  }

  @Test
  void axesEndAtRoundNumbersAndPointsLandWhereTheyShould() {
    assertEquals(1, SvgPlot.nice(0));
    assertEquals(2, SvgPlot.nice(1.3));
    assertEquals(500, SvgPlot.nice(420));
    assertEquals(1000, SvgPlot.nice(501));
    // x 0..50 (max 50 → axis 50), y 0..80 (axis 100): the point (50, 80) is at the right edge,
    // 80 % of the way up a 245 px plot area that starts at y=30 and x=60 and is 385 px wide.
    String svg =
        SvgPlot.render(
            "c",
            List.of(
                new SvgPlot.Panel(
                    "t",
                    "x",
                    "y",
                    List.of(
                        new SvgPlot.Series(
                            "s", "#000", List.of(new double[] {0, 0}, new double[] {50, 80}))))));
    double x = 60 + 385;
    double y = 30 + 245 - 0.8 * 245;
    assertTrue(
        svg.contains(String.format(java.util.Locale.ROOT, "points=\"60.0,275.0 %.1f,%.1f\"", x, y)),
        svg);
  }

  @Test
  void trafficIsPerEventSortedByBytesWithATotal() {
    var out = new ByteArrayOutputStream();
    BenchReport.traffic(
        new PrintStream(out, true, UTF_8),
        "eos",
        new TopicTraffic.Phase(
            3_000,
            Map.of(
                "a-changelog", new TopicTraffic.Written(3_000, 300_000),
                "b", new TopicTraffic.Written(6_000, 60_000))),
        new TopicTraffic.Phase(30_000, Map.of("b", new TopicTraffic.Written(30_000, 600_000))));
    List<String> rows =
        out.toString(UTF_8)
            .lines()
            .filter(l -> l.startsWith("| ") && !l.startsWith("| topic"))
            .toList();
    // b: 660,000 bytes in all, before a's 300,000.
    assertEquals(
        List.of(
            "| b | 2.00 | 20 | 1.00 | 20 |",
            "| a-changelog | 1.00 | 100 | 0.00 | 0 |",
            "| **all** | 3.00 | 120 | 1.00 | 20 |"),
        rows);
  }

  @Test
  void heapLineSaysFixedOrGrowingAndWhetherTouched() {
    assertEquals(
        "heap 3,072 MB fixed, pre-touched", MemoryProbe.describeHeap(3L << 30, 3L << 30, true));
    assertEquals(
        "heap 384 MB initial, 6,144 MB max, not pre-touched",
        MemoryProbe.describeHeap(384L << 20, 6L << 30, false));
  }

  @Test
  void pageCostsAreMeasuredPerPage() {
    // 4 MB once: 1,024 pages; each figure is a time per page, so it is positive and finite.
    MemoryProbe.PageCost c = MemoryProbe.pageCost(4, 1);
    assertTrue(c.firstTouchMicros() > 0 && Double.isFinite(c.firstTouchMicros()), c.toString());
    assertTrue(c.touchedMicros() > 0 && Double.isFinite(c.touchedMicros()), c.toString());
    String line = MemoryProbe.describe(c);
    assertTrue(line.startsWith("heap "), line);
    assertTrue(line.contains("µs to write first"), line);
  }

  @Test
  void minorFaultsAreTheTenthFieldOfProcStatWhateverTheCommandName() throws Exception {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt ...: a name with
    // spaces and a ')' of its own must not shift the fields.
    String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 123456 7 3 0 900 80 0 0 20 0";
    assertEquals(123456, CpuSplit.parseMinorFaults(stat));
    if (java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/self/stat"))) {
      // A fresh file mapping, written a byte per 4 KB page: every first write is a fault, whatever
      // the allocator keeps (a heap or malloc buffer could be memory already touched).
      java.nio.file.Path file = java.nio.file.Files.createTempFile("faults", ".bin");
      try (var ch =
          java.nio.channels.FileChannel.open(
              file,
              java.nio.file.StandardOpenOption.READ,
              java.nio.file.StandardOpenOption.WRITE)) {
        var map = ch.map(java.nio.channels.FileChannel.MapMode.READ_WRITE, 0, 1 << 20);
        long before = CpuSplit.minorFaults();
        for (int at = 0; at < 1 << 20; at += 4096) {
          map.put(at, (byte) 1);
        }
        long after = CpuSplit.minorFaults();
        assertTrue(after - before >= 64, before + " -> " + after + " for 256 fresh pages");
      } finally {
        java.nio.file.Files.delete(file);
      }
    }
  }
}
