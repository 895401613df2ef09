package dev.kembed.topology.http;

import dev.kembed.state.window.DerivedWindowSums;
import dev.kembed.state.window.KeyValueTileStore;
import dev.kembed.state.window.TileStore;
import dev.kembed.state.window.WindowConfig;
import dev.kembed.state.window.WindowVector;
import dev.kembed.state.window.WindowedVectorAggregator;
import dev.kembed.topology.KembedTopology;
import dev.kembed.topology.content.Signals;
import dev.kembed.topology.processors.UserVectorProcessor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads a user's windows from the running app with Kafka Streams interactive queries. The tile
 * store's partitions follow the {@code *-signals-by-user} topics, keyed by the user id string, so
 * {@link KafkaStreams#queryMetadataForKey} with a string serializer names the owning instance; when
 * that is this instance, the user's partition of the store is read through {@link
 * KeyValueTileStore#readOnly} and the same {@link WindowedVectorAggregator} the stream thread uses.
 * With no {@code application.server} configured the app is taken to be a single instance and every
 * lookup is local.
 */
public final class StreamsUserVectorSource implements UserVectorSource {
  private static final List<String> KINDS = List.of(Signals.ENGAGEMENT, Signals.SEARCH_INTENT);

  private final KafkaStreams streams;
  private final HostInfo self;
  private final WindowConfig windows;
  private final String modelId;

  /** {@code self} is this instance's {@code application.server}, or null when none is set. */
  public StreamsUserVectorSource(
      KafkaStreams streams, HostInfo self, WindowConfig windows, String modelId) {
    this.streams = streams;
    this.self = self;
    this.windows = windows;
    this.modelId = modelId;
  }

  @Override
  public Lookup find(String userId) {
    StoreQueryParameters<ReadOnlyKeyValueStore<Bytes, byte[]>> params =
        StoreQueryParameters.fromNameAndType(
            KembedTopology.USER_TILE_STORE, QueryableStoreTypes.keyValueStore());
    if (self != null) {
      KeyQueryMetadata owner =
          streams.queryMetadataForKey(
              KembedTopology.USER_TILE_STORE, userId, Serdes.String().serializer());
      if (owner == null || owner == KeyQueryMetadata.NOT_AVAILABLE || owner.activeHost() == null) {
        return new Unavailable("ownership of the user's partition is not known yet (rebalancing)");
      }
      if (!owner.activeHost().equals(self)) {
        return new Elsewhere(owner.activeHost().host(), owner.activeHost().port());
      }
      params = params.withPartition(owner.partition());
    }
    try {
      return read(streams.store(params), userId, windows, modelId);
    } catch (InvalidStateStoreException e) {
      return new Unavailable("the user-vector store is not queryable now: " + e.getMessage());
    }
  }

  /** The user's windows in {@code store} (the tile store, or one partition of it). */
  static Lookup read(
      ReadOnlyKeyValueStore<Bytes, byte[]> store,
      String userId,
      WindowConfig windows,
      String modelId) {
    // Window sums are not stored (DerivedWindowSums): a query sums the window's tiles.
    TileStore tiles = new DerivedWindowSums(KeyValueTileStore.readOnly(store), windows, 0);
    WindowedVectorAggregator aggregator = new WindowedVectorAggregator(tiles, windows);
    Map<String, List<WindowVector>> byKind = new LinkedHashMap<>();
    for (String kind : KINDS) {
      String key = UserVectorProcessor.kindKey(kind, modelId);
      if (tiles.getMeta(userId, key) != null) {
        byKind.put(kind, aggregator.snapshot(userId, key));
      }
    }
    return byKind.isEmpty() ? new NotFound() : new Found(modelId, byKind);
  }
}
