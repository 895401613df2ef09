package dev.kembed.demo;

import dev.kembed.schemas.CommentEvent;
import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.InteractionEvent;
import dev.kembed.schemas.InteractionType;
import dev.kembed.schemas.PostEvent;
import dev.kembed.schemas.SearchQueryEvent;
import dev.kembed.schemas.SimilarityFeatures;
import dev.kembed.topology.features.QueryNormalizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The demo's online/offline consistency figure, in the spirit of Chronon's: every exposure row the
 * pipeline published is recomputed from the demo's own input events and the published content
 * embeddings, by a plain scan over the events (no tiles, no incremental state, nothing shared with
 * the stream code but the query normalisation that names a query's embedding), and the share of
 * rows with any feature off by more than 1e-9 is reported. Windows follow the documented rule: an
 * event at e counts at t when e &lt; t and its tile (an hour for windows under 12 days, else a day)
 * starts after the tile of t minus the window.
 */
public final class ConsistencyCheck {
  /** What was compared and how many rows differ. */
  public record Result(int rows, int differing, double worstDifference) {
    public double differingShare() {
      return rows == 0 ? 0 : (double) differing / rows;
    }
  }

  private record Write(String user, String kind, long time, double weight, float[] vec) {}

  private static final long HOUR = 3_600_000L;
  private static final long DAY = 24 * HOUR;

  private final List<Write> writes = new ArrayList<>();
  private final Map<String, String> authors = new HashMap<>();
  private final Map<String, float[]> vectors = new HashMap<>();
  private final List<String> windows;

  /**
   * @param events the demo's input records; poisoned ones are ignored
   * @param embeddings the published content embeddings by entity id (queries by normalised text)
   * @param weight the configured weight of an interaction type
   * @param windows the configured windows, ISO-8601
   */
  public ConsistencyCheck(
      List<DemoEvent> events,
      Map<String, ContentEmbedding> embeddings,
      ToDoubleFunction<InteractionType> weight,
      List<String> windows,
      double searchWeight) {
    this.windows = windows;
    // RecordVectors reads either layout (float array, or packed under output.vector.encoding).
    embeddings
        .values()
        .forEach(e -> vectors.put(e.getEntityId(), dev.kembed.schemas.vector.RecordVectors.of(e)));
    for (DemoEvent e : events) {
      if (e.poison() != null || e.value() == null) {
        continue;
      }
      if (e.value() instanceof PostEvent p) {
        authors.put(p.getPostId(), p.getAuthorId());
        add(
            p.getAuthorId(),
            "ENGAGEMENT",
            p.getEventTime().toEpochMilli(),
            weight.applyAsDouble(InteractionType.CREATE),
            p.getPostId());
      } else if (e.value() instanceof CommentEvent c) {
        authors.put(c.getCommentId(), c.getAuthorId());
        add(
            c.getAuthorId(),
            "ENGAGEMENT",
            c.getEventTime().toEpochMilli(),
            weight.applyAsDouble(InteractionType.COMMENT),
            c.getCommentId());
      } else if (e.value() instanceof InteractionEvent i) {
        add(
            i.getUserId(),
            "ENGAGEMENT",
            i.getEventTime().toEpochMilli(),
            weight.applyAsDouble(i.getInteractionType()),
            i.getTargetId());
      } else if (e.value() instanceof SearchQueryEvent q) {
        add(
            q.getUserId(),
            "SEARCH_INTENT",
            q.getEventTime().toEpochMilli(),
            searchWeight,
            QueryNormalizer.normalize(q.getQuery()));
      }
    }
  }

  private void add(String user, String kind, long time, double w, String entity) {
    float[] v = vectors.get(entity);
    if (w > 0 && v != null) {
      writes.add(new Write(user, kind, time, w, v));
    }
  }

  /** Compares every exposure row (rows of other types, e.g. cos_comment_post, are skipped). */
  public Result check(List<SimilarityFeatures> rows, Set<InteractionType> exposureTypes) {
    int n = 0;
    int differing = 0;
    double worst = 0;
    for (SimilarityFeatures row : rows) {
      if (!exposureTypes.contains(row.getExposureType())
          || !vectors.containsKey(row.getEntityId())) {
        continue;
      }
      n++;
      Map<String, Double> want =
          expected(row.getViewerId(), row.getEntityId(), row.getEventTime().toEpochMilli());
      boolean differs = false;
      for (var f : want.entrySet()) {
        Double have = row.getFeatures().get(f.getKey());
        double d =
            f.getValue() == null || have == null
                ? (f.getValue() == have ? 0 : Double.POSITIVE_INFINITY)
                : Math.abs(f.getValue() - have);
        worst = Math.max(worst, d);
        differs |= d > 1e-9;
      }
      differing += differs ? 1 : 0;
    }
    return new Result(n, differing, worst);
  }

  Map<String, Double> expected(String viewer, String entity, long t) {
    float[] x = vectors.get(entity);
    Map<String, Double> f = new HashMap<>();
    for (String w : windows) {
      long length = Duration.parse(w).toMillis();
      long tile = length < 12 * DAY ? HOUR : DAY;
      String l = w.toLowerCase(Locale.ROOT);
      double[] v = mean(viewer, "ENGAGEMENT", t, length, tile);
      double[] a = mean(authors.get(entity), "ENGAGEMENT", t, length, tile);
      double[] intent = mean(viewer, "SEARCH_INTENT", t, length, tile);
      f.put("cos_viewer_post_" + l, cos(v, toDouble(x)));
      f.put("dot_viewer_post_" + l, v == null ? null : dot(v, toDouble(x)));
      f.put("cos_intent_post_" + l, cos(intent, toDouble(x)));
      f.put("cos_viewer_author_" + l, cos(v, a));
    }
    return f;
  }

  private double[] mean(String user, String kind, long t, long length, long tile) {
    if (user == null) {
      return null;
    }
    double[] sum = null;
    double weight = 0;
    for (Write x : writes) {
      if (!x.user().equals(user) || !x.kind().equals(kind) || x.time() >= t) {
        continue;
      }
      if (Math.floorDiv(x.time(), tile) * tile <= Math.floorDiv(t, tile) * tile - length) {
        continue;
      }
      if (sum == null) {
        sum = new double[x.vec().length];
      }
      for (int k = 0; k < sum.length; k++) {
        sum[k] += x.weight() * x.vec()[k];
      }
      weight += x.weight();
    }
    if (sum == null || weight == 0) {
      return null;
    }
    for (int k = 0; k < sum.length; k++) {
      sum[k] /= weight;
    }
    return sum;
  }

  private static double[] toDouble(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static Double cos(double[] a, double[] b) {
    if (a == null || b == null) {
      return null;
    }
    double na = Math.sqrt(dot(a, a));
    double nb = Math.sqrt(dot(b, b));
    return na == 0 || nb == 0 ? null : dot(a, b) / (na * nb);
  }
}
