package dev.kembed.topology.expansion;

import static dev.kembed.topology.config.KembedConfig.*;

import dev.kembed.schemas.QueryExpansion;
import dev.kembed.schemas.serde.OutputSerdes;
import dev.kembed.state.index.VectorIndex;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.internal.UserSignal;
import java.util.function.Supplier;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The query-expansion branch of the topology: search signals in, {@code query-expansions} out,
 * through one stateless processor named {@value #PROCESSOR} that reads the instance's queries
 * index. Attached by {@code KembedTopology} when the app runs with an {@link IndexService} and
 * {@code expansion.enabled} is true.
 */
public final class QueryExpansions {
  public static final String PROCESSOR = "query-expansion";

  private QueryExpansions() {}

  /**
   * Adds the branch to the topology of {@code searchSignals}; does nothing when expansion is
   * disabled.
   */
  public static void attach(
      KStream<String, UserSignal> searchSignals,
      KembedConfig config,
      Supplier<VectorIndex> queriesIndex) {
    if (!config.getBoolean(EXPANSION_ENABLED)) {
      return;
    }
    OutputSerdes outputs = new OutputSerdes(config.outputSettings());
    String topic = config.topic(TOPIC_QUERY_EXPANSIONS);
    QueryExpander expander =
        new QueryExpander(config.getInt(EXPANSION_K), config.getDouble(EXPANSION_MIN_SCORE));
    searchSignals
        .process(() -> new QueryExpansionProcessor(queriesIndex, expander), Named.as(PROCESSOR))
        .to(
            config.topic(TOPIC_QUERY_EXPANSIONS),
            Produced.with(
                    outputs.key(QueryExpansion.class, topic),
                    outputs.value(QueryExpansion.class, topic))
                .withName("query-expansions-sink"));
  }
}
