package dev.kembed.topology.expansion;

import dev.kembed.schemas.QueryNeighbour;
import dev.kembed.state.index.Neighbour;
import dev.kembed.state.index.VectorIndex;
import dev.kembed.topology.features.QueryNormalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the past queries worth offering as expansions of a query: the {@code k} nearest in the
 * queries index with cosine similarity at least {@code minScore}, best first, never the query
 * itself nor a trivial variant of it. A variant is a neighbour with the same normalised form, or
 * the same form once spaces are removed ("for sale" / "forsale"): offering it would only echo the
 * query. The index may hold the query itself and a few variants, so it is asked for more than k and
 * asked again with a larger k while exclusions leave the answer short.
 */
public final class QueryExpander {
  /** Extra neighbours requested up front to make room for the query and its variants. */
  static final int SLACK = 4;

  private final int k;
  private final double minScore;

  public QueryExpander(int k, double minScore) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, was " + k);
    }
    this.k = k;
    this.minScore = minScore;
  }

  public int k() {
    return k;
  }

  /** Neighbours of {@code normalisedQuery}, whose embedding is {@code vector}, in {@code index}. */
  public List<QueryNeighbour> expand(String normalisedQuery, float[] vector, VectorIndex index) {
    return expand(normalisedQuery, vector, index, k);
  }

  /** As {@link #expand(String, float[], VectorIndex)} with another k (the HTTP API's parameter). */
  public List<QueryNeighbour> expand(
      String normalisedQuery, float[] vector, VectorIndex index, int k) {
    String self = QueryNormalizer.normalize(normalisedQuery);
    String selfCompact = compact(self);
    int ask = k + SLACK;
    while (true) {
      List<Neighbour> found = index.nearest(vector, ask);
      List<QueryNeighbour> out = new ArrayList<>(k);
      for (Neighbour n : found) {
        if (n.similarity() < minScore) {
          break; // best first: nothing after this one qualifies either
        }
        String other = QueryNormalizer.normalize(n.id());
        if (other.equals(self) || compact(other).equals(selfCompact)) {
          continue;
        }
        out.add(new QueryNeighbour(n.id(), n.similarity()));
        if (out.size() == k) {
          return out;
        }
      }
      // Short only because exclusions ate the answer and the index has more to give.
      boolean exhausted = found.size() < ask || found.get(found.size() - 1).similarity() < minScore;
      if (exhausted || ask >= index.size()) {
        return out;
      }
      ask = Math.min(ask * 2, index.size());
    }
  }

  private static String compact(String normalised) {
    return normalised.replace(" ", "");
  }
}
