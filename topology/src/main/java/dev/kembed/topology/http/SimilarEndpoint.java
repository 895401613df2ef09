package dev.kembed.topology.http;

import dev.kembed.state.index.Neighbour;
import dev.kembed.state.index.VectorIndex;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.expansion.IndexService;
import dev.kembed.topology.expansion.Indexes;
import dev.kembed.topology.features.QueryNormalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /similar?id=ENTITY&k=10[&index=posts|queries]}: the entities nearest to one already in
 * an index, excluding itself. The index defaults to {@code posts} when the instance keeps one, else
 * {@code queries}; an id the index does not hold is a 404.
 */
final class SimilarEndpoint implements Endpoint {
  private final Indexes indexes;

  SimilarEndpoint(Indexes indexes) {
    this.indexes = indexes;
  }

  @Override
  public ApiResponse handle(ApiRequest request) {
    String given = request.required("id");
    int k = request.intParam("k", 10, 1, KembedConfig.MAX_NEIGHBOURS);
    String name =
        request
            .params()
            .getOrDefault(
                "index",
                indexes.index(IndexService.POSTS).isPresent()
                    ? IndexService.POSTS
                    : IndexService.QUERIES);
    VectorIndex index =
        indexes
            .index(name)
            .orElseThrow(
                () -> new ApiException(400, "no index named '" + name + "' on this instance"));
    // Queries are indexed by their normalised form; let clients pass what the user typed.
    String id = IndexService.QUERIES.equals(name) ? QueryNormalizer.normalize(given) : given;
    List<Neighbour> found = index.nearest(id, k);
    if (found.isEmpty() && !isSoleItem(index, id)) {
      throw new ApiException(404, "'" + id + "' is not in the " + name + " index");
    }
    List<Map<String, Object>> neighbours = new ArrayList<>();
    for (Neighbour n : found) {
      neighbours.add(Json.object("id", n.id(), "score", n.similarity()));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", id);
    body.put("index", name);
    body.put("model_id", index.modelId());
    body.put("ready", indexes.ready());
    body.put("neighbours", neighbours);
    return ApiResponse.json(200, body);
  }

  // nearest(id, k) is empty both for an unknown id and for the only item of an index; a top-1
  // query with any vector returns that item, which tells the two apart.
  private static boolean isSoleItem(VectorIndex index, String id) {
    if (index.size() != 1) {
      return false;
    }
    float[] probe = new float[index.dimension()];
    probe[0] = 1;
    return index.nearest(probe, 1).stream().anyMatch(n -> n.id().equals(id));
  }
}
