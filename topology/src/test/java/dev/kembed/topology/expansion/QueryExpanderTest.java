package dev.kembed.topology.expansion;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kembed.schemas.QueryNeighbour;
import dev.kembed.state.index.ExactIndex;
import dev.kembed.state.index.Neighbour;
import dev.kembed.state.index.VectorIndex;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exclusions, minimum score and k of query expansion, on a hand-built 2-d index. */
class QueryExpanderTest {

  /** A unit vector at {@code degrees} from the x axis: cosine between two is cos(difference). */
  private static float[] at(double degrees) {
    double r = Math.toRadians(degrees);
    return new float[] {(float) Math.cos(r), (float) Math.sin(r)};
  }

  private static ExactIndex index(Object... idsAndDegrees) {
    ExactIndex index = new ExactIndex("m", 2);
    for (int i = 0; i < idsAndDegrees.length; i += 2) {
      index.upsert((String) idsAndDegrees[i], at(((Number) idsAndDegrees[i + 1]).doubleValue()));
    }
    return index;
  }

  private static List<String> queries(List<QueryNeighbour> ns) {
    return ns.stream().map(QueryNeighbour::getQuery).toList();
  }

  @Test
  void bestFirstWithCosineScoresAndAtMostK() {
    ExactIndex index = index("for sale", 0, "sofa for sale", 10, "cheap sofa", 30, "plumber", 80);
    List<QueryNeighbour> out = new QueryExpander(2, 0.5).expand("sale", at(0), index);
    assertEquals(List.of("for sale", "sofa for sale"), queries(out));
    assertEquals(1.0, out.get(0).getScore(), 1e-6);
    assertEquals(Math.cos(Math.toRadians(10)), out.get(1).getScore(), 1e-6);
  }

  @Test
  void minScoreCutsOffFarNeighbours() {
    ExactIndex index = index("a", 0, "b", 59, "c", 61, "d", 120);
    // cos 59° = 0.515, cos 61° = 0.485: only a and b clear 0.5.
    assertEquals(List.of("a", "b"), queries(new QueryExpander(10, 0.5).expand("q", at(0), index)));
    assertEquals(
        List.of("a", "b", "c", "d"), queries(new QueryExpander(10, -1).expand("q", at(0), index)));
  }

  @Test
  void theQueryItselfAndItsTrivialVariantsAreNeverOffered() {
    ExactIndex index =
        index("for sale", 0, "forsale", 1, "for  sale", 2, "for sale now", 5, "sale", 20);
    List<QueryNeighbour> out = new QueryExpander(10, 0.5).expand("for sale", at(0), index);
    assertEquals(List.of("for sale now", "sale"), queries(out));
    // The caller's form need not be normalised; variants are judged on the normalised form.
    assertEquals(
        List.of("for sale now", "sale"),
        queries(new QueryExpander(10, 0.5).expand("For Sale!", at(0), index)));
  }

  @Test
  void asksAgainWhenExclusionsLeaveTheAnswerShort() {
    // Eight variants of the query sit nearer than any real neighbour; k=2 plus the slack of 4
    // would see only variants on the first ask.
    List<Object> spec = new ArrayList<>();
    String[] variants = {
      "for sale",
      "forsale",
      "For Sale",
      "for-sale",
      "FOR SALE!",
      "for sale.",
      "for_sale",
      "for sale?"
    };
    for (int i = 0; i < variants.length; i++) {
      spec.add(variants[i]);
      spec.add(i * 0.1);
    }
    spec.addAll(List.of("garage sale", 10, "yard sale", 12, "plumber", 85));
    ExactIndex index = index(spec.toArray());
    CountingIndex counting = new CountingIndex(index);
    List<QueryNeighbour> out = new QueryExpander(2, 0.5).expand("for sale", at(0), counting);
    assertEquals(List.of("garage sale", "yard sale"), queries(out));
    assertEquals(
        List.of(6, 11), counting.asked, "6 = k + slack, then doubled up to the index size");
  }

  @Test
  void emptyOrTinyIndexAnswersWhatItHas() {
    assertEquals(List.of(), new QueryExpander(10, 0.5).expand("x", at(0), new ExactIndex("m", 2)));
    assertEquals(List.of(), new QueryExpander(10, 0.5).expand("x", at(0), index("x", 0)));
    assertEquals(
        List.of("y"),
        queries(new QueryExpander(10, 0.5).expand("x", at(0), index("x", 0, "y", 1))));
  }

  /** Records the k of every top-k query it passes on. */
  private static final class CountingIndex implements VectorIndex {
    final List<Integer> asked = new ArrayList<>();
    private final VectorIndex delegate;

    CountingIndex(VectorIndex delegate) {
      this.delegate = delegate;
    }

    @Override
    public List<Neighbour> nearest(float[] query, int k) {
      asked.add(k);
      return delegate.nearest(query, k);
    }

    @Override
    public void upsert(String id, float[] vector) {
      delegate.upsert(id, vector);
    }

    @Override
    public boolean remove(String id) {
      return delegate.remove(id);
    }

    @Override
    public List<Neighbour> nearest(String id, int k) {
      return delegate.nearest(id, k);
    }

    @Override
    public int size() {
      return delegate.size();
    }

    @Override
    public String modelId() {
      return delegate.modelId();
    }

    @Override
    public int dimension() {
      return delegate.dimension();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
