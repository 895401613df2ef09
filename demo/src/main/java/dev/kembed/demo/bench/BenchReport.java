package dev.kembed.demo.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns a {@link BenchRunner.Result} into the Markdown tables README and docs/performance.md show,
 * and into the SVG plot (latency vs load; throughput over time).
 */
public final class BenchReport {
  private BenchReport() {}

  /**
   * Prints the report; {@code memory} is {@link MemoryProbe#describe}'s line for the machine, so
   * that figures from two machines are compared knowing what memory costs on each.
   */
  public static void print(BenchRunner.Result r, String command, String memory, PrintStream out) {
    out.printf(
        Locale.ROOT,
        "`%s` — model %s, Java %s, %d cores, load average at the end %.1f; %s%n%n",
        command,
        r.modelId(),
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        memory);
    out.printf(
        Locale.ROOT,
        "Embedder alone (same texts, batches of embed.batch.size): %,.0f texts/s before the stream"
            + " runs, %,.0f after (mean %,.0f).%n%n",
        r.aloneBefore(),
        r.aloneAfter(),
        r.alone());
    out.println(
        "| variant | in-stream texts/s | in-stream / alone (run mean) | alone just before, texts/s"
            + " | in-stream / alone just before | burst s | user path interactions/s |");
    out.println("|---|---:|---:|---:|---:|---:|---:|");
    for (BenchRunner.VariantResult v : r.variants()) {
      out.printf(
          Locale.ROOT,
          "| %s | %,.0f | %.2f | %,.0f | %.2f | %.1f | %s |%n",
          describe(v.variant()),
          v.inStreamPerSecond(),
          v.inStreamPerSecond() / r.alone(),
          v.aloneJustBefore(),
          v.pairedRatio(),
          v.burstSeconds(),
          Double.isNaN(v.userPerSecond())
              ? "–"
              : String.format(Locale.ROOT, "%,.0f", v.userPerSecond()));
    }
    out.println();
    BenchRunner.VariantResult first = r.variants().get(0);
    if (!first.sweep().isEmpty()) {
      out.printf(
          Locale.ROOT,
          "Latency at fixed open-loop rates (%s; a load L is that share of the machine: posts at"
              + " L/2 of the in-stream capacity plus exposures at L/2 of the user-path capacity,"
              + " both above; ms from the scheduled send to the record visible"
              + " read_committed):%n%n",
          describe(first.variant()));
      out.println(
          "| load | posts/s | exposures/s | content-embeddings p50 / p95 / p99 ms |"
              + " similarity-features p50 / p95 / p99 ms |");
      out.println("|---:|---:|---:|---:|---:|");
      for (BenchRunner.SweepPoint p : first.sweep()) {
        out.printf(
            Locale.ROOT,
            "| %.0f %% | %,.0f | %,.0f | %s | %s |%n",
            p.fraction() * 100,
            p.postsPerSecond(),
            p.exposuresPerSecond(),
            pct(p.embedding()),
            pct(p.features()));
      }
      out.println();
    }
    if (first.backfill() != null) {
      BenchRunner.BackfillRate b = first.backfill();
      // The live side of the comparison: the same records (burst, warm-up, user path, sweep) took
      // at least the burst and the user-path bursts to process.
      double liveSeconds =
          first.burstSeconds() + (Double.isNaN(first.userSeconds()) ? 0 : first.userSeconds());
      long liveRecords =
          Math.round(first.inStreamPerSecond() * first.burstSeconds())
              + Math.round(
                  Double.isNaN(first.userPerSecond())
                      ? 0
                      : first.userPerSecond() * first.userSeconds());
      out.printf(
          Locale.ROOT,
          "Backfill of %s's topics with the embedding cache (`kembed backfill`'s code path, a new"
              + " application id): %,d records, caught up in %.1f s including its completion check"
              + " = %,.0f records/s, against %,.0f records/s live for the burst and user-path"
              + " phases (%.1fx). Start-up (cache loaded, internal topics created, group joined,"
              + " stores opened; the same however long the history) took %.1f s to RUNNING."
              + " Content: %,d content-embeddings records, visible from %.1f s to %.1f s after the"
              + " start = **%,.0f texts/s steady, %.1fx the live in-stream rate measured the same"
              + " way** (%,.0f texts/s steady; first to last record visible, the records seen first"
              + " not counted); with start-up, %,.0f texts/s, %.1fx the live burst's"
              + " produce-to-last %,.0f texts/s; %,d texts, cache hit rate %.0f %% (%,d reused, %,d"
              + " embedded). User path: %,d feature rows, the last %.1f s after the start = %,.0f"
              + " rows/s running, %,.0f with start-up (live: %,.0f interactions/s)%s.%n%n",
          first.variant().name(),
          b.records(),
          b.seconds(),
          b.records() / b.seconds(),
          liveRecords / liveSeconds,
          (b.records() / b.seconds()) / (liveRecords / liveSeconds),
          b.startupSeconds(),
          b.contentRecords(),
          b.firstContentSeconds(),
          b.contentSeconds(),
          b.contentSteadyPerSecond(),
          b.contentSteadyPerSecond() / first.inStreamSteadyPerSecond(),
          first.inStreamSteadyPerSecond(),
          b.contentPerSecond(),
          b.contentPerSecond() / first.inStreamPerSecond(),
          first.inStreamPerSecond(),
          b.embedded() + b.reused(),
          b.hitRate() * 100,
          b.reused(),
          b.embedded(),
          b.featureRows(),
          b.featureSeconds(),
          b.featureRowsPerSecondRunning(),
          b.featureRowsPerSecond(),
          first.userPerSecond(),
          b.caughtUp() ? "" : " — DID NOT CATCH UP");
    }
    out.println(
        "CPU seconds by thread role (ThreadMXBean; the broker runs in this JVM unless"
            + " --bootstrap-servers); the last column counts the process's minor page faults in"
            + " the phase, in thousands (first writes to fresh pages; the report's first line says"
            + " what one costs here):");
    out.println();
    List<String> roles = new ArrayList<>(first.cpu().keySet());
    roles.remove(CpuSplit.STREAM_ALLOCATED_GB); // bytes, not CPU: in the floor table
    out.println("| phase | " + String.join(" | ", roles) + " |");
    out.println("|---|" + "---:|".repeat(roles.size()));
    out.println(cpuRow("embedder alone", r.aloneCpu(), roles));
    for (BenchRunner.VariantResult v : r.variants()) {
      out.println(cpuRow("burst, " + v.variant().name(), v.cpu(), roles));
    }
    if (!first.userCpu().isEmpty()) {
      out.println(cpuRow("user path, " + first.variant().name(), first.userCpu(), roles));
    }
    if (r.floor() != null) {
      out.println(cpuRow("Streams floor of the user path", r.floor().cpu(), roles));
    }
    out.println();
    floor(out, first, r.floor(), r.floorKembedWidth());
    traffic(out, first.variant().name(), first.burstTraffic(), first.userTraffic());
  }

  /**
   * The user path against its Streams floor ({@link StreamsFloor}): rates, CPU per interaction of
   * the stream threads and the broker, and what each wrote to the broker per interaction.
   */
  static void floor(
      PrintStream out,
      BenchRunner.VariantResult first,
      StreamsFloor.Result f,
      StreamsFloor.Result wide) {
    if (f == null || Double.isNaN(first.userPerSecond())) {
      return;
    }
    long n = f.traffic().events();
    long[] floorTotal = total(f.traffic());
    long[] userTotal = total(first.userTraffic());
    long un = Math.max(1, first.userTraffic().events());
    out.printf(
        Locale.ROOT,
        "Streams floor of the user path (`StreamsFloor`: a bare Kafka Streams app on %s's Streams"
            + " settings that moves the user path's records and does nothing else: the input"
            + " repartitioned by entity, a logged entity-vector lookup, a 1.6 KB signal"
            + " repartitioned by user, held in a logged timeline and deleted at the next 100 ms"
            + " punctuation, two float64 tiles and a meta record (a cached store, as in kembed), 3"
            + " user vectors, a 3 KB row to the author's partition and a feature row; the same %,d"
            + " IMPRESSIONs at once): **%,.0f interactions/s**, against %,.0f for kembed's user"
            + " path = **%.2f of the floor**.%n%n",
        first.variant().name(),
        n,
        f.perSecond(),
        first.userPerSecond(),
        first.userPerSecond() / f.perSecond());
    out.println(
        "| per interaction | offsets | bytes | stream-thread CPU ms | stream-thread allocation KB"
            + " | broker CPU ms | interactions/s |");
    out.println("|---|---:|---:|---:|---:|---:|---:|");
    out.println(
        floorRow("kembed user path", userTotal, un, first.userCpu(), first.userPerSecond()));
    out.println(floorRow("Streams floor", floorTotal, n, f.cpu(), f.perSecond()));
    if (wide != null) {
      out.println(
          floorRow(
              "Streams floor, kembed's width (`--floor-width`)",
              total(wide.traffic()),
              Math.max(1, wide.traffic().events()),
              wide.cpu(),
              wide.perSecond()));
    }
    out.println();
  }

  private static long[] total(TopicTraffic.Phase p) {
    long[] t = new long[2];
    p.topics()
        .values()
        .forEach(
            w -> {
              t[0] += w.offsets();
              t[1] += w.bytes();
            });
    return t;
  }

  private static String floorRow(
      String name, long[] traffic, long n, Map<String, Double> cpu, double rate) {
    return String.format(
        Locale.ROOT,
        "| %s | %.2f | %,.0f | %.3f | %,.1f | %.3f | %,.0f |",
        name,
        traffic[0] / (double) n,
        traffic[1] / (double) n,
        cpu.getOrDefault("stream threads", Double.NaN) * 1000 / n,
        cpu.getOrDefault(CpuSplit.STREAM_ALLOCATED_GB, Double.NaN) * 1e6 / n,
        cpu.getOrDefault("broker", Double.NaN) * 1000 / n,
        rate);
  }

  /**
   * What the broker took per event of the first variant: per post in its burst, per interaction in
   * its user path. Offsets count records and, under exactly-once, transaction markers.
   */
  static void traffic(
      PrintStream out,
      String variant,
      TopicTraffic.Phase burstPhase,
      TopicTraffic.Phase userPhase) {
    Map<String, TopicTraffic.Written> burst = burstPhase.topics();
    Map<String, TopicTraffic.Written> user = userPhase.topics();
    if (burst.isEmpty() && user.isEmpty()) {
      return;
    }
    long posts = burstPhase.events();
    long interactions = userPhase.events();
    out.printf(
        Locale.ROOT,
        "Broker traffic of %s per event (offsets: records plus transaction markers; bytes added to"
            + " the log; %,d posts in the burst, %,d interactions in the user path):%n%n",
        variant,
        posts,
        interactions);
    out.println(
        "| topic | offsets per post | bytes per post | offsets per interaction | bytes per"
            + " interaction |");
    out.println("|---|---:|---:|---:|---:|");
    TreeSet<String> topics = new TreeSet<>(burst.keySet());
    topics.addAll(user.keySet());
    TopicTraffic.Written none = new TopicTraffic.Written(0, 0);
    List<String> ordered = new ArrayList<>(topics);
    ordered.sort(
        Comparator.comparingLong(
            (String t) ->
                -(user.getOrDefault(t, none).bytes() + burst.getOrDefault(t, none).bytes())));
    long[] total = new long[4];
    for (String t : ordered) {
      TopicTraffic.Written b = burst.getOrDefault(t, none);
      TopicTraffic.Written u = user.getOrDefault(t, none);
      total[0] += b.offsets();
      total[1] += b.bytes();
      total[2] += u.offsets();
      total[3] += u.bytes();
      out.println(
          trafficRow(t, b.offsets(), b.bytes(), posts, u.offsets(), u.bytes(), interactions));
    }
    out.println(trafficRow("**all**", total[0], total[1], posts, total[2], total[3], interactions));
    out.println();
  }

  private static String trafficRow(
      String topic, long pOffsets, long pBytes, long posts, long iOffsets, long iBytes, long n) {
    return String.format(
        Locale.ROOT,
        "| %s | %s | %s | %s | %s |",
        topic,
        per(pOffsets, posts, "%.2f"),
        per(pBytes, posts, "%,.0f"),
        per(iOffsets, n, "%.2f"),
        per(iBytes, n, "%,.0f"));
  }

  private static String per(long value, long events, String format) {
    return events == 0 ? "–" : String.format(Locale.ROOT, format, value / (double) events);
  }

  static String describe(BenchRunner.Variant v) {
    return String.format(
        Locale.ROOT,
        "%s (%s, %d stream thread%s, index %s)",
        v.name(),
        v.guarantee(),
        v.threads(),
        v.threads() == 1 ? "" : "s",
        v.index() ? "on" : "off");
  }

  private static String pct(dev.kembed.demo.Latencies l) {
    return String.format(
        Locale.ROOT,
        "%s / %s / %s",
        ms(l.percentile(50)),
        ms(l.percentile(95)),
        ms(l.percentile(99)));
  }

  private static String ms(double v) {
    return Double.isInfinite(v) ? "missing" : String.format(Locale.ROOT, "%,.0f", v);
  }

  private static String cpuRow(String phase, Map<String, Double> cpu, List<String> roles) {
    StringBuilder b = new StringBuilder("| " + phase + " |");
    for (String role : roles) {
      double v = cpu.getOrDefault(role, 0.0);
      b.append(Double.isNaN(v) ? " – |" : String.format(Locale.ROOT, " %.1f |", v));
    }
    return b.toString();
  }

  /**
   * The plot: latency percentiles against offered load, and outputs per second during the burst.
   */
  public static String svg(BenchRunner.Result r, String caption) {
    BenchRunner.VariantResult first = r.variants().get(0);
    List<SvgPlot.Series> latency = new ArrayList<>();
    latency.add(
        series(
            "content-embeddings p50", "#1f77b4", first.sweep(), p -> p.embedding().percentile(50)));
    latency.add(
        series(
            "content-embeddings p99", "#aec7e8", first.sweep(), p -> p.embedding().percentile(99)));
    latency.add(
        series(
            "similarity-features p50", "#d62728", first.sweep(), p -> p.features().percentile(50)));
    latency.add(
        series(
            "similarity-features p99", "#ff9896", first.sweep(), p -> p.features().percentile(99)));
    String[] colours = {"#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};
    List<SvgPlot.Series> throughput = new ArrayList<>();
    for (int i = 0; i < r.variants().size(); i++) {
      BenchRunner.VariantResult v = r.variants().get(i);
      throughput.add(
          new SvgPlot.Series(
              v.variant().name() + " content-embeddings/s",
              colours[i % colours.length],
              v.throughput()));
    }
    throughput.add(
        new SvgPlot.Series(
            String.format(Locale.ROOT, "embedder alone (%,.0f/s)", r.alone()),
            "#000000",
            List.of(
                new double[] {0, r.alone()},
                new double[] {
                  r.variants().stream()
                      .mapToDouble(BenchRunner.VariantResult::burstSeconds)
                      .max()
                      .orElse(1),
                  r.alone()
                })));
    return SvgPlot.render(
        caption,
        List.of(
            new SvgPlot.Panel(
                "Latency vs load (" + first.variant().name() + ")",
                "load, % of measured capacity",
                "ms (scheduled send → visible)",
                latency),
            new SvgPlot.Panel(
                "Throughput during the burst",
                "seconds since the burst was sent",
                "records/s (250 ms buckets)",
                throughput)));
  }

  private static SvgPlot.Series series(
      String name,
      String colour,
      List<BenchRunner.SweepPoint> points,
      java.util.function.ToDoubleFunction<BenchRunner.SweepPoint> y) {
    List<double[]> pts = new ArrayList<>();
    for (BenchRunner.SweepPoint p : points) {
      pts.add(new double[] {p.fraction() * 100, y.applyAsDouble(p)});
    }
    return new SvgPlot.Series(name, colour, pts);
  }
}
