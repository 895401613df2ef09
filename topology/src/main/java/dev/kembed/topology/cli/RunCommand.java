package dev.kembed.topology.cli;

import dev.kembed.inference.Embedder;
import dev.kembed.topology.config.KembedConfig;
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
 * model once, starts the topology and a health endpoint, and stays up until SIGTERM/SIGINT, when a
 * shutdown hook closes Kafka Streams (committing the open transaction) before the JVM exits. Exits
 * 1 if the instance fails, so an orchestrator restarts it.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run the kembed topology against a Kafka cluster until stopped (SIGTERM).")
public final class RunCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  @Mixin ConfigOptions config;

  @Option(names = "--health-port", paramLabel = "PORT", defaultValue = "8080", description = "Port of /health, /ready and /metrics; 0 picks a free port, -1 disables. Default: ${DEFAULT-VALUE}.")
  int healthPort;

  @Option(names = "--health-host", paramLabel = "HOST", defaultValue = "0.0.0.0", description = "Address the health endpoint binds to. Default: ${DEFAULT-VALUE}.")
  String healthHost;

  @Option(names = "--shutdown-timeout", paramLabel = "SECONDS", defaultValue = "30", description = "How long a shutdown may take to commit and close. Default: ${DEFAULT-VALUE}.")
  long shutdownTimeoutSeconds;

  @Override
  public Integer call() throws Exception {
    KembedConfig cfg = config.load();
    try (Admin admin = Admin.create(AdminProps.of(cfg))) {
      TopicCreator.ensure(admin, cfg);
    }
    Embedder embedder = EmbedderFactory.create(cfg);
    KembedApp app = new KembedApp(cfg, embedder);
    HealthServer health = healthPort >= 0 ? HealthServer.start(healthHost, healthPort, app.streams()) : null;
    Thread hook =
        new Thread(
            () -> {
              log.info("Shutdown requested");
              app.close(Duration.ofSeconds(shutdownTimeoutSeconds));
              embedder.close();
              if (health != null) {
                health.close();
              }
            },
            "kembed-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    app.start();
    app.awaitStop(Duration.ofDays(365_000));
    if (app.state() == KafkaStreams.State.ERROR) {
      log.error("kembed stopped after a fatal error; exiting 1");
      return 1;
    }
    return 0;
  }
}
