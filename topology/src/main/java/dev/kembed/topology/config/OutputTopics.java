package dev.kembed.topology.config;

import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.IndexUpdate;
import dev.kembed.schemas.QueryExpansion;
import dev.kembed.schemas.SimilarityFeatures;
import dev.kembed.schemas.UserVector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * kembed's record-carrying output topics and the record type of each, by config key (the DLQ
 * carries records as received and is not listed). Used wherever every output must be handled alike:
 * registry subjects, the CLI.
 */
public final class OutputTopics {

  private OutputTopics() {}

  /** Config key of each output topic to the record type its values hold, in contract order. */
  public static Map<String, Class<? extends SpecificRecord>> byConfigKey() {
    Map<String, Class<? extends SpecificRecord>> out = new LinkedHashMap<>();
    out.put(KembedConfig.TOPIC_CONTENT_EMBEDDINGS, ContentEmbedding.class);
    out.put(KembedConfig.TOPIC_USER_VECTORS, UserVector.class);
    out.put(KembedConfig.TOPIC_SIMILARITY_FEATURES, SimilarityFeatures.class);
    out.put(KembedConfig.TOPIC_INDEX_UPDATES, IndexUpdate.class);
    out.put(KembedConfig.TOPIC_QUERY_EXPANSIONS, QueryExpansion.class);
    return out;
  }
}
