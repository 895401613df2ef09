package dev.kembed.topology.cli;

import dev.kembed.topology.config.KembedConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kembed backfill}: replay the inputs under a new application id into prefixed outputs. */
@Command(
    name = "backfill",
    mixinStandardHelpOptions = true,
    description =
        "Replay the input topics from the earliest offset (or a time) under a new application id"
            + " and output-topic prefix; stops when caught up.")
public final class BackfillCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(
      names = "--application-id",
      paramLabel = "ID",
      description =
          "Application id of the replay (default: <application.id>-backfill-<epoch seconds>).")
  String applicationId;

  @Option(
      names = "--output-prefix",
      paramLabel = "PREFIX",
      defaultValue = "backfill.",
      description = "Prefix of the replay's output topics. Default: ${DEFAULT-VALUE}.")
  String outputPrefix;

  @Option(
      names = "--from",
      paramLabel = "TIME",
      description =
          "Start at this record time (ISO-8601, e.g. 2025-03-01T00:00:00Z) instead of the earliest"
              + " offset.")
  Instant from;

  @Option(
      names = "--no-cache",
      description =
          "Embed every text again instead of reusing vectors from the live content-embeddings"
              + " topic.")
  boolean noCache;

  @Option(
      names = "--progress-interval",
      defaultValue = "5",
      paramLabel = "SECONDS",
      description = "Seconds between progress lines. Default: ${DEFAULT-VALUE}.")
  long progressSeconds;

  @Option(
      names = "--timeout",
      defaultValue = "86400",
      paramLabel = "SECONDS",
      description = "Give up after this long. Default: ${DEFAULT-VALUE}.")
  long timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    KembedConfig live = config.load();
    String id =
        applicationId != null
            ? applicationId
            : live.streamsProperties().getProperty(StreamsConfig.APPLICATION_ID_CONFIG)
                + "-backfill-"
                + Instant.now().getEpochSecond();
    Backfill.Options o =
        new Backfill.Options(
            id,
            outputPrefix,
            from,
            !noCache,
            Duration.ofSeconds(progressSeconds),
            Duration.ofSeconds(timeoutSeconds));
    Backfill.Result r = new Backfill(live, o, System.err).run(EmbedderFactory::create);
    return r.caughtUp() ? 0 : 1;
  }
}
