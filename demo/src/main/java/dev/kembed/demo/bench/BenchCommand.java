package dev.kembed.demo.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kembed bench}: measures the pipeline against its own model on this machine, in one run so
 * that ratios are fair on a shared host. See {@link BenchRunner} for the phases; the report is
 * Markdown on stdout (progress lines start with '#'), the plot an SVG file.
 */
@Command(
    name = "kembed bench",
    mixinStandardHelpOptions = true,
    description =
        "Benchmark kembed: embedder alone vs in-stream embedding, the user path, latency at fixed"
            + " open-loop rates, CPU split by thread role, EOS vs at-least-once. Uses an in-process"
            + " broker unless --bootstrap-servers is given (topics get a per-run prefix).")
public final class BenchCommand implements Callable<Integer> {
  @Option(
      names = {"-b", "--bootstrap-servers"},
      paramLabel = "HOST:PORT,...",
      description = "Use this Kafka cluster instead of an in-process broker.")
  String bootstrapServers;

  @Option(
      names = "--quick",
      description =
          "Small sizes, about four minutes on a 2-core machine with the in-process broker: 600"
              + " posts, 6,000 interactions, two loads of 8 s, variants eos,alos.")
  boolean quick;

  @Option(names = "--posts", description = "Posts in the burst (default 3000; quick 600).")
  Integer posts;

  @Option(
      names = "--interactions",
      description = "IMPRESSIONs in the user-path burst (default 30000; quick 6000).")
  Integer interactions;

  @Option(
      names = "--users",
      defaultValue = "1000",
      description = "Distinct users of the interactions. Default: ${DEFAULT-VALUE}.")
  int users;

  @Option(
      names = "--loads",
      split = ",",
      description =
          "Open-loop loads as shares of the machine: a load L sends posts at L/2 of the measured"
              + " in-stream capacity and exposures at L/2 of the user-path capacity (default"
              + " 0.25,0.5,0.75; quick 0.25,0.5).")
  List<Double> loads;

  @Option(
      names = "--floor-width",
      description =
          "Run the Streams floor a second time with kembed's topology width (5 sub-topologies over"
              + " 11 source topics instead of 3 over 4; the extra ones idle but punctuating and"
              + " sending markers as kembed's do): what the width alone costs.")
  boolean floorWidth;

  @Option(
      names = "--rates",
      split = ",",
      paramLabel = "POSTS:EXPOSURES",
      description =
          "Open-loop rates in posts/s and exposures/s, instead of --loads, e.g. --rates 90:580: to"
              + " compare two builds at the same absolute load (loads follow each run's measured"
              + " capacities). The report gives each pair's share of the run's machine.")
  List<String> rates;

  @Option(
      names = "--step-seconds",
      description = "Seconds each open-loop rate runs (default 20; quick 8).")
  Integer stepSeconds;

  @Option(
      names = "--variants",
      split = ",",
      description =
          "App variants: eos, alos, eos-2t (2 stream threads), eos-noindex (index.enabled=false),"
              + " ... The first also runs the user path and the sweep. Default"
              + " eos,alos,eos-2t,eos-noindex; quick eos,alos.")
  List<String> variants;

  @Option(
      names = "--no-backfill",
      description =
          "Skip the backfill phase (a replay of the first variant's topics with the embedding"
              + " cache).")
  boolean noBackfill;

  @Option(
      names = "--no-floor",
      description =
          "Skip the Streams floor: a bare Kafka Streams app that moves the user path's records on"
              + " kembed's Streams settings and does nothing else, the reference for the user"
              + " path.")
  boolean noFloor;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Text and workload seed. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--plot",
      paramLabel = "FILE.svg",
      defaultValue = "kembed-bench.svg",
      description = "Where to write the plot. Default: ${DEFAULT-VALUE}.")
  Path plot;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "A kembed or Kafka Streams setting for every variant, e.g. --set embed.batch.size=64.")
  Map<String, String> overrides = new HashMap<>();

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs {@code kembed bench}'s command line and returns its exit code. */
  public static int execute(String... args) {
    return new picocli.CommandLine(new BenchCommand()).execute(args);
  }

  @Override
  public Integer call() throws Exception {
    List<String> v =
        variants != null
            ? variants
            : quick ? List.of("eos", "alos") : List.of("eos", "alos", "eos-2t", "eos-noindex");
    BenchRunner.Options o =
        new BenchRunner.Options(
            bootstrapServers,
            posts != null ? posts : quick ? 600 : 3000,
            interactions != null ? interactions : quick ? 6000 : 30000,
            users,
            loads != null ? loads : quick ? List.of(0.25, 0.5) : List.of(0.25, 0.5, 0.75),
            rates == null ? List.of() : rates.stream().map(BenchRunner.Rate::parse).toList(),
            Duration.ofSeconds(stepSeconds != null ? stepSeconds : quick ? 8 : 20),
            v.stream().map(BenchRunner.Variant::parse).toList(),
            seed,
            overrides,
            !noBackfill,
            !noFloor,
            floorWidth);
    long t0 = System.nanoTime();
    // Before anything else allocates: 32 MB three times, about a second where pages are slow.
    String memory = MemoryProbe.describe(MemoryProbe.pageCost(32, 3));
    System.out.println("# memory: " + memory);
    BenchRunner.Result result = new BenchRunner(o, System.out).run();
    // This is the top-level command of its own main, so originalArgs() are its options only.
    String command =
        "kembed bench " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    System.out.println();
    BenchReport.print(result, command.strip(), memory, System.out);
    Files.writeString(
        plot, BenchReport.svg(result, command.strip() + " — " + java.time.LocalDate.now()));
    System.out.printf("Plot: %s (run took %.0f s)%n", plot, (System.nanoTime() - t0) / 1e9);
    return 0;
  }

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
}
