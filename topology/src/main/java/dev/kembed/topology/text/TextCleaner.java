package dev.kembed.topology.text;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns raw user text into the canonical string that is embedded and hashed: Unicode NFKC (so
 * full-width letters, ligatures and compatibility forms embed like their plain forms), control and
 * invisible format characters removed, every run of whitespace collapsed to one space, and URLs
 * kept, masked or reduced to their host. The same input always gives the same output, which is what
 * makes the content hash (and with it "do not re-embed unchanged text") reliable.
 */
public final class TextCleaner {

  /** What happens to URLs inside the text. */
  public enum UrlMode {
    /** URLs stay as written. */
    KEEP,
    /** Each URL becomes the token {@code [link]}: links carry little meaning for the model. */
    MASK,
    /**
     * Each URL becomes its host name, e.g. {@code craigslist.org}, which often does carry meaning.
     */
    DOMAIN;

    public static UrlMode parse(String s) {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
  }

  private static final Pattern URL = Pattern.compile("(?i)\\b(?:https?://|www\\.)[^\\s<>\"]+");
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private final UrlMode urlMode;

  public TextCleaner(UrlMode urlMode) {
    this.urlMode = urlMode;
  }

  /** Cleans one piece of text; null gives the empty string. */
  public String clean(String raw) {
    if (raw == null || raw.isEmpty()) {
      return "";
    }
    String s = Normalizer.normalize(raw, Normalizer.Form.NFKC);
    s = stripControlAndFormat(s);
    s = rewriteUrls(s);
    return WHITESPACE.matcher(s).replaceAll(" ").strip();
  }

  /**
   * The text of a post: subject and body joined so the subject, often the most telling part ("Lost
   * dog near the park"), is never dropped and comes first (truncation cuts the tail).
   */
  public String post(String subject, String body) {
    String s = clean(subject);
    String b = clean(body);
    if (s.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return s;
    }
    char last = s.charAt(s.length() - 1);
    String sep = (last == '.' || last == '!' || last == '?' || last == ':') ? " " : ". ";
    return s + sep + b;
  }

  private static String stripControlAndFormat(String s) {
    StringBuilder out = new StringBuilder(s.length());
    s.codePoints()
        .forEach(
            cp -> {
              int type = Character.getType(cp);
              if (Character.isWhitespace(cp)) {
                out.append(' ');
              } else if (type == Character.CONTROL) {
                out.append(' '); // a control char often separates words; a space keeps them apart
              } else if (type == Character.FORMAT && cp != 0x200D) {
                // zero-width spaces, BOMs, bidi marks: invisible, drop. Keep ZWJ, which joins
                // emoji.
              } else if (type == Character.UNASSIGNED || type == Character.SURROGATE) {
                // lone surrogates and unassigned code points cannot mean anything to the tokenizer
              } else {
                out.appendCodePoint(cp);
              }
            });
    return out.toString();
  }

  private String rewriteUrls(String s) {
    if (urlMode == UrlMode.KEEP) {
      return s;
    }
    Matcher m = URL.matcher(s);
    StringBuilder out = new StringBuilder(s.length());
    while (m.find()) {
      String replacement = urlMode == UrlMode.MASK ? "[link]" : host(m.group());
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  static String host(String url) {
    String u = url.replaceFirst("(?i)^https?://", "");
    int end = u.length();
    for (char c : new char[] {'/', '?', '#', ':'}) {
      int i = u.indexOf(c);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    String host = u.substring(0, end).toLowerCase(Locale.ROOT);
    return host.startsWith("www.") ? host.substring(4) : host;
  }
}
