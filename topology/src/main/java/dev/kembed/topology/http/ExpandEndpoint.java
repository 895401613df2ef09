package dev.kembed.topology.http;

import dev.kembed.inference.Embedder;
import dev.kembed.schemas.QueryNeighbour;
import dev.kembed.state.index.VectorIndex;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.expansion.IndexService;
import dev.kembed.topology.expansion.Indexes;
import dev.kembed.topology.expansion.QueryExpander;
import dev.kembed.topology.features.QueryNormalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /expand?q=TEXT&k=10}: normalises and embeds the text on the fly and answers its
 * nearest past queries from the queries index, with the same exclusions and minimum score as the
 * streamed {@code query-expansions} (the text need not have been searched before).
 */
final class ExpandEndpoint implements Endpoint {
  /** Longer text is rejected before it reaches the model; a search box never sends this much. */
  static final int MAX_QUERY_CHARS = 1_000;

  private final Indexes indexes;
  private final Embedder embedder;
  private final QueryExpander expander;

  ExpandEndpoint(Indexes indexes, Embedder embedder, QueryExpander expander) {
    this.indexes = indexes;
    this.embedder = embedder;
    this.expander = expander;
  }

  @Override
  public ApiResponse handle(ApiRequest request) {
    String raw = request.required("q");
    if (raw.length() > MAX_QUERY_CHARS) {
      throw new ApiException(
          400, "query parameter 'q' is longer than " + MAX_QUERY_CHARS + " characters");
    }
    int k = request.intParam("k", expander.k(), 1, KembedConfig.MAX_NEIGHBOURS);
    String query = QueryNormalizer.normalize(raw);
    if (query.isEmpty()) {
      throw new ApiException(400, "query parameter 'q' is empty once normalised");
    }
    VectorIndex index =
        indexes
            .index(IndexService.QUERIES)
            .orElseThrow(() -> new ApiException(503, "this instance keeps no queries index"));
    List<Map<String, Object>> neighbours = new ArrayList<>();
    for (QueryNeighbour n : expander.expand(query, embedder.embed(query), index, k)) {
      neighbours.add(Json.object("query", n.getQuery(), "score", n.getScore()));
    }
    return ApiResponse.json(
        200,
        Json.object(
            "query",
            query,
            "model_id",
            index.modelId(),
            "ready",
            indexes.ready(),
            "neighbours",
            neighbours));
  }
}
