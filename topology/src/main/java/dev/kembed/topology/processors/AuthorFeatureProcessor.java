package dev.kembed.topology.processors;

import dev.kembed.schemas.SimilarityFeatures;
import dev.kembed.schemas.vector.PackedVectors;
import dev.kembed.state.window.KeyValueTileStore;
import dev.kembed.state.window.WindowConfig;
import dev.kembed.state.window.WindowVector;
import dev.kembed.state.window.WindowedVectorAggregator;
import dev.kembed.topology.content.Signals;
import dev.kembed.topology.features.ExposureFeatures;
import dev.kembed.topology.internal.PartialFeatureRow;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.common.utils.Utils;

/**
 * Completes a similarity-feature row on the author's partition: {@code cos_viewer_author_<w>},
 * the cosine between the viewer's engagement vector (carried in the row) and the author's, read
 * from the same tile store the {@link UserVectorProcessor} writes, as of the exposure time. (When
 * the author's own events have run ahead of the exposure the read is at the author's latest
 * as-of; see docs/user-vectors.md.)
 */
public final class AuthorFeatureProcessor implements Processor<String, PartialFeatureRow, String, SimilarityFeatures> {
  private final String tileStore;
  private final WindowConfig windows;
  private final Serde<SimilarityFeatures> rowSerde;
  private ProcessorContext<String, SimilarityFeatures> context;
  private WindowedVectorAggregator aggregator;

  public AuthorFeatureProcessor(String tileStore, WindowConfig windows, Serde<SimilarityFeatures> rowSerde) {
    this.tileStore = tileStore;
    this.windows = windows;
    this.rowSerde = rowSerde;
  }

  @Override
  public void init(ProcessorContext<String, SimilarityFeatures> context) {
    this.context = context;
    KeyValueStore<Bytes, byte[]> tiles = context.getStateStore(tileStore);
    this.aggregator = new WindowedVectorAggregator(new KeyValueTileStore(tiles), windows);
  }

  @Override
  public void process(Record<String, PartialFeatureRow> record) {
    String author = record.key();
    PartialFeatureRow partial = record.value();
    SimilarityFeatures row = rowSerde.deserializer().deserialize("", Utils.toArray(partial.getRow()));
    List<WindowVector> authorVectors = aggregator.snapshotAt(author, UserVectorProcessor.kindKey(Signals.ENGAGEMENT, row.getModelId()), row.getEventTime().toEpochMilli());
    Map<String, Double> features = new HashMap<>(row.getFeatures());
    for (int i = 0; i < windows.windows().size(); i++) {
      String name = windows.windows().get(i).name();
      double[] viewer = viewerMean(partial, name);
      WindowVector a = i < authorVectors.size() ? authorVectors.get(i) : null;
      double[] authorSum = a == null || a.isEmpty() ? null : a.sum();
      var f = ExposureFeatures.viewerAuthor(name, viewer, authorSum);
      features.put(f.getKey(), f.getValue());
    }
    row.setFeatures(features);
    context.forward(new Record<>(row.getViewerId() + "|" + row.getEntityId(), row, record.timestamp()));
  }

  /** The viewer's mean for a window: packed, or boxed in a record written before packing. */
  static double[] viewerMean(PartialFeatureRow partial, String window) {
    ByteBuffer packed = partial.getPackedViewerMeans().get(window);
    if (packed != null) {
      return PackedVectors.unpackDoubles(packed);
    }
    List<Double> boxed = partial.getViewerMeans().get(window);
    return boxed == null ? null : boxed.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
