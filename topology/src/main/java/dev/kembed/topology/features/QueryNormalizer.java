package dev.kembed.topology.features;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The canonical form of a search query: NFKC, lower case, punctuation to spaces, whitespace
 * collapsed. Queries that differ only in these ways ("Free Sofa!", "free sofa") are one query:
 * embedded once, cached once, and never offered as each other's expansion.
 */
public final class QueryNormalizer {
  private static final Pattern PUNCTUATION =
      Pattern.compile("[\\p{Punct}\\p{IsPunctuation}\\p{S}&&[^#+&@$%]]");
  private static final Pattern INVISIBLE = Pattern.compile("[\\p{Cc}\\p{Cf}]");
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private QueryNormalizer() {}

  public static String normalize(String raw) {
    if (raw == null) {
      return "";
    }
    String s = Normalizer.normalize(raw, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    s = INVISIBLE.matcher(s).replaceAll(" ");
    // Apostrophes join ("don't" -> "dont") rather than split, so "plumber's" stays one word.
    s = s.replace("'", "").replace("\u2019", "");
    s = PUNCTUATION.matcher(s).replaceAll(" ");
    return WHITESPACE.matcher(s).replaceAll(" ").strip();
  }
}
