package dev.kembed.topology.expansion;

import dev.kembed.schemas.QueryExpansion;
import dev.kembed.schemas.QueryNeighbour;
import dev.kembed.state.index.VectorIndex;
import dev.kembed.topology.content.Signals;
import dev.kembed.topology.internal.UserSignal;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each search (a SEARCH_INTENT {@link UserSignal}, already carrying the normalised query and
 * its embedding) into a {@link QueryExpansion} keyed by the normalised query. It reads the
 * instance's in-memory queries index and keeps no state of its own, so a crash or rebalance only
 * re-emits expansions; their neighbours depend on what the index held at that moment, which is why
 * a replay does not reproduce them bit for bit. A search embedded with another model than the
 * index's gets an expansion with no neighbours rather than neighbours from another space.
 */
final class QueryExpansionProcessor
    implements Processor<String, UserSignal, String, QueryExpansion> {
  private static final Logger log = LoggerFactory.getLogger(QueryExpansionProcessor.class);

  private final Supplier<VectorIndex> index;
  private final QueryExpander expander;
  private ProcessorContext<String, QueryExpansion> context;

  QueryExpansionProcessor(Supplier<VectorIndex> index, QueryExpander expander) {
    this.index = index;
    this.expander = expander;
  }

  @Override
  public void init(ProcessorContext<String, QueryExpansion> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, UserSignal> record) {
    UserSignal s = record.value();
    if (s == null || s.getTargetId() == null) {
      return;
    }
    VectorIndex queries = index.get();
    List<QueryNeighbour> neighbours;
    if (!queries.modelId().equals(s.getModelId())) {
      log.warn(
          "search '{}' embedded by model {} but the queries index holds {}: no neighbours",
          s.getTargetId(),
          s.getModelId(),
          queries.modelId());
      neighbours = List.of();
    } else {
      neighbours = expander.expand(s.getTargetId(), Signals.vector(s), queries);
    }
    QueryExpansion out =
        QueryExpansion.newBuilder()
            .setQuery(s.getTargetId())
            .setUserId(s.getUserId())
            .setModelId(s.getModelId())
            .setNeighbours(neighbours)
            .setEventTime(Instant.ofEpochMilli(s.getEventTime()))
            .build();
    context.forward(record.withKey(s.getTargetId()).withValue(out));
  }
}
