package dev.kembed.topology.bench;

import dev.kembed.inference.OnnxEmbedder;
import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.PostEvent;
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.topology.KembedTopology;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.text.TextCleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * In-stream embedding throughput as a ratio against the same embedder called directly, measured
 * in the same run: N posts through the real topology (exactly-once, micro-batches of
 * {@code embed.batch.size}, buffer and hash stores, Avro in and out, all outputs) on
 * TopologyTestDriver, versus {@code Embedder.embed} on the same cleaned texts in calls of the same
 * size. The gap is what the stream adds on top of inference (no network: the broker path is the
 * demo's to show). Rounds alternate to share the machine's noise; the best of each is kept.
 *
 * <p>Run: {@code mvn -B -q -pl topology test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.kembed.topology.bench.StreamEmbeddingBenchmark -Dexec.args="512 3"}
 */
public final class StreamEmbeddingBenchmark {
  private static final String[] TOPICS = {"free couch", "lost dog", "plumber needed", "block party", "tomato seedlings", "car break-in", "babysitter", "garage sale"};

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 512;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int batch = 32;
    try (OnnxEmbedder embedder = OnnxEmbedder.create()) {
      List<PostEvent> posts = posts(n);
      TextCleaner cleaner = new TextCleaner(TextCleaner.UrlMode.KEEP);
      List<String> texts = posts.stream().map(p -> cleaner.post(p.getSubject(), p.getBody())).toList();
      embedder.embed(texts.subList(0, batch)); // warm-up
      double bestDirect = 0;
      double bestStream = 0;
      for (int r = 0; r < rounds; r++) {
        bestDirect = Math.max(bestDirect, direct(embedder, texts, batch));
        bestStream = Math.max(bestStream, stream(embedder, posts, batch, r));
      }
      System.out.printf(Locale.ROOT, "model %s, %d posts (~%d chars), batch %d, best of %d rounds%n", embedder.model().id(), n, texts.stream().mapToInt(String::length).sum() / n, batch, rounds);
      System.out.println("| path | texts/s | ratio |");
      System.out.println("| --- | ---: | ---: |");
      System.out.printf(Locale.ROOT, "| Embedder.embed, calls of %d | %.0f | 1.00 |%n", batch, bestDirect);
      System.out.printf(Locale.ROOT, "| topology (exactly-once, TopologyTestDriver) | %.0f | %.2f |%n", bestStream, bestStream / bestDirect);
    }
  }

  private static double direct(OnnxEmbedder embedder, List<String> texts, int batch) {
    long start = System.nanoTime();
    for (int i = 0; i < texts.size(); i += batch) {
      embedder.embed(texts.subList(i, Math.min(texts.size(), i + batch)));
    }
    return texts.size() / ((System.nanoTime() - start) / 1e9);
  }

  private static double stream(OnnxEmbedder embedder, List<PostEvent> posts, int batch, int round) throws Exception {
    Path dir = Files.createTempDirectory("kembed-bench");
    KembedConfig config = new KembedConfig(Map.of("embed.batch.size", Integer.toString(batch)));
    Properties p = config.streamsProperties();
    p.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "kembed-bench-" + round);
    try (TopologyTestDriver driver = new TopologyTestDriver(KembedTopology.build(config, embedder), p, Instant.now())) {
      TestInputTopic<String, PostEvent> in = driver.createInputTopic("posts", new StringSerializer(), KembedSerdes.of(PostEvent.class).serializer());
      TestOutputTopic<String, ContentEmbedding> out = driver.createOutputTopic("content-embeddings", new StringDeserializer(), KembedSerdes.of(ContentEmbedding.class).deserializer());
      long start = System.nanoTime();
      for (PostEvent post : posts) {
        in.pipeInput(post.getPostId(), post);
      }
      driver.advanceWallClockTime(Duration.ofSeconds(1)); // the last partial batch
      int got = out.readRecordsToList().size();
      double seconds = (System.nanoTime() - start) / 1e9;
      if (got != posts.size()) {
        throw new IllegalStateException("expected " + posts.size() + " embeddings, got " + got);
      }
      return got / seconds;
    }
  }

  private static List<PostEvent> posts(int n) {
    Random rnd = new Random(42);
    List<PostEvent> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String topic = TOPICS[rnd.nextInt(TOPICS.length)];
      String body = "Neighbour " + i + " writes about " + topic + " near Elm Street; details in the thread, reply if you can help or know more about " + topic + ".";
      out.add(PostEvent.newBuilder().setPostId("p" + i).setAuthorId("u" + rnd.nextInt(100)).setSubject(topic + " " + i).setBody(body).setEventTime(Instant.parse("2026-11-01T00:00:00Z").plusSeconds(i)).build());
    }
    return out;
  }
}
