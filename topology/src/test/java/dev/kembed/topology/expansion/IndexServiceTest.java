package dev.kembed.topology.expansion;

import static dev.kembed.topology.expansion.InMemoryEmbeddingSource.embedding;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kembed.inference.ModelInfo;
import dev.kembed.schemas.EntityType;
import dev.kembed.state.index.HnswVectorIndex;
import dev.kembed.state.index.IndexSnapshots;
import dev.kembed.state.index.Neighbour;
import dev.kembed.state.index.VectorIndex;
import dev.kembed.topology.config.KembedConfig;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index service's feeding, snapshot, restore and rebuild rules, over an in-memory topic. */
class IndexServiceTest {
  private static final ModelInfo MODEL = new ModelInfo("m@1", 3, 64, true);
  private static final ModelInfo OTHER_MODEL = new ModelInfo("m@2", 3, 64, true);
  private static final EntityType Q = EntityType.QUERY;
  private static final EntityType P = EntityType.POST;

  @TempDir Path dir;
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);

  private IndexService open(
      InMemoryEmbeddingSource source, ModelInfo model, Map<String, Object> overrides) {
    Map<String, Object> props =
        new HashMap<>(
            Map.of(
                KembedConfig.INDEX_SNAPSHOT_RECORDS,
                "1000",
                KembedConfig.INDEX_SNAPSHOT_INTERVAL_MS,
                "60000"));
    props.putAll(overrides);
    return IndexService.open(new KembedConfig(props), model, dir, source, clock::get);
  }

  private IndexService open(InMemoryEmbeddingSource source) {
    return open(source, MODEL, Map.of());
  }

  /** Steps the feeder synchronously until it is ready; returns the records it polled. */
  private static int catchUp(IndexService service) throws IOException {
    int polled = 0;
    for (int i = 0; i < 1000 && !service.ready(); i++) {
      polled += service.feeder().step(Duration.ZERO);
    }
    assertTrue(service.ready(), "feeder did not catch up");
    return polled;
  }

  private static VectorIndex index(IndexService s, String name) {
    return s.index(name).orElseThrow();
  }

  private static InMemoryEmbeddingSource threeQueriesAndAPost() {
    return new InMemoryEmbeddingSource(2, 100)
        .append(0, "for sale", embedding("for sale", Q, "m@1", 1, 0, 0))
        .append(1, "plumber", embedding("plumber", Q, "m@1", 0, 1, 0))
        .append(0, "p1", embedding("p1", P, "m@1", 0, 0, 1))
        .append(1, "house for sale", embedding("house for sale", Q, "m@1", 0.8f, 0.6f, 0));
  }

  @Test
  void routesByEntityTypeAndKeepsOnlyTheRunningModel() throws IOException {
    InMemoryEmbeddingSource source =
        threeQueriesAndAPost()
            .append(0, "c1", embedding("c1", EntityType.COMMENT, "m@1", 0, 0, 1))
            .append(1, "electrician", embedding("electrician", Q, "m@2", 0, 1, 0));
    try (IndexService s = open(source)) {
      assertEquals(6, catchUp(s));
      assertEquals(
          3, index(s, IndexService.QUERIES).size(), "m@2 query and the post/comment stay out");
      assertEquals(1, index(s, IndexService.POSTS).size(), "the comment is not a post");
      List<Neighbour> n = index(s, IndexService.QUERIES).nearest(new float[] {0, 1, 0}, 3);
      assertEquals(
          List.of("plumber", "house for sale", "for sale"), n.stream().map(Neighbour::id).toList());
      assertEquals(0.6, n.get(1).similarity(), 1e-6);
    }
  }

  @Test
  void tombstoneOtherTypeAndOtherModelUnderAKeyAllRemoveIt() throws IOException {
    InMemoryEmbeddingSource source =
        threeQueriesAndAPost()
            .append(0, "p1", null)
            .append(0, "for sale", embedding("for sale", Q, "m@2", 1, 0, 0))
            .append(1, "plumber", embedding("plumber", P, "m@1", 0, 1, 0));
    try (IndexService s = open(source)) {
      catchUp(s);
      assertEquals(
          0,
          index(s, IndexService.POSTS).nearest(new float[] {0, 0, 1}, 5).stream()
              .filter(n -> n.id().equals("p1"))
              .count());
      assertEquals(
          List.of("house for sale"),
          index(s, IndexService.QUERIES).nearest(new float[] {1, 0, 0}, 5).stream()
              .map(Neighbour::id)
              .toList());
      assertEquals(
          List.of("plumber"),
          index(s, IndexService.POSTS).nearest(new float[] {0, 1, 0}, 5).stream()
              .map(Neighbour::id)
              .toList());
    }
  }

  @Test
  void indexEfAppliesToAFreshIndexAndToOneRestoredFromASnapshotTakenWithAnother()
      throws IOException {
    try (IndexService s =
        open(threeQueriesAndAPost(), MODEL, Map.of(KembedConfig.INDEX_EF, "37"))) {
      catchUp(s);
      assertEquals(37, ((HnswVectorIndex) index(s, IndexService.QUERIES)).options().ef());
    } // the snapshot is written with ef 37
    try (IndexService s =
        open(threeQueriesAndAPost(), MODEL, Map.of(KembedConfig.INDEX_EF, "250"))) {
      assertEquals(3, index(s, IndexService.QUERIES).size(), "restored from the snapshot");
      assertEquals(250, ((HnswVectorIndex) index(s, IndexService.QUERIES)).options().ef());
    }
  }

  @Test
  void restartResumesFromTheSnapshotAndReplaysOnlyWhatCameAfter() throws IOException {
    InMemoryEmbeddingSource first = threeQueriesAndAPost();
    try (IndexService s = open(first)) {
      catchUp(s);
    } // close writes the final snapshot
    assertEquals(
        Map.of(0, 2L, 1, 2L),
        IndexSnapshots.load(dir.resolve(IndexService.QUERIES)).orElseThrow().offsets());

    InMemoryEmbeddingSource second =
        threeQueriesAndAPost()
            .append(1, "plumbers near me", embedding("plumbers near me", Q, "m@1", 0, 1, 0))
            .append(0, "p1", null);
    try (IndexService s = open(second)) {
      assertEquals(Map.of(0, 2L, 1, 2L), second.assignedAt, "seeks to the snapshot's offsets");
      assertEquals(3, index(s, IndexService.QUERIES).size(), "restored before reading anything");
      assertEquals(2, catchUp(s), "only the two new records are read");
      assertEquals(4, index(s, IndexService.QUERIES).size());
      assertEquals(0, index(s, IndexService.POSTS).size());
    }
  }

  @Test
  void snapshotOfAnotherModelIsNotUsedAndTheIndexIsRebuiltFromTheStart() throws IOException {
    try (IndexService s = open(threeQueriesAndAPost())) {
      catchUp(s);
    }
    InMemoryEmbeddingSource source =
        threeQueriesAndAPost().append(0, "roofer", embedding("roofer", Q, "m@2", 0, 0, 1));
    try (IndexService s = open(source, OTHER_MODEL, Map.of())) {
      assertEquals(Map.of(0, 0L, 1, 0L), source.assignedAt);
      catchUp(s);
      assertEquals(
          List.of("roofer"),
          index(s, IndexService.QUERIES).nearest(new float[] {1, 0, 0}, 5).stream()
              .map(Neighbour::id)
              .toList(),
          "no m@1 vector survives a model change");
      assertEquals("m@2", index(s, IndexService.QUERIES).modelId());
    }
  }

  @Test
  void corruptSnapshotIsRebuiltFromTheStart() throws IOException {
    try (IndexService s = open(threeQueriesAndAPost())) {
      catchUp(s);
    }
    Path file = dir.resolve(IndexService.QUERIES).resolve(IndexSnapshots.FILE_NAME);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(raf.length() - 10);
      raf.write(0x5A ^ raf.read());
    }
    InMemoryEmbeddingSource source = threeQueriesAndAPost();
    try (IndexService s = open(source)) {
      assertEquals(
          Map.of(0, 0L, 1, 0L),
          source.assignedAt,
          "the posts snapshot is intact, but queries needs everything");
      assertEquals(0, index(s, IndexService.QUERIES).size());
      assertEquals(1, index(s, IndexService.POSTS).size());
      catchUp(s);
      assertEquals(3, index(s, IndexService.QUERIES).size());
      assertEquals(
          1,
          index(s, IndexService.POSTS).size(),
          "re-reading records the posts index has already applied changes nothing");
    }
  }

  @Test
  void snapshotWhoseOffsetsNoLongerExistIsRebuilt() throws IOException {
    try (IndexService s = open(threeQueriesAndAPost())) {
      catchUp(s);
    }
    // The topic was deleted and re-created: its end is now before the snapshot's offsets.
    InMemoryEmbeddingSource recreated =
        new InMemoryEmbeddingSource(2, 100)
            .append(0, "roofer", embedding("roofer", Q, "m@1", 0, 0, 1));
    try (IndexService s = open(recreated)) {
      assertEquals(Map.of(0, 0L, 1, 0L), recreated.assignedAt);
      catchUp(s);
      assertEquals(1, index(s, IndexService.QUERIES).size());
    }
  }

  @Test
  void snapshotOlderThanTheMaximumAgeIsRebuilt() throws IOException {
    try (IndexService s = open(threeQueriesAndAPost())) {
      catchUp(s);
    }
    Files.setLastModifiedTime(
        dir.resolve(IndexService.QUERIES).resolve(IndexSnapshots.FILE_NAME),
        java.nio.file.attribute.FileTime.fromMillis(clock.get() - 7_200_000L));
    InMemoryEmbeddingSource source = threeQueriesAndAPost();
    try (IndexService s =
        open(source, MODEL, Map.of(KembedConfig.INDEX_SNAPSHOT_MAX_AGE_MS, "3600000"))) {
      assertEquals(Map.of(0, 0L, 1, 0L), source.assignedAt);
    }
  }

  @Test
  void readyOnlyAfterReachingTheEndOffsetsSeenAtStartIncludingTransactionMarkers()
      throws IOException {
    InMemoryEmbeddingSource source =
        new InMemoryEmbeddingSource(1, 1)
            .append(0, "a", embedding("a", Q, "m@1", 1, 0, 0))
            .marker(0)
            .append(0, "b", embedding("b", Q, "m@1", 0, 1, 0))
            .marker(0);
    try (IndexService s = open(source)) {
      assertFalse(s.ready());
      s.feeder().step(Duration.ZERO);
      assertFalse(s.ready(), "one of two records read");
      source.append(0, "c", embedding("c", Q, "m@1", 0, 0, 1)); // after start: not waited for
      s.feeder().step(Duration.ZERO);
      assertFalse(s.ready(), "offset 3 read, but the marker at offset 3 is not yet passed");
      s.feeder().step(Duration.ZERO);
      assertTrue(s.ready());
      assertEquals(
          "c", index(s, IndexService.QUERIES).nearest(new float[] {0, 0, 1}, 1).get(0).id());
    }
  }

  @Test
  void snapshotIsWrittenEveryNRecordsAndAfterTheInterval() throws IOException {
    InMemoryEmbeddingSource source = threeQueriesAndAPost();
    Path file = dir.resolve(IndexService.QUERIES).resolve(IndexSnapshots.FILE_NAME);
    try (IndexService s =
        open(
            new InMemoryEmbeddingSource(2, 3).append(0, "a", embedding("a", Q, "m@1", 1, 0, 0)),
            MODEL,
            Map.of(
                KembedConfig.INDEX_SNAPSHOT_RECORDS,
                "2",
                KembedConfig.INDEX_SNAPSHOT_INTERVAL_MS,
                "10000"))) {
      s.feeder().step(Duration.ZERO);
      assertFalse(Files.exists(file), "1 record, interval not passed");
      clock.addAndGet(9_999);
      s.feeder().step(Duration.ZERO);
      assertFalse(Files.exists(file), "interval not passed yet");
      clock.addAndGet(1);
      s.feeder().step(Duration.ZERO);
      assertEquals(
          Map.of(0, 1L, 1, 0L),
          IndexSnapshots.load(file.getParent()).orElseThrow().offsets(),
          "interval passed with 1 record applied");
    }
    Files.deleteIfExists(file);
    try (IndexService s =
        open(
            source,
            MODEL,
            Map.of(
                KembedConfig.INDEX_SNAPSHOT_RECORDS,
                "2",
                KembedConfig.INDEX_SNAPSHOT_INTERVAL_MS,
                "10000"))) {
      s.feeder().step(Duration.ZERO);
      assertEquals(
          Map.of(0, 2L, 1, 2L),
          IndexSnapshots.load(file.getParent()).orElseThrow().offsets(),
          "4 records >= 2");
    }
  }
}
