package dev.kembed.state.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexSnapshotsTest {
  private static final int DIM = 48;
  private static final Map<Integer, Long> OFFSETS = Map.of(0, 420L, 1, 7L, 5, 0L);

  private static float[][] data;
  private static HnswVectorIndex index;

  @TempDir Path dir;

  @BeforeAll
  static void build() {
    data = TestVectors.randomUnits(31, 1_000, DIM);
    index = new HnswVectorIndex("model-a", DIM, IndexOptions.defaults().withEf(50));
    for (int i = 0; i < data.length; i++) {
      index.upsert("v" + i, data[i]);
    }
    for (int i = 0; i < 100; i++) {
      index.remove("v" + i); // the graph keeps deleted nodes; they must survive the round trip
    }
  }

  @AfterAll
  static void close() {
    index.close();
  }

  @BeforeEach
  void save() throws IOException {
    IndexSnapshots.save(index, dir, OFFSETS);
  }

  @Test
  void roundTripGivesIdenticalNeighboursAndOffsets() {
    LoadedSnapshot loaded = IndexSnapshots.load(dir, "model-a").orElseThrow();
    HnswVectorIndex restored = loaded.index();
    assertEquals(OFFSETS, loaded.offsets());
    assertEquals(index.size(), restored.size());
    assertEquals("model-a", restored.modelId());
    assertEquals(DIM, restored.dimension());
    assertEquals(index.options(), restored.options());
    float[][] queries = TestVectors.randomUnits(32, 100, DIM);
    for (float[] q : queries) {
      assertEquals(index.nearest(q, 10), restored.nearest(q, 10));
    }
    assertEquals(index.nearest("v500", 10), restored.nearest("v500", 10));
    assertTrue(restored.nearest("v5", 3).isEmpty(), "removed item came back");

    // Writes continue after a restore: a later version replaces, an id is removable.
    // (A restored write counter that restarted at 0 would make hnswlib ignore the update.)
    float[] moved = TestVectors.randomUnit(new java.util.Random(33), DIM);
    restored.upsert("v500", moved);
    assertEquals("v500", restored.nearest(moved, 1).get(0).id());
    assertTrue(restored.nearest(data[500], 10).stream().noneMatch(n -> n.id().equals("v500")));
    assertTrue(restored.remove("v501"));
    assertEquals(index.size() - 1, restored.size());
    restored.close();
  }

  @Test
  void saveReplacesThePreviousSnapshotAndLeavesNoTemporaryFiles() throws IOException {
    index.upsert("extra", data[0]);
    IndexSnapshots.save(index, dir, Map.of(0, 421L));
    LoadedSnapshot loaded = IndexSnapshots.load(dir).orElseThrow();
    assertEquals(Map.of(0, 421L), loaded.offsets());
    assertEquals(index.size(), loaded.index().size());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(1, files.count());
    }
  }

  @Test
  void missingSnapshotIsEmpty(@TempDir Path empty) {
    assertEquals("missing", IndexSnapshots.attempt(empty, null).reason());
    assertEquals(Optional.empty(), IndexSnapshots.load(empty));
  }

  @Test
  void truncatedSnapshotIsDetected() throws IOException {
    Path file = dir.resolve(IndexSnapshots.FILE_NAME);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(raf.length() - 1_000);
    }
    assertReason("truncated");
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(10);
    }
    assertReason("truncated");
  }

  @Test
  void corruptByteIsDetectedByTheChecksum() throws IOException {
    Path file = dir.resolve(IndexSnapshots.FILE_NAME);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      long position = raf.length() / 2;
      raf.seek(position);
      int b = raf.read();
      raf.seek(position);
      raf.write(b ^ 0x10);
    }
    assertReason("checksum");
  }

  @Test
  void anotherFormatVersionIsRejected() throws IOException {
    Path file = dir.resolve(IndexSnapshots.FILE_NAME);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(8);
      raf.writeInt(IndexSnapshots.FORMAT_VERSION + 1);
    }
    assertReason("format version " + (IndexSnapshots.FORMAT_VERSION + 1));
  }

  @Test
  void anotherModelIsRejected() {
    assertNull(IndexSnapshots.attempt(dir, "model-a").reason());
    assertReason("model 'model-a', expected 'model-b'", "model-b");
  }

  @Test
  void foreignFileIsRejected() throws IOException {
    Files.write(dir.resolve(IndexSnapshots.FILE_NAME), new byte[4096]);
    assertReason("bad magic");
  }

  private void assertReason(String expected) {
    assertReason(expected, "model-a");
  }

  private void assertReason(String expected, String model) {
    IndexSnapshots.Attempt attempt = IndexSnapshots.attempt(dir, model);
    assertNull(attempt.snapshot());
    assertTrue(attempt.reason().contains(expected), attempt.reason());
    assertEquals(Optional.empty(), IndexSnapshots.load(dir, model));
  }
}
