package dev.kembed.demo;

import dev.kembed.schemas.CommentEvent;
import dev.kembed.schemas.EntityType;
import dev.kembed.schemas.InteractionEvent;
import dev.kembed.schemas.InteractionType;
import dev.kembed.schemas.PostEvent;
import dev.kembed.schemas.SearchQueryEvent;
import dev.kembed.schemas.Surface;
import dev.kembed.topology.cli.InputType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates the demo's neighbourhood: personas with distinct interests, two simulated weeks of
 * posts across {@link Category categories}, comments, interactions (create, comment, click, react,
 * share; impressions and notification opens) and search queries with typos and repeats, plus a
 * handful of poison records. Everything comes from one {@link Random} seeded by the caller and
 * event times from a fixed start, so the same seed yields byte-for-byte the same events: two runs
 * tell the same story.
 *
 * <p>The last events are a scripted scene the report looks at: the pet lover is shown a lost-dog
 * post and a free-couch post.
 */
public final class Workload {
  /** Event time of the first event: a Monday morning. */
  public static final Instant START = Instant.parse("2025-03-03T08:00:00Z");

  public static final String PET_LOVER = "user-ana";
  public static final String LOST_DOG_POST = "post-lost-dog";
  public static final String COUCH_POST = "post-free-couch";

  private final Random random;
  private final List<Persona> personas = new ArrayList<>();
  private final Map<String, Category> postCategory = new LinkedHashMap<>();
  private final Map<Category, List<String>> postsByCategory = new EnumMap<>(Category.class);
  private final Map<String, String> postAuthor = new LinkedHashMap<>();
  private final List<DemoEvent> events = new ArrayList<>();
  private long clock = START.toEpochMilli();
  private int comments;
  private int queriesSent;
  private final double jsonShare;

  private Workload(long seed, double jsonShare) {
    this.random = new Random(seed);
    this.jsonShare = jsonShare;
    for (Category c : Category.values()) {
      postsByCategory.put(c, new ArrayList<>());
    }
  }

  /**
   * Generates a workload.
   *
   * @param seed the story: same seed, same events
   * @param users neighbours (at least 3: the first three are the personas the report follows)
   * @param posts posts besides the two scripted ones
   * @param actions interactions and searches (comments included) after the first posts
   * @param jsonShare fraction of good events sent as natural JSON instead of Avro
   * @param poison whether to add the deliberately bad records
   */
  public static Workload generate(
      long seed, int users, int posts, int actions, double jsonShare, boolean poison) {
    Workload w = new Workload(seed, jsonShare);
    w.makePersonas(Math.max(3, users));
    w.makeTimeline(posts, actions);
    w.scriptedScene();
    if (poison) {
      w.poison();
    }
    return w;
  }

  public List<DemoEvent> events() {
    return Collections.unmodifiableList(events);
  }

  public List<Persona> personas() {
    return Collections.unmodifiableList(personas);
  }

  /** Category of every post, scripted ones included. */
  public Map<String, Category> postCategories() {
    return Collections.unmodifiableMap(postCategory);
  }

  /** Event time of the last event. */
  public Instant end() {
    return Instant.ofEpochMilli(clock);
  }

  private void makePersonas(int n) {
    personas.add(
        new Persona(
            PET_LOVER,
            "Ana, dog owner who volunteers at the shelter",
            List.of(Category.LOST_PETS, Category.HOME_GARDEN)));
    personas.add(
        new Persona(
            "user-ben",
            "Ben, new parent looking for help and things to do",
            List.of(Category.RECOMMENDATIONS, Category.EVENTS)));
    personas.add(
        new Persona(
            "user-chloe",
            "Chloe, bargain hunter furnishing her first flat",
            List.of(Category.FOR_SALE, Category.CRIME_SAFETY)));
    Category[] all = Category.values();
    for (int i = personas.size(); i < n; i++) {
      Category first = all[random.nextInt(all.length)];
      Category second = all[random.nextInt(all.length)];
      List<Category> interests = first == second ? List.of(first) : List.of(first, second);
      personas.add(new Persona(String.format("user-%03d", i), "neighbour", interests));
    }
  }

  private void makeTimeline(int posts, int actions) {
    // Two simulated weeks: the first posts open the board, then every step is a post (with the
    // share the caller asked for) or one neighbour doing something.
    long span = Duration.ofDays(14).toMillis();
    int steps = posts + actions;
    long step = Math.max(1, span / Math.max(1, steps));
    int opening = Math.min(posts, Category.values().length * 3);
    for (int i = 0; i < opening; i++) {
      tick(step);
      post(
          personas.get(random.nextInt(personas.size())),
          Category.values()[i % Category.values().length],
          null,
          null);
    }
    int postsLeft = posts - opening;
    int actionsLeft = actions;
    while (postsLeft + actionsLeft > 0) {
      tick(step);
      if (random.nextInt(postsLeft + actionsLeft) < postsLeft) {
        Persona author = personas.get(random.nextInt(personas.size()));
        post(author, interest(author), null, null);
        postsLeft--;
      } else {
        act(personas.get(random.nextInt(personas.size())));
        actionsLeft--;
      }
    }
  }

  private void act(Persona p) {
    int roll = random.nextInt(100);
    if (roll < 12) {
      search(p);
      return;
    }
    if (roll < 52) {
      // The feed shows everything: impressions do not follow interests.
      Category shown = Category.values()[random.nextInt(Category.values().length)];
      interact(
          p,
          pick(shown),
          roll < 46 ? InteractionType.IMPRESSION : InteractionType.NOTIFICATION_OPEN,
          roll < 46 ? Surface.FEED : Surface.NOTIFICATION);
      return;
    }
    String post = pick(interest(p));
    if (roll < 72) {
      interact(
          p, post, InteractionType.CLICK, random.nextInt(5) == 0 ? Surface.SEARCH : Surface.FEED);
    } else if (roll < 82) {
      interact(p, post, InteractionType.REACT, Surface.FEED);
    } else if (roll < 86) {
      interact(p, post, InteractionType.SHARE, Surface.FEED);
    } else {
      comment(p, post);
    }
  }

  private Category interest(Persona p) {
    // Mostly the first interest, sometimes the second, rarely anything: people are not one-note.
    int r = random.nextInt(100);
    if (r < 8) {
      return Category.values()[random.nextInt(Category.values().length)];
    }
    return r < 65 || p.interests().size() == 1 ? p.interests().get(0) : p.interests().get(1);
  }

  private String pick(Category c) {
    List<String> ids = postsByCategory.get(c);
    if (ids.isEmpty()) {
      ids = new ArrayList<>(postCategory.keySet());
    }
    // Recent posts are seen far more than old ones.
    int n = ids.size();
    int back = Math.min(n - 1, (int) Math.abs(random.nextGaussian() * Math.max(1, n / 4.0)));
    return ids.get(n - 1 - back);
  }

  private void post(Persona author, Category c, String fixedId, String fixedText) {
    String id = fixedId != null ? fixedId : String.format("post-%05d", postCategory.size() + 1);
    String subject =
        fixedText != null
            ? fixedText.split("\\|")[0]
            : oneOf(c.subjects()).replace("{x}", oneOf(c.fillers()));
    String body = fixedText != null ? fixedText.split("\\|")[1] : oneOf(c.bodies());
    PostEvent e =
        PostEvent.newBuilder()
            .setPostId(id)
            .setAuthorId(author.userId())
            .setSubject(subject)
            .setBody(body)
            .setLanguage("en")
            .setEventTime(Instant.ofEpochMilli(clock))
            .build();
    add(InputType.POST, id, e);
    postCategory.put(id, c);
    postsByCategory.get(c).add(id);
    postAuthor.put(id, author.userId());
    tick(1_000);
    interact(author, id, InteractionType.CREATE, Surface.UNKNOWN);
  }

  private void comment(Persona p, String postId) {
    String id = String.format("comment-%05d", ++comments);
    Category c = postCategory.get(postId);
    CommentEvent e =
        CommentEvent.newBuilder()
            .setCommentId(id)
            .setPostId(postId)
            .setAuthorId(p.userId())
            .setText(oneOf(c.comments()))
            .setEventTime(Instant.ofEpochMilli(clock))
            .build();
    add(InputType.COMMENT, id, e);
    tick(500);
    interact(p, postId, InteractionType.COMMENT, Surface.FEED);
    // The post's author is notified and usually looks.
    String author = postAuthor.get(postId);
    if (!author.equals(p.userId()) && random.nextInt(3) > 0) {
      tick(60_000);
      add(
          InputType.INTERACTION,
          author,
          interaction(
              author,
              id,
              EntityType.COMMENT,
              InteractionType.NOTIFICATION_OPEN,
              Surface.NOTIFICATION));
    }
  }

  private void interact(Persona p, String postId, InteractionType type, Surface surface) {
    add(
        InputType.INTERACTION,
        p.userId(),
        interaction(p.userId(), postId, EntityType.POST, type, surface));
  }

  private InteractionEvent interaction(
      String user, String target, EntityType targetType, InteractionType type, Surface surface) {
    return InteractionEvent.newBuilder()
        .setUserId(user)
        .setTargetId(target)
        .setTargetType(targetType)
        .setInteractionType(type)
        .setSurface(surface)
        .setEventTime(Instant.ofEpochMilli(clock))
        .build();
  }

  private final List<String> pastQueries = new ArrayList<>();

  private void search(Persona p) {
    String q;
    int r = random.nextInt(100);
    if (r < 25 && !pastQueries.isEmpty()) {
      q = pastQueries.get(random.nextInt(pastQueries.size())); // repeats: popular searches
    } else {
      q = oneOf(interest(p).queries());
      if (r > 70) {
        q = typo(q);
      }
      pastQueries.add(q);
    }
    queriesSent++;
    String session = p.userId() + "-s" + (queriesSent / 3);
    add(
        InputType.SEARCH_QUERY,
        p.userId(),
        SearchQueryEvent.newBuilder()
            .setUserId(p.userId())
            .setQuery(q)
            .setSessionId(session)
            .setEventTime(Instant.ofEpochMilli(clock))
            .build());
  }

  /** One realistic slip: a swapped pair, a dropped letter or a doubled one. */
  private String typo(String q) {
    char[] c = q.toCharArray();
    int i = 1 + random.nextInt(Math.max(1, c.length - 2));
    switch (random.nextInt(3)) {
      case 0 -> {
        char t = c[i];
        c[i] = c[i - 1];
        c[i - 1] = t;
        return new String(c);
      }
      case 1 -> {
        return q.substring(0, i) + q.substring(i + 1);
      }
      default -> {
        return q.substring(0, i) + c[i] + q.substring(i);
      }
    }
  }

  private void scriptedScene() {
    Persona ana = personas.get(0);
    Persona other = personas.get(personas.size() - 1);
    tick(Duration.ofHours(2).toMillis());
    post(
        other,
        Category.LOST_PETS,
        LOST_DOG_POST,
        "Lost dog: brown labrador called Biscuit|Slipped his lead by the river path this afternoon."
            + " Very friendly, red collar, microchipped. Please call if you see him!");
    tick(Duration.ofMinutes(10).toMillis());
    post(
        other,
        Category.FOR_SALE,
        COUCH_POST,
        "Free couch, must go this week|Grey three-seat sofa, a bit worn on one arm but comfy. You"
            + " collect, ground floor flat.");
    tick(Duration.ofHours(1).toMillis());
    interact(ana, LOST_DOG_POST, InteractionType.IMPRESSION, Surface.FEED);
    tick(5_000);
    interact(ana, COUCH_POST, InteractionType.IMPRESSION, Surface.FEED);
    tick(5_000);
    add(
        InputType.SEARCH_QUERY,
        ana.userId(),
        SearchQueryEvent.newBuilder()
            .setUserId(ana.userId())
            .setQuery("lost labrador near river")
            .setSessionId("ana-final")
            .setEventTime(Instant.ofEpochMilli(clock))
            .build());
  }

  private void poison() {
    tick(1_000);
    String t = Long.toString(clock);
    raw(
        InputType.POST,
        "post-garbage",
        new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9},
        "undecodable bytes (Avro header, unknown schema fingerprint)");
    raw(
        InputType.POST,
        "post-empty",
        ("{\"post_id\":\"post-empty\",\"author_id\":\"user-ben\",\"subject\":\"\",\"body\":\"  "
                + " \",\"event_time\":"
                + t
                + "}")
            .getBytes(StandardCharsets.UTF_8),
        "empty text");
    raw(
        InputType.COMMENT,
        "comment-noauthor",
        ("{\"comment_id\":\"comment-noauthor\",\"post_id\":\""
                + LOST_DOG_POST
                + "\",\"text\":\"who wrote me?\",\"event_time\":"
                + t
                + "}")
            .getBytes(StandardCharsets.UTF_8),
        "missing required field author_id");
    raw(
        InputType.POST,
        "post-huge",
        ("{\"post_id\":\"post-huge\",\"author_id\":\"user-ben\",\"body\":\""
                + "spam ".repeat(25_000)
                + "\",\"event_time\":"
                + t
                + "}")
            .getBytes(StandardCharsets.UTF_8),
        "text longer than text.max.chars");
    raw(
        InputType.INTERACTION,
        PET_LOVER,
        ("{\"user_id\":\""
                + PET_LOVER
                + "\",\"target_id\":\""
                + LOST_DOG_POST
                + "\",\"target_type\":\"POST\",\"interaction_type\":\"TELEPATHY\",\"event_time\":"
                + t
                + "}")
            .getBytes(StandardCharsets.UTF_8),
        "unknown interaction type (counted and dropped, not dead-lettered)");
    raw(
        InputType.INTERACTION,
        PET_LOVER,
        ("{\"user_id\":\""
                + PET_LOVER
                + "\",\"target_id\":\"post-never-existed\",\"target_type\":\"POST\",\"interaction_type\":\"CLICK\",\"event_time\":"
                + t
                + "}")
            .getBytes(StandardCharsets.UTF_8),
        "interaction on an unknown post (dead-lettered as JOIN_TIMEOUT after join.grace.ms of event"
            + " time)");
    raw(
        InputType.SEARCH_QUERY,
        "user-ben",
        "not json at all".getBytes(StandardCharsets.UTF_8),
        "undecodable text");
  }

  private void raw(InputType type, String key, byte[] bytes, String why) {
    events.add(new DemoEvent(type, key, null, bytes, false, clock, why));
  }

  private void add(InputType type, String key, org.apache.avro.specific.SpecificRecord value) {
    events.add(new DemoEvent(type, key, value, null, random.nextDouble() < jsonShare, clock, null));
  }

  private void tick(long ms) {
    clock += ms;
  }

  private String oneOf(List<String> options) {
    return options.get(random.nextInt(options.size()));
  }
}
