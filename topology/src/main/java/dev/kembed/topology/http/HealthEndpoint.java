package dev.kembed.topology.http;

import dev.kembed.topology.expansion.Indexes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * {@code GET /health}: 200 with {@code "status": "UP"} when Kafka Streams is RUNNING and every
 * index has caught up, otherwise 503 with {@code STARTING} (created, rebalancing, indexes still
 * reading) or {@code DOWN} (Streams stopping or failed, or the index feeder failed). The body
 * always carries the details, so a load balancer can use the status code and a human the text.
 */
final class HealthEndpoint implements Endpoint {
  private final Supplier<KafkaStreams.State> streamsState;
  private final Indexes indexes;

  HealthEndpoint(Supplier<KafkaStreams.State> streamsState, Indexes indexes) {
    this.streamsState = streamsState;
    this.indexes = indexes;
  }

  @Override
  public ApiResponse handle(ApiRequest request) {
    KafkaStreams.State state = streamsState.get();
    List<Map<String, Object>> list = new ArrayList<>();
    boolean indexFailed = false;
    for (Indexes.IndexStatus s : indexes.status()) {
      list.add(Json.object("name", s.name(), "model_id", s.modelId(), "size", s.size(), "ready", s.ready(), "failure", s.failure()));
      indexFailed |= s.failure() != null;
    }
    String status;
    if (indexFailed || !state.isRunningOrRebalancing() && state != KafkaStreams.State.CREATED) {
      status = "DOWN";
    } else if (state == KafkaStreams.State.RUNNING && indexes.ready()) {
      status = "UP";
    } else {
      status = "STARTING";
    }
    return ApiResponse.json("UP".equals(status) ? 200 : 503, Json.object("status", status, "streams", state.name(), "indexes", list));
  }
}
