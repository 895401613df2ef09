package dev.kembed.demo;

import static dev.kembed.topology.config.KembedConfig.*;

import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.EntityType;
import dev.kembed.schemas.QueryExpansion;
import dev.kembed.schemas.SimilarityFeatures;
import dev.kembed.schemas.UserVector;
import dev.kembed.schemas.vector.RecordVectors;
import dev.kembed.state.VectorMath;
import dev.kembed.topology.cli.InputType;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.drift.DriftMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The readable end of {@code kembed demo}: what went in, what came out and how fast, and what the
 * outputs say about the neighbourhood (users' top interest categories from their vectors, the pet
 * lover's features for a lost-dog post against a couch post, query expansions, the DLQ). Sections
 * whose output topic is empty say so and name the topic, so a build without user vectors or query
 * expansions still reports everything else.
 */
public final class DemoReport {
  /** Wall-clock figures of one run. */
  public record Timing(
      double produceSeconds,
      double totalSeconds,
      long eventsSent,
      long textsSent,
      long poisonSent,
      String model) {}

  private final KembedConfig config;
  private final Workload workload;
  private final OutputCollector out;
  private final Timing timing;
  private final MeterRegistry meters;

  /** With {@code meters}, the app instance's registry, for the drift section. */
  public DemoReport(
      KembedConfig config,
      Workload workload,
      OutputCollector out,
      Timing timing,
      MeterRegistry meters) {
    this.config = config;
    this.workload = workload;
    this.out = out;
    this.timing = timing;
    this.meters = meters;
  }

  public void print(PrintStream p) {
    p.println();
    p.println("=== kembed demo report ===");
    p.printf(
        Locale.ROOT,
        "model %s; %d neighbours, %d posts, %d events over simulated %s .. %s%n",
        timing.model(),
        workload.personas().size(),
        workload.postCategories().size(),
        timing.eventsSent(),
        Workload.START,
        workload.end());
    p.printf(
        Locale.ROOT,
        "(two weeks of event time played in seconds: join.grace.ms and"
            + " user.vector.allowed.lateness.ms widened to %d days)%n",
        config.getLong(JOIN_GRACE_MS) / 86_400_000L);
    throughput(p);
    latency(p);
    outputs(p);
    interests(p);
    petLover(p);
    consistency(p);
    commentPost(p);
    expansions(p);
    dlq(p);
    drift(p);
  }

  // The drift gauges of this run (the app's registry), as docs/operations.md "Drift metrics"
  // explains them.
  private void drift(PrintStream p) {
    p.println();
    p.println("Drift metrics (kembed_drift_*; healthy values in docs/operations.md)");
    if (meters == null
        || meters
                .find(DriftMetrics.PREFIX + "content.texts")
                .tag("model_id", timing.model())
                .gauge()
            == null) {
      p.println("  (no drift gauges for model " + timing.model() + ")");
      return;
    }
    p.printf(
        Locale.ROOT,
        "  content centroid: cosine to reference %.4f (NaN before 1,000 texts), norm %.3f, over"
            + " %,.0f posts and comments%n",
        gauge("content.centroid.cosine"),
        gauge("content.centroid.norm"),
        gauge("content.texts"));
    StringBuilder lengths = new StringBuilder();
    StringBuilder names = new StringBuilder();
    meters
        .find(DriftMetrics.PREFIX + "text.length.share")
        .tag("model_id", timing.model())
        .gauges()
        .stream()
        .sorted(
            Comparator.comparingInt(
                g -> Integer.parseInt(g.getId().getTag("chars").replaceAll("[-+].*", ""))))
        .forEach(
            g -> {
              lengths.append(String.format(Locale.ROOT, " %.2f", g.value()));
              names.append(names.length() == 0 ? "" : ", ").append(g.getId().getTag("chars"));
            });
    p.printf(
        Locale.ROOT,
        "  text length shares (%s chars):%s; latin script %.3f%n",
        names,
        lengths,
        gauge("text.script.share", "script", "latin"));
    p.printf(
        Locale.ROOT,
        "  null feature share %.3f; user-vector norm avg %.3f, share below 0.3 %.3f%n",
        gauge("null.feature.share"),
        gauge("user.vector.norm.mean"),
        gauge("user.vector.norm.below.share", "below", "0.3"));
  }

  private double gauge(String name, String... tags) {
    Gauge g =
        meters.find(DriftMetrics.PREFIX + name).tag("model_id", timing.model()).tags(tags).gauge();
    return g == null ? Double.NaN : g.value();
  }

  // Chronon-style online/offline consistency: published rows vs a recomputation from the inputs.
  private void consistency(PrintStream p) {
    var weights =
        dev.kembed.topology.features.InteractionWeights.parse(
            config.getString(USER_VECTOR_WEIGHTS));
    java.util.Set<dev.kembed.schemas.InteractionType> exposures =
        java.util.EnumSet.noneOf(dev.kembed.schemas.InteractionType.class);
    config
        .getList(FEATURES_EXPOSURE_TYPES)
        .forEach(
            t ->
                exposures.add(
                    dev.kembed.schemas.InteractionType.valueOf(t.trim().toUpperCase(Locale.ROOT))));
    var check =
        new ConsistencyCheck(
            workload.events(),
            out.embeddings().values().stream()
                .collect(
                    java.util.stream.Collectors.toMap(e -> e.getEntityId(), e -> e, (a, b) -> b)),
            weights::weight,
            config.getList(USER_VECTOR_WINDOWS),
            config.getDouble(SEARCH_QUERY_WEIGHT));
    ConsistencyCheck.Result r = check.check(out.features(), exposures);
    p.println();
    p.println(
        "Consistency (exposure rows vs an independent recomputation from the inputs and the"
            + " published embeddings)");
    p.printf(
        Locale.ROOT,
        "  %,d rows, %,d differ by more than 1e-9 (%.2f %%), largest difference %.2g%n",
        r.rows(),
        r.differing(),
        100 * r.differingShare(),
        r.worstDifference());
  }

  private void throughput(PrintStream p) {
    p.println();
    p.println("Throughput");
    p.printf(
        Locale.ROOT,
        "  input      %,d events in %.1f s = %,.0f events/s (posts+comments: %,d texts)%n",
        timing.eventsSent(),
        timing.produceSeconds(),
        timing.eventsSent() / timing.produceSeconds(),
        timing.textsSent());
    long emb = out.count(config.topic(TOPIC_CONTENT_EMBEDDINGS));
    p.printf(
        Locale.ROOT,
        "  embedded   %,d texts (posts, comments, search queries) in %.1f s from the first send to"
            + " the last output = %,.0f texts/s%n",
        emb,
        timing.totalSeconds(),
        emb / timing.totalSeconds());
    // Queries repeat: each distinct normalised query is embedded once, repeats hit the cache.
    long searches =
        workload.events().stream()
            .filter(e -> e.type() == InputType.SEARCH_QUERY && e.poison() == null)
            .count();
    long distinct =
        out.embeddings().values().stream()
            .filter(e -> e.getEntityType() == EntityType.QUERY)
            .count();
    if (searches > 0) {
      p.printf(
          Locale.ROOT,
          "  searches   %,d searches, %,d distinct normalised queries embedded: query-cache hit"
              + " rate %.0f%%%n",
          searches,
          distinct,
          100.0 * (searches - distinct) / searches);
    }
  }

  private void latency(PrintStream p) {
    p.println();
    p.println("End-to-end latency (input sent -> output visible to a read_committed consumer)");
    row(p, "content embedding", out.embeddingLatency());
    row(p, "  second half", out.embeddingLatency().secondHalf());
    row(p, "exposure features", out.featureLatency());
    row(p, "  second half", out.featureLatency().secondHalf());
    p.println(
        "  (second half: inputs sent in the second half of the run. The first seconds include the"
            + " JVM's start-up,");
    p.println(
        "  whose compiler takes a core; exposure rows also wait for every input partition's"
            + " watermark, and the");
    p.println(
        "  demo's sparse searches and comments hold it for up to 2 x watermark.idle.ms:"
            + " docs/event-time.md)");
  }

  private static void row(PrintStream p, String what, Latencies l) {
    if (l.count() == 0) {
      p.printf("  %-18s no samples%n", what);
      return;
    }
    p.printf(
        Locale.ROOT,
        "  %-18s p50 %,6.0f ms   p90 %,6.0f ms   p99 %,6.0f ms   max %,6.0f ms   (%,d samples)%n",
        what,
        l.percentile(50),
        l.percentile(90),
        l.percentile(99),
        l.percentile(100),
        l.count());
  }

  private void outputs(PrintStream p) {
    p.println();
    p.println("Records per output topic");
    for (String key :
        List.of(
            TOPIC_CONTENT_EMBEDDINGS,
            TOPIC_INDEX_UPDATES,
            TOPIC_USER_VECTORS,
            TOPIC_SIMILARITY_FEATURES,
            TOPIC_QUERY_EXPANSIONS,
            TOPIC_DLQ)) {
      p.printf("  %-22s %,8d%n", config.topic(key), out.count(config.topic(key)));
    }
    p.println();
    p.println(
        "One decoded row of each output (as `kembed consume` prints it; output.format="
            + config.getString(OUTPUT_FORMAT)
            + ")");
    for (String key :
        List.of(
            TOPIC_CONTENT_EMBEDDINGS,
            TOPIC_INDEX_UPDATES,
            TOPIC_USER_VECTORS,
            TOPIC_SIMILARITY_FEATURES,
            TOPIC_QUERY_EXPANSIONS)) {
      p.printf(
          "  %-22s %s%n",
          config.topic(key), out.firstRows().getOrDefault(config.topic(key), "(none)"));
    }
  }

  /** Normalised mean of the post embeddings of each category: what "interest in X" looks like. */
  Map<Category, float[]> centroids() {
    Map<Category, double[]> sums = new EnumMap<>(Category.class);
    workload
        .postCategories()
        .forEach(
            (post, cat) -> {
              ContentEmbedding e = out.embeddings().get(post);
              if (e != null) {
                float[] v = RecordVectors.of(e);
                double[] acc = sums.computeIfAbsent(cat, c -> new double[v.length]);
                VectorMath.addScaled(acc, v, 1.0);
              }
            });
    Map<Category, float[]> c = new EnumMap<>(Category.class);
    sums.forEach((k, v) -> c.put(k, VectorMath.normalizedCopy(v)));
    return c;
  }

  private void interests(PrintStream p) {
    p.println();
    p.println(
        "Top interest categories, from each user's vector (cosine to the category's mean post"
            + " embedding)");
    if (out.userVectors().isEmpty()) {
      p.printf(
          "  no user vectors on '%s' (this build does not produce them yet)%n",
          config.topic(TOPIC_USER_VECTORS));
      return;
    }
    Map<Category, float[]> centroids = centroids();
    for (Persona persona : workload.personas().subList(0, 3)) {
      UserVector v = vectorOf(persona.userId(), "ENGAGEMENT");
      p.printf(
          "  %s (%s; generated interests: %s)%n",
          persona.userId(),
          persona.description(),
          persona.interests().stream().map(Category::label).collect(Collectors.joining(", ")));
      if (v == null) {
        p.println("    no engagement vector");
        continue;
      }
      float[] uv = RecordVectors.of(v);
      List<Map.Entry<Category, Double>> ranked = new ArrayList<>();
      centroids.forEach((c, cv) -> ranked.add(Map.entry(c, VectorMath.cosine(uv, cv))));
      ranked.sort(Map.Entry.<Category, Double>comparingByValue().reversed());
      p.printf(
          Locale.ROOT,
          "    %s %s vector from %d events: %s%n",
          v.getKind(),
          v.getWindow(),
          v.getEventCount(),
          ranked.subList(0, Math.min(3, ranked.size())).stream()
              .map(e -> String.format(Locale.ROOT, "%s %.3f", e.getKey().label(), e.getValue()))
              .collect(Collectors.joining(" | ")));
    }
  }

  /** The user's vector of this kind, preferring the 30-day window, else the longest there is. */
  UserVector vectorOf(String user, String kind) {
    List<UserVector> mine =
        out.userVectors().values().stream()
            .filter(v -> v.getUserId().equals(user) && v.getKind().toString().equals(kind))
            .toList();
    return mine.stream()
        .filter(v -> v.getWindow().equals("P30D"))
        .findFirst()
        .orElse(mine.stream().max(Comparator.comparing(UserVector::getWindow)).orElse(null));
  }

  private void petLover(PrintStream p) {
    p.println();
    p.printf(
        "Similarity features: %s (pet lover) shown the lost-dog post vs the couch post%n",
        Workload.PET_LOVER);
    boolean any = false;
    for (String post : List.of(Workload.LOST_DOG_POST, Workload.COUCH_POST)) {
      for (SimilarityFeatures f : out.features()) {
        if (f.getViewerId().equals(Workload.PET_LOVER) && f.getEntityId().equals(post)) {
          p.printf("  %-16s %s%n", post, features(f.getFeatures()));
          any = true;
        }
      }
    }
    if (!any) {
      p.printf(
          "  no exposure features for %s on '%s' (this build does not produce them yet)%n",
          Workload.PET_LOVER, config.topic(TOPIC_SIMILARITY_FEATURES));
    }
    UserVector ana = vectorOf(Workload.PET_LOVER, "ENGAGEMENT");
    ContentEmbedding dog = out.embeddings().get(Workload.LOST_DOG_POST);
    ContentEmbedding couch = out.embeddings().get(Workload.COUCH_POST);
    if (ana != null && dog != null && couch != null) {
      float[] u = RecordVectors.of(ana);
      p.printf(
          Locale.ROOT,
          "  check from the topics: cos(%s %s vector, lost dog) = %.3f, cos(.., couch) = %.3f%n",
          ana.getKind(),
          ana.getWindow(),
          VectorMath.cosine(u, RecordVectors.of(dog)),
          VectorMath.cosine(u, RecordVectors.of(couch)));
    }
  }

  private void commentPost(PrintStream p) {
    // The first comments of the story (by id), so that two runs show the same rows.
    List<SimilarityFeatures> rows =
        out.features().stream()
            .filter(
                f ->
                    f.getFeatures().keySet().stream()
                        .anyMatch(k -> k.startsWith("cos_comment_post")))
            .sorted(Comparator.comparing(SimilarityFeatures::getEntityId))
            .limit(3)
            .toList();
    if (rows.isEmpty()) {
      return;
    }
    p.println();
    p.println("Comment vs post similarity (first rows)");
    for (SimilarityFeatures f : rows) {
      p.printf("  %s on %s: %s%n", f.getViewerId(), f.getEntityId(), features(f.getFeatures()));
    }
  }

  private void expansions(PrintStream p) {
    p.println();
    p.println("Query expansions (nearest past queries)");
    List<QueryExpansion> all = out.expansions();
    if (all.isEmpty()) {
      p.printf(
          "  none on '%s' (this build does not produce them yet)%n",
          config.topic(TOPIC_QUERY_EXPANSIONS));
      return;
    }
    // The latest searches of the story (by event time) have the most history behind them.
    Map<String, QueryExpansion> latest = new TreeMap<>();
    for (QueryExpansion q : all) {
      if (!q.getNeighbours().isEmpty()) {
        latest.merge(q.getQuery(), q, (a, b) -> a.getEventTime().isAfter(b.getEventTime()) ? a : b);
      }
    }
    latest.values().stream()
        .sorted(
            Comparator.comparing(QueryExpansion::getEventTime)
                .reversed()
                .thenComparing(QueryExpansion::getQuery))
        .limit(5)
        .forEach(
            q ->
                p.printf(
                    "  \"%s\" -> %s%n",
                    q.getQuery(),
                    q.getNeighbours().stream()
                        .limit(4)
                        .map(
                            n ->
                                String.format(
                                    Locale.ROOT, "\"%s\" %.2f", n.getQuery(), n.getScore()))
                        .collect(Collectors.joining(", "))));
  }

  private void dlq(PrintStream p) {
    p.println();
    p.printf(
        "Dead-letter topic '%s': %,d records (%d bad records were injected on purpose)%n",
        config.topic(TOPIC_DLQ), out.count(config.topic(TOPIC_DLQ)), timing.poisonSent());
    out.dlqByReason().forEach((reason, n) -> p.printf("  %-50s %,d%n", reason, n));
    p.println("  injected:");
    workload.events().stream()
        .filter(e -> e.poison() != null)
        .forEach(
            e -> p.printf("    %-13s %-20s %s%n", e.type().topic(config), e.key(), e.poison()));
  }

  private static String features(Map<String, Double> f) {
    return new TreeMap<>(f)
        .entrySet().stream()
            .map(
                e ->
                    e.getValue() == null
                        ? e.getKey() + "=null"
                        : String.format(Locale.ROOT, "%s=%.3f", e.getKey(), e.getValue()))
            .collect(Collectors.joining(" "));
  }

  static float[] toArray(List<Float> v) {
    float[] a = new float[v.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = v.get(i);
    }
    return a;
  }
}
