package dev.kembed.topology.http;

import static dev.kembed.topology.config.KembedConfig.*;

import dev.kembed.inference.Embedder;
import dev.kembed.state.window.Resolution;
import dev.kembed.state.window.WindowConfig;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.expansion.Indexes;
import dev.kembed.topology.expansion.QueryExpander;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;

/**
 * kembed's HTTP interactive-query API, assembled: {@code /users/{id}/vectors}, {@code /similar},
 * {@code /expand}, {@code /health/live}, {@code /health/ready} (and {@code /health}, its alias) and
 * {@code /metrics} over a running {@link KafkaStreams}, the instance's {@link Indexes} and its
 * {@link Embedder}. {@link #start(KembedConfig, KafkaStreams, Embedder, Indexes,
 * PrometheusMeterRegistry)} is what {@code kembed run} calls; {@link #start(HttpSettings,
 * Backends)} takes each backend separately, for tests and other hosts.
 */
public final class KembedApi {
  private KembedApi() {}

  /** Everything the endpoints read from. */
  public record Backends(
      UserVectorSource users,
      Indexes indexes,
      Embedder embedder,
      QueryExpander expander,
      Supplier<KafkaStreams.State> streamsState,
      PrometheusMeterRegistry metrics,
      BooleanSupplier brokerReachable) {

    /** Backends with a broker that always counts as reachable (tests, hosts without a probe). */
    public Backends(
        UserVectorSource users,
        Indexes indexes,
        Embedder embedder,
        QueryExpander expander,
        Supplier<KafkaStreams.State> streamsState,
        PrometheusMeterRegistry metrics) {
      this(users, indexes, embedder, expander, streamsState, metrics, () -> true);
    }
  }

  /** Starts the API for a running app; the caller closes the returned server before the streams. */
  public static ApiServer start(
      KembedConfig config,
      KafkaStreams streams,
      Embedder embedder,
      Indexes indexes,
      PrometheusMeterRegistry metrics)
      throws IOException {
    String server = config.streamsProperties().getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG);
    HostInfo self = server == null || server.isBlank() ? null : HostInfo.buildFromEndpoint(server);
    BrokerProbe broker = new BrokerProbe(dev.kembed.topology.config.AdminProps.of(config));
    WindowConfig windows =
        WindowConfig.of(
            config.getList(USER_VECTOR_WINDOWS),
            Resolution.defaults(),
            Duration.ofMillis(config.getLong(USER_VECTOR_LATENESS_MS)));
    Backends backends =
        new Backends(
            new StreamsUserVectorSource(streams, self, windows, embedder.model().id()),
            indexes,
            embedder,
            new QueryExpander(config.getInt(EXPANSION_K), config.getDouble(EXPANSION_MIN_SCORE)),
            streams::state,
            metrics,
            broker);
    ApiServer api;
    try {
      api = start(HttpSettings.from(config), backends);
    } catch (IOException | RuntimeException e) {
      broker.close();
      throw e;
    }
    api.closeWith(broker);
    return api;
  }

  /**
   * The API of a serving-only instance ({@code kembed serve}): /similar, /expand, /health and
   * /metrics over {@code indexes}, no Kafka Streams. {@code /users/{id}/vectors} answers 503 (the
   * user vectors live in the stream processor's state); /health reports the indexes.
   */
  public static ApiServer startServing(
      KembedConfig config, Embedder embedder, Indexes indexes, PrometheusMeterRegistry metrics)
      throws IOException {
    BrokerProbe broker = new BrokerProbe(dev.kembed.topology.config.AdminProps.of(config));
    ApiServer api;
    try {
      api = startServing(config, embedder, indexes, metrics, broker);
    } catch (IOException | RuntimeException e) {
      broker.close();
      throw e;
    }
    api.closeWith(broker);
    return api;
  }

  /**
   * As above, with {@code brokerReachable} deciding the broker part of readiness (tests: always
   * true).
   */
  public static ApiServer startServing(
      KembedConfig config,
      Embedder embedder,
      Indexes indexes,
      PrometheusMeterRegistry metrics,
      BooleanSupplier brokerReachable)
      throws IOException {
    Backends backends =
        new Backends(
            userId ->
                new UserVectorSource.Unavailable(
                    "this is a serving instance (kembed serve); ask a kembed run instance"),
            indexes,
            embedder,
            new QueryExpander(config.getInt(EXPANSION_K), config.getDouble(EXPANSION_MIN_SCORE)),
            () -> KafkaStreams.State.RUNNING,
            metrics,
            brokerReachable);
    return start(HttpSettings.from(config), backends);
  }

  public static ApiServer start(HttpSettings settings, Backends b) throws IOException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Map<Pattern, Endpoint> routes = new LinkedHashMap<>();
    routes.put(UserVectorsEndpoint.PATH, new UserVectorsEndpoint(b.users(), client));
    routes.put(Pattern.compile("/similar"), new SimilarEndpoint(b.indexes()));
    routes.put(
        Pattern.compile("/expand"), new ExpandEndpoint(b.indexes(), b.embedder(), b.expander()));
    // /health is the readiness answer, as it always was (UP only when RUNNING and indexes ready).
    routes.put(
        Pattern.compile("/health|/health/ready"),
        new HealthEndpoint(b.streamsState(), b.indexes(), b.brokerReachable(), false));
    routes.put(
        Pattern.compile("/health/live"),
        new HealthEndpoint(b.streamsState(), b.indexes(), b.brokerReachable(), true));
    routes.put(Pattern.compile("/metrics"), new MetricsEndpoint(b.metrics(), b.indexes()));
    return ApiServer.start(settings, routes);
  }
}
