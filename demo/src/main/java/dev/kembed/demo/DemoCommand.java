package dev.kembed.demo;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kembed demo}: the whole pipeline on one machine with nothing but Java: an in-process KRaft
 * broker, the topology, a seeded neighbourhood workload, live progress and a report. This is the
 * main class of the demo's own runnable jar ({@code bin/kembed demo} starts it), so that the
 * service jar carries no broker.
 */
@Command(
    name = "kembed demo",
    mixinStandardHelpOptions = true,
    description =
        "Run kembed on a generated neighbourhood workload against an in-process Kafka broker and"
            + " print a report.")
public final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Workload seed: the same seed tells the same story. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--users",
      defaultValue = "40",
      description = "Neighbours. Default: ${DEFAULT-VALUE}.")
  int users;

  @Option(
      names = "--posts",
      defaultValue = "240",
      description = "Posts. Default: ${DEFAULT-VALUE}.")
  int posts;

  @Option(
      names = "--actions",
      defaultValue = "3000",
      description = "Interactions, comments and searches. Default: ${DEFAULT-VALUE}.")
  int actions;

  @Option(
      names = "--rate",
      defaultValue = "300",
      description =
          "Input events per second; 0 sends as fast as possible (latency then measures queueing)."
              + " Default: ${DEFAULT-VALUE}.")
  double rate;

  @Option(
      names = "--json-share",
      defaultValue = "0.1",
      description =
          "Fraction of events sent as natural JSON instead of Avro. Default: ${DEFAULT-VALUE}.")
  double jsonShare;

  @Option(
      names = "--no-poison",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Leave out the deliberately bad records.")
  boolean poison;

  @Option(
      names = {"-b", "--bootstrap-servers"},
      paramLabel = "HOST:PORT,...",
      description =
          "Use this Kafka cluster instead of an in-process broker (topics get a per-run prefix).")
  String bootstrapServers;

  @Option(
      names = {"-s", "--set"},
      paramLabel = "KEY=VALUE",
      description = "Overrides one kembed or Kafka Streams setting (repeatable).")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(
      names = "--drain-timeout",
      defaultValue = "180",
      description = "Seconds to wait for outputs after the last input. Default: ${DEFAULT-VALUE}.")
  long drainTimeoutSeconds;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the demo's command line and returns its exit code (tests call this instead of main). */
  public static int execute(String... args) {
    return new CommandLine(new DemoCommand())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .execute(args);
  }

  @Override
  public Integer call() throws Exception {
    DemoRunner.Options o =
        new DemoRunner.Options(
            seed,
            users,
            posts,
            actions,
            rate,
            jsonShare,
            poison,
            bootstrapServers,
            overrides,
            Duration.ofSeconds(drainTimeoutSeconds));
    new DemoRunner(o, System.err, System.out).run();
    return 0;
  }
}
