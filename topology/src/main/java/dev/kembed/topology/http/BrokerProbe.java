package dev.kembed.topology.http;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the broker answers, for {@code /health/ready}: a daemon thread asks for the cluster's
 * nodes every {@link #INTERVAL_MS} (timeout {@link #TIMEOUT_MS}) and remembers when it last got an
 * answer; the broker counts as reachable while that answer is younger than {@link #STALE_MS}. A
 * health request only reads that timestamp, so it never waits on the network.
 */
public final class BrokerProbe implements BooleanSupplier, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BrokerProbe.class);
  static final long INTERVAL_MS = 5_000;
  static final int TIMEOUT_MS = 3_000;
  static final long STALE_MS = 15_000;

  private final Admin admin;
  private final ScheduledExecutorService timer;
  private volatile long lastAnswerMs = -1;

  public BrokerProbe(Map<String, Object> adminProps) {
    Map<String, Object> props = new java.util.HashMap<>(adminProps);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
    this.admin = Admin.create(props);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "kembed-broker-probe");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(this::probe, 0, INTERVAL_MS, TimeUnit.MILLISECONDS);
  }

  private void probe() {
    try {
      admin
          .describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS))
          .nodes()
          .get(TIMEOUT_MS + 500L, TimeUnit.MILLISECONDS);
      lastAnswerMs = System.currentTimeMillis();
    } catch (Exception e) {
      log.debug("broker probe failed: {}", e.toString());
    }
  }

  @Override
  public boolean getAsBoolean() {
    long last = lastAnswerMs;
    return last >= 0 && System.currentTimeMillis() - last < STALE_MS;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    admin.close(java.time.Duration.ofSeconds(1));
  }
}
