package dev.kembed.topology.processors;

import dev.kembed.schemas.EntityType;
import dev.kembed.schemas.InteractionType;
import dev.kembed.schemas.SimilarityFeatures;
import dev.kembed.schemas.Surface;
import dev.kembed.schemas.UserVector;
import dev.kembed.schemas.VectorKind;
import dev.kembed.schemas.vector.PackedVectors;
import dev.kembed.state.window.AddResult;
import dev.kembed.state.window.KeyValueTileStore;
import dev.kembed.state.window.WindowConfig;
import dev.kembed.state.window.WindowVector;
import dev.kembed.state.window.WindowedVectorAggregator;
import dev.kembed.topology.content.Signals;
import dev.kembed.topology.content.UserVectorOut;
import dev.kembed.topology.content.Vectors;
import dev.kembed.topology.errors.DeadLetter;
import dev.kembed.topology.errors.DlqReason;
import dev.kembed.topology.features.ExposureFeatures;
import dev.kembed.topology.features.InteractionWeights;
import dev.kembed.topology.internal.PartialFeatureRow;
import dev.kembed.topology.internal.UserSignal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.common.utils.Utils;

/**
 * Keyed by user: keeps every user's windowed ENGAGEMENT and SEARCH_INTENT vectors (tiles in
 * RocksDB, through {@link WindowedVectorAggregator}) and emits them to {@code user-vectors}. For an
 * exposure it first computes the viewer-side similarity features from the viewer's vectors as of
 * just before the exposure, and only then applies the exposure itself (point in time). The row then
 * travels to the author's partition for {@code cos_viewer_author} ({@link AuthorFeatureProcessor});
 * a row with no author is complete here. Late, expired and invalid events go to the DLQ.
 *
 * <p>Vectors of different models never mix: the aggregator's kind key includes the model id.
 */
public final class UserVectorProcessor implements Processor<String, UserSignal, String, Object> {

  private final String tileStore;
  private final String emitStore;
  private final WindowConfig windows;
  private final InteractionWeights weights;
  private final double searchWeight;
  private final long emitIntervalMs;
  private final Serde<SimilarityFeatures> rowSerde;
  private ProcessorContext<String, Object> context;
  private WindowedVectorAggregator aggregator;
  private KeyValueStore<String, Long> emitState;

  public UserVectorProcessor(String tileStore, String emitStore, WindowConfig windows, InteractionWeights weights, double searchWeight, long emitIntervalMs, Serde<SimilarityFeatures> rowSerde) {
    this.tileStore = tileStore;
    this.emitStore = emitStore;
    this.windows = windows;
    this.weights = weights;
    this.searchWeight = searchWeight;
    this.emitIntervalMs = emitIntervalMs;
    this.rowSerde = rowSerde;
  }

  /** The aggregator's key for a kind under a model: vectors of two models never share tiles. */
  public static String kindKey(String kind, String modelId) {
    return kind + "|" + modelId;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    KeyValueStore<Bytes, byte[]> tiles = context.getStateStore(tileStore);
    this.aggregator = new WindowedVectorAggregator(new KeyValueTileStore(tiles), windows);
    this.emitState = context.getStateStore(emitStore);
    if (emitIntervalMs > 0) {
      context.schedule(Duration.ofMillis(emitIntervalMs), PunctuationType.STREAM_TIME, this::emitDue);
    }
  }

  @Override
  public void process(Record<String, UserSignal> record) {
    UserSignal s = record.value();
    String user = s.getUserId();
    String kindKey = kindKey(s.getKind(), s.getModelId());
    long t = s.getEventTime();
    if (s.getExposure()) {
      logFeatures(s);
    }
    double w = Signals.SEARCH_INTENT.equals(s.getKind()) ? searchWeight : weights.weight(InteractionType.valueOf(s.getEventType()));
    if (w == 0) {
      return;
    }
    AddResult r = aggregator.add(user, kindKey, t, w, Signals.vector(s));
    switch (r.status()) {
      case APPLIED -> emit(s, r.changed());
      case LATE, EXPIRED -> deadLetter(s, DlqReason.LATE_EVENT, r.reason());
      case INVALID -> deadLetter(s, DlqReason.INVALID_VECTOR, r.reason());
    }
  }

  // Viewer side of the row, from the viewer's vectors as of just before this exposure.
  private void logFeatures(UserSignal s) {
    List<WindowVector> engagement = aggregator.snapshotAt(s.getUserId(), kindKey(Signals.ENGAGEMENT, s.getModelId()), s.getEventTime());
    List<WindowVector> intent = aggregator.snapshotAt(s.getUserId(), kindKey(Signals.SEARCH_INTENT, s.getModelId()), s.getEventTime());
    float[] post = Signals.vector(s);
    Map<String, Double> features = new LinkedHashMap<>();
    Map<String, ByteBuffer> viewerMeans = new HashMap<>();
    for (int i = 0; i < windows.windows().size(); i++) {
      String name = windows.windows().get(i).name();
      double[] viewer = mean(engagement, i);
      features.putAll(ExposureFeatures.viewerSide(name, viewer, mean(intent, i), post));
      if (viewer != null) {
        viewerMeans.put(name, ByteBuffer.wrap(PackedVectors.pack(viewer)));
      }
    }
    SimilarityFeatures row =
        SimilarityFeatures.newBuilder()
            .setViewerId(s.getUserId())
            .setEntityId(s.getTargetId())
            .setEntityType(EntityType.valueOf(s.getTargetType()))
            .setAuthorId(s.getTargetAuthorId())
            .setExposureType(InteractionType.valueOf(s.getEventType()))
            .setSurface(Surface.valueOf(s.getSurface()))
            .setModelId(s.getModelId())
            .setEventTime(Instant.ofEpochMilli(s.getEventTime()))
            .setFeatures(features)
            .build();
    if (s.getTargetAuthorId() == null) {
      for (var w : windows.windows()) {
        var e = ExposureFeatures.viewerAuthor(w.name(), null, null);
        features.put(e.getKey(), e.getValue());
      }
      context.forward(new Record<>(s.getUserId() + "|" + s.getTargetId(), row, s.getEventTime()));
      return;
    }
    byte[] bytes = rowSerde.serializer().serialize("", row);
    context.forward(new Record<>(s.getTargetAuthorId(), PartialFeatureRow.newBuilder().setRow(ByteBuffer.wrap(bytes)).setPackedViewerMeans(viewerMeans).build(), s.getEventTime()));
  }

  private static double[] mean(List<WindowVector> vs, int i) {
    if (vs.size() <= i || vs.get(i).isEmpty() || vs.get(i).totalWeight() == 0) {
      return null;
    }
    WindowVector v = vs.get(i);
    double[] m = v.sum().clone();
    for (int k = 0; k < m.length; k++) {
      m[k] /= v.totalWeight();
    }
    return m;
  }

  private void emit(UserSignal s, List<WindowVector> changed) {
    String user = s.getUserId();
    String key = user + "|" + s.getKind() + "|" + s.getModelId();
    if (emitIntervalMs > 0) {
      Long state = emitState.get(key);
      if (state != null && s.getEventTime() - lastEmit(state) < emitIntervalMs) {
        emitState.put(key, -lastEmit(state) - 1); // negative: changed since the last emit at -v-1
        return;
      }
      emitState.put(key, s.getEventTime());
      changed = aggregator.snapshot(user, kindKey(s.getKind(), s.getModelId()));
    }
    forwardVectors(user, s.getKind(), s.getModelId(), changed);
  }

  private void forwardVectors(String user, String kind, String modelId, List<WindowVector> vs) {
    for (WindowVector v : vs) {
      String key = user + "|" + kind + "|" + v.window();
      float[] unit = v.normalized();
      UserVector out =
          unit == null
              ? null
              : UserVector.newBuilder()
                  .setUserId(user)
                  .setKind(VectorKind.valueOf(kind))
                  .setWindow(v.window())
                  .setModelId(modelId)
                  .setVector(Vectors.toList(unit))
                  .setTotalWeight(v.totalWeight())
                  .setEventCount(v.count())
                  .setAsOf(Instant.ofEpochMilli(v.asOf()))
                  .build();
      context.forward(new Record<>(key, new UserVectorOut(out), Math.max(0, v.asOf())));
    }
  }

  private static long lastEmit(long state) {
    return state < 0 ? -state - 1 : state;
  }

  // Throttled keys whose interval has passed get their current vectors now.
  private void emitDue(long streamTime) {
    List<String> due = new ArrayList<>();
    try (KeyValueIterator<String, Long> it = emitState.all()) {
      it.forEachRemaining(kv -> {
        if (kv.value < 0 && streamTime - lastEmit(kv.value) >= emitIntervalMs) {
          due.add(kv.key);
        }
      });
    }
    for (String key : due) {
      String[] parts = key.split("\\|", 3);
      emitState.put(key, streamTime);
      forwardVectors(parts[0], parts[1], parts[2], aggregator.snapshot(parts[0], kindKey(parts[1], parts[2])));
    }
  }

  private void deadLetter(UserSignal s, DlqReason reason, String message) {
    var headers = DeadLetter.headers(reason, "dev.kembed.state.window.AddResult", message, s.getSourceTopic(), s.getSourcePartition(), s.getSourceOffset());
    byte[] value = s.getSourceValue() == null ? null : Utils.toArray(s.getSourceValue());
    context.forward(new Record<>(s.getUserId(), new DeadLetter(s.getUserId().getBytes(StandardCharsets.UTF_8), value), s.getEventTime(), headers));
  }
}
