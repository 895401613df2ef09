package dev.kembed.schemas.serde;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The similarity-feature column names for a set of user-vector windows, in a fixed order: for each
 * window {@code w} (lower case, e.g. {@code p7d}) {@code cos_viewer_post_w}, {@code
 * dot_viewer_post_w}, {@code cos_viewer_author_w}, {@code cos_intent_post_w}; then {@code
 * cos_comment_post}. These are the names kembed writes into the {@code features} map, so the sink
 * shape has one column for each feature it can ever produce.
 */
public final class FeatureColumns {

  private FeatureColumns() {}

  /** Column names for {@code windows} (ISO-8601 durations as configured, e.g. {@code P7D}). */
  public static List<String> of(List<String> windows) {
    List<String> columns = new ArrayList<>();
    for (String window : windows) {
      String w = window.trim().toLowerCase(Locale.ROOT);
      columns.add("cos_viewer_post_" + w);
      columns.add("dot_viewer_post_" + w);
      columns.add("cos_viewer_author_" + w);
      columns.add("cos_intent_post_" + w);
    }
    columns.add("cos_comment_post");
    return Collections.unmodifiableList(columns);
  }
}
