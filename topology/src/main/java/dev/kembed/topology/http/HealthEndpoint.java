package dev.kembed.topology.http;

import dev.kembed.topology.expansion.Indexes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Health, in two questions. {@code GET /health/live}: is this process worth keeping? 200 {@code UP}
 * unless Kafka Streams has stopped or failed (ERROR, PENDING_ERROR, NOT_RUNNING, shutting down),
 * which a restart fixes. {@code GET /health/ready} (and {@code /health}, its alias): should it get
 * traffic? 200 {@code UP} only when Streams is RUNNING, the broker answered within the last seconds
 * and every index has caught up; otherwise 503 {@code STARTING} (created, rebalancing, indexes
 * still reading, broker unreachable) or {@code DOWN} (Streams stopped or failed, the index feeder
 * failed). The body always carries the details. Answers come from cached state only.
 */
final class HealthEndpoint implements Endpoint {
  private final Supplier<KafkaStreams.State> streamsState;
  private final Indexes indexes;
  private final BooleanSupplier brokerReachable;
  private final boolean liveness;

  HealthEndpoint(
      Supplier<KafkaStreams.State> streamsState,
      Indexes indexes,
      BooleanSupplier brokerReachable,
      boolean liveness) {
    this.streamsState = streamsState;
    this.indexes = indexes;
    this.brokerReachable = brokerReachable;
    this.liveness = liveness;
  }

  @Override
  public ApiResponse handle(ApiRequest request) {
    KafkaStreams.State state = streamsState.get();
    boolean streamsDown = !state.isRunningOrRebalancing() && state != KafkaStreams.State.CREATED;
    if (liveness) {
      return ApiResponse.json(
          streamsDown ? 503 : 200,
          Json.object("status", streamsDown ? "DOWN" : "UP", "streams", state.name()));
    }
    List<Map<String, Object>> list = new ArrayList<>();
    boolean indexFailed = false;
    for (Indexes.IndexStatus s : indexes.status()) {
      list.add(
          Json.object(
              "name",
              s.name(),
              "model_id",
              s.modelId(),
              "size",
              s.size(),
              "ready",
              s.ready(),
              "failure",
              s.failure()));
      indexFailed |= s.failure() != null;
    }
    boolean broker = brokerReachable.getAsBoolean();
    String status;
    if (indexFailed || streamsDown) {
      status = "DOWN";
    } else if (state == KafkaStreams.State.RUNNING && indexes.ready() && broker) {
      status = "UP";
    } else {
      status = "STARTING";
    }
    return ApiResponse.json(
        "UP".equals(status) ? 200 : 503,
        Json.object(
            "status",
            status,
            "streams",
            state.name(),
            "broker_reachable",
            broker,
            "indexes",
            list));
  }
}
