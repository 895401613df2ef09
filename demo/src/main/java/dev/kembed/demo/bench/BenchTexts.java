package dev.kembed.demo.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded neighbourhood posts for {@code kembed bench}: a subject of 2–5 words and a body of 8–60
 * words drawn from a few topical vocabularies, so lengths and token counts resemble the posts the
 * issue measured. The same seed gives the same texts, so two runs embed the same work.
 */
public final class BenchTexts {
  private static final String[][] TOPICS = {
    {
      "lost",
      "dog",
      "cat",
      "found",
      "near",
      "park",
      "collar",
      "brown",
      "friendly",
      "missing",
      "please",
      "call",
      "reward",
      "vet",
      "leash",
      "garden"
    },
    {
      "selling", "bike", "couch", "table", "free", "pickup", "cheap", "chairs", "lamp", "barely",
      "used", "offer", "garage", "sale", "tools", "books"
    },
    {
      "school",
      "bus",
      "stop",
      "children",
      "crossing",
      "traffic",
      "speed",
      "road",
      "repair",
      "council",
      "meeting",
      "parking",
      "street",
      "lights",
      "safety",
      "morning"
    },
    {
      "bakery",
      "corner",
      "opening",
      "hours",
      "bread",
      "coffee",
      "market",
      "saturday",
      "fresh",
      "vegetables",
      "cheese",
      "local",
      "farmers",
      "stall",
      "new",
      "menu"
    },
    {
      "plumber",
      "recommend",
      "electrician",
      "roof",
      "leak",
      "builder",
      "quote",
      "garden",
      "fence",
      "painter",
      "reliable",
      "handyman",
      "heating",
      "boiler",
      "window",
      "cleaner"
    },
  };
  private static final String[] GLUE = {
    "the", "a", "on", "at", "for", "and", "with", "in", "our", "this", "is", "near", "by", "to"
  };

  private BenchTexts() {}

  /** One generated post. */
  public record Post(String id, String author, String subject, String body, int topic) {}

  public static List<Post> posts(long seed, int n) {
    Random r = new Random(seed);
    List<Post> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int topic = r.nextInt(TOPICS.length);
      out.add(
          new Post(
              "bench-post-" + i,
              "author-" + r.nextInt(200),
              words(r, topic, 2 + r.nextInt(4)),
              words(r, topic, 8 + r.nextInt(53)) + " #" + i,
              topic));
    }
    return out;
  }

  private static String words(Random r, int topic, int count) {
    StringBuilder b = new StringBuilder();
    for (int w = 0; w < count; w++) {
      if (w > 0) {
        b.append(' ');
      }
      b.append(
          r.nextInt(3) == 0
              ? GLUE[r.nextInt(GLUE.length)]
              : TOPICS[topic][r.nextInt(TOPICS[topic].length)]);
    }
    return b.toString();
  }
}
