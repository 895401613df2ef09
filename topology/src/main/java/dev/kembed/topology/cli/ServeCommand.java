package dev.kembed.topology.cli;

import dev.kembed.inference.Embedder;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.expansion.IndexService;
import dev.kembed.topology.http.ApiServer;
import dev.kembed.topology.http.KembedApi;
import dev.kembed.topology.metrics.ServiceMetrics;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code kembed serve}: the index/serving role as its own deployment. It runs no topology: it keeps
 * the in-memory HNSW indexes fed from {@code content-embeddings} (snapshots under {@code
 * state.dir}, as {@code kembed run} does) and serves {@code /similar}, {@code /expand}, {@code
 * /health} and {@code /metrics}, so that stream processors run with {@code index.enabled=false} and
 * spend their cores on inference. The model is loaded only to embed {@code /expand} queries. Stays
 * up until SIGTERM/SIGINT.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Serve /similar and /expand from in-memory indexes fed by the content-embeddings topic, "
            + "without running the topology (pair with 'kembed run' and index.enabled=false).")
public final class ServeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

  @Mixin ConfigOptions config;

  @Override
  public Integer call() throws Exception {
    KembedConfig cfg = config.load();
    Embedder embedder = EmbedderFactory.create(cfg);
    IndexService indexes = IndexService.open(cfg, embedder.model());
    indexes.start();
    ServiceMetrics metrics = new ServiceMetrics();
    ApiServer api = KembedApi.startServing(cfg, embedder, indexes, metrics.registry());
    log.info(
        "kembed serve: HTTP API on port {} (/similar, /expand, /health, /metrics)", api.port());
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("Shutdown requested");
                  api.close();
                  indexes.close();
                  embedder.close();
                  metrics.close();
                  stop.countDown();
                },
                "kembed-shutdown"));
    stop.await();
    return 0;
  }
}
