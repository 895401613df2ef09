package dev.kembed.topology.features;

import dev.kembed.state.VectorMath;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The similarity features logged for one exposure (a user shown a post), per window:
 *
 * <ul>
 *   <li>{@code cos_viewer_post_<w>}: cosine between the viewer's engagement vector and the post;
 *   <li>{@code dot_viewer_post_<w>}: dot product between the viewer's weighted-mean engagement
 *       vector (not normalised: its length, at most 1, says how focused the interests are) and the
 *       unit post vector;
 *   <li>{@code cos_viewer_author_<w>}: cosine between the viewer's and the author's engagement
 *       vectors;
 *   <li>{@code cos_intent_post_<w>}: cosine between the viewer's search-intent vector and the post.
 * </ul>
 *
 * A missing input (no history in that window, no post vector) gives null, never 0 or NaN: a ranker
 * must be able to tell "unrelated" from "unknown". {@code <w>} is the window in lower case, e.g.
 * {@code p7d}.
 */
public final class ExposureFeatures {
  private ExposureFeatures() {}

  /** Window label used in feature names: {@code P7D} gives {@code p7d}. */
  public static String label(String window) {
    return window.toLowerCase(Locale.ROOT);
  }

  /**
   * The viewer-side features of one window: cos and dot to the post and cos of intent to the post.
   *
   * @param viewerMean viewer's weighted-mean engagement vector (sum / total weight), or null
   * @param intentMean viewer's weighted-mean search-intent vector, or null
   * @param post the post's unit embedding, or null
   */
  public static Map<String, Double> viewerSide(
      String window, double[] viewerMean, double[] intentMean, float[] post) {
    String w = label(window);
    Map<String, Double> f = new LinkedHashMap<>();
    f.put("cos_viewer_post_" + w, cos(viewerMean, post));
    f.put(
        "dot_viewer_post_" + w,
        viewerMean == null || post == null ? null : finite(VectorMath.dot(viewerMean, post)));
    f.put("cos_intent_post_" + w, cos(intentMean, post));
    return f;
  }

  /** {@code cos_viewer_author_<w>}, null when either side has no vector in that window. */
  public static Map.Entry<String, Double> viewerAuthor(
      String window, double[] viewerMean, double[] authorMean) {
    Double v =
        viewerMean == null || authorMean == null
            ? null
            : finite(VectorMath.cosine(viewerMean, authorMean));
    return new java.util.AbstractMap.SimpleImmutableEntry<>(
        "cos_viewer_author_" + label(window), v);
  }

  private static Double cos(double[] a, float[] b) {
    return a == null || b == null ? null : finite(VectorMath.cosine(a, b));
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
