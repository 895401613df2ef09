package dev.kembed.topology.cli;

import dev.kembed.inference.Embedder;
import dev.kembed.topology.config.AdminProps;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.expansion.IndexService;
import dev.kembed.topology.expansion.Indexes;
import dev.kembed.topology.http.ApiServer;
import dev.kembed.topology.http.KembedApi;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kembed run}: the service. Loads the config, creates the topics when allowed, loads the
 * model once, opens the query indexes, starts the topology and the HTTP API ({@code /health},
 * {@code /metrics}, interactive queries on {@code http.port}), and stays up until SIGTERM/SIGINT,
 * when a shutdown hook closes the API, Kafka Streams (committing the open transaction), the indexes
 * (with a final snapshot) and the model, in that order. Exits 1 if the instance fails, so an
 * orchestrator restarts it.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "Run the kembed topology against a Kafka cluster until stopped (SIGTERM). The HTTP API"
            + " (/health, /metrics, /users/{id}/vectors, /similar, /expand) listens on"
            + " http.bind.address:http.port.")
public final class RunCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  @Mixin ConfigOptions config;

  @Option(
      names = "--shutdown-timeout",
      paramLabel = "SECONDS",
      defaultValue = "30",
      description = "How long a shutdown may take to commit and close. Default: ${DEFAULT-VALUE}.")
  long shutdownTimeoutSeconds;

  @Override
  public Integer call() throws Exception {
    KembedConfig cfg = config.load();
    try (Admin admin = Admin.create(AdminProps.of(cfg))) {
      TopicCreator.ensure(admin, cfg);
    }
    Embedder embedder = EmbedderFactory.create(cfg);
    // index.enabled=false leaves index maintenance to a `kembed serve` deployment.
    IndexService indexes =
        cfg.getBoolean(KembedConfig.INDEX_ENABLED)
            ? IndexService.open(cfg, embedder.model())
            : null;
    if (indexes != null) {
      indexes.start();
    } else {
      log.info(
          "index.enabled=false: no in-memory indexes here, no query-expansions; run 'kembed serve'"
              + " for /similar and /expand");
    }
    KembedApp app = new KembedApp(cfg, embedder, indexes);
    ApiServer api =
        KembedApi.start(
            cfg,
            app.streams(),
            embedder,
            indexes != null ? indexes : Indexes.none(),
            app.meterRegistry());
    log.info("HTTP API on port {} (/health, /metrics)", api.port());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("Shutdown requested");
                  api.close();
                  app.close(Duration.ofSeconds(shutdownTimeoutSeconds));
                  if (indexes != null) {
                    indexes.close();
                  }
                  embedder.close();
                },
                "kembed-shutdown"));
    app.start();
    app.awaitStop(Duration.ofDays(365_000));
    if (app.state() == KafkaStreams.State.ERROR) {
      log.error("kembed stopped after a fatal error; exiting 1");
      return 1;
    }
    return 0;
  }
}
