package dev.kembed.state.index;

import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves an {@link HnswVectorIndex} with the input offsets it covers, and loads it back, so a
 * restarted instance resumes from the snapshot instead of re-reading the whole topic. The file
 * starts with a fixed prefix (magic, format version, body length, CRC32 of the body) and a body
 * holding the header fields (model id, dimension, options, counts, offsets) and hnswlib's own graph
 * serialization. Anything unusable (missing, truncated, corrupt, another format version, another
 * model) loads as empty with the reason logged, and the caller rebuilds from the topic. Writes go
 * to a temporary file that is synced and atomically renamed over the old snapshot.
 *
 * <p>hnswlib's graph is written with Java serialization, so a snapshot must be trusted local state
 * (like a RocksDB directory), never a file from elsewhere; the checksum catches damage, not
 * tampering.
 */
public final class IndexSnapshots {
  private static final Logger log = LoggerFactory.getLogger(IndexSnapshots.class);

  /** File name inside the snapshot directory. */
  public static final String FILE_NAME = "hnsw-index.snapshot";

  /** "KEMBHNSW": not a snapshot at all if this is missing. */
  static final long MAGIC = 0x4B454D42484E5357L;

  /**
   * Bump whenever the header or the payload layout changes (including the hnswlib version or {@link
   * HnswSerializers}); an old file is then reported as unusable, not misread.
   */
  // 2: the graph's distance function became UnrolledInnerProduct (it is serialized with the graph).
  static final int FORMAT_VERSION = 2;

  /** magic (8) + format version (4) + body length (8) + body CRC32 (8). */
  static final int PREFIX_BYTES = 28;

  private IndexSnapshots() {}

  /**
   * Writes a snapshot of {@code index} covering {@code offsets} (partition to offset) into {@code
   * dir}, replacing any previous one atomically. Writes to the index wait until it is done.
   */
  public static void save(HnswVectorIndex index, Path dir, Map<Integer, Long> offsets)
      throws IOException {
    Files.createDirectories(dir);
    Path target = dir.resolve(FILE_NAME);
    Path tmp = Files.createTempFile(dir, FILE_NAME, ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        channel.write(ByteBuffer.allocate(PREFIX_BYTES)); // placeholder, filled in below
        CRC32 crc = new CRC32();
        OutputStream body =
            new BufferedOutputStream(
                new CheckedOutputStream(Channels.newOutputStream(channel), crc), 1 << 16);
        index.withWritesPaused(
            (generation, nextVersion) -> {
              DataOutputStream header = new DataOutputStream(body);
              header.writeUTF(index.modelId());
              header.writeInt(index.dimension());
              IndexOptions o = index.options();
              header.writeInt(o.m());
              header.writeInt(o.efConstruction());
              header.writeInt(o.ef());
              header.writeInt(o.initialCapacity());
              header.writeDouble(o.maxDeletedFraction());
              header.writeInt(generation.size());
              header.writeInt(generation.slotsUsed());
              header.writeLong(nextVersion);
              Map<Integer, Long> sorted = new TreeMap<>(offsets);
              header.writeInt(sorted.size());
              for (Map.Entry<Integer, Long> e : sorted.entrySet()) {
                header.writeInt(e.getKey());
                header.writeLong(e.getValue());
              }
              header.flush();
              // hnswlib closes the stream it is given; keep the channel open for the prefix.
              generation.hnsw.save(new UnclosableOutputStream(body));
              body.flush();
            });
        long bodyLength = channel.position() - PREFIX_BYTES;
        ByteBuffer prefix = ByteBuffer.allocate(PREFIX_BYTES);
        prefix.putLong(MAGIC).putInt(FORMAT_VERSION).putLong(bodyLength).putLong(crc.getValue());
        prefix.flip();
        channel.write(prefix, 0);
        channel.force(true);
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Loads the snapshot in {@code dir} whatever its model; empty (reason logged) if unusable. */
  public static Optional<LoadedSnapshot> load(Path dir) {
    return load(dir, null);
  }

  /**
   * Loads the snapshot in {@code dir} if it is intact, of this format version and, when {@code
   * expectedModelId} is not null, of that model; otherwise empty, with the reason logged.
   */
  public static Optional<LoadedSnapshot> load(Path dir, String expectedModelId) {
    Attempt attempt = attempt(dir, expectedModelId);
    if (attempt.snapshot() == null) {
      log.warn(
          "index snapshot {} not used ({}); the index will be rebuilt from the topic",
          dir.resolve(FILE_NAME),
          attempt.reason());
    }
    return Optional.ofNullable(attempt.snapshot());
  }

  /** The outcome of a load: a snapshot, or the reason there is none. */
  record Attempt(LoadedSnapshot snapshot, String reason) {}

  static Attempt attempt(Path dir, String expectedModelId) {
    Path file = dir.resolve(FILE_NAME);
    try {
      return new Attempt(read(file, expectedModelId), null);
    } catch (NoSuchFileException e) {
      return new Attempt(null, "missing");
    } catch (UnusableSnapshotException e) {
      return new Attempt(null, e.getMessage());
    } catch (IOException | RuntimeException e) {
      // Only reachable past the checksum, i.e. a file this build wrote but cannot parse.
      return new Attempt(null, "unreadable: " + e);
    }
  }

  private static LoadedSnapshot read(Path file, String expectedModelId) throws IOException {
    long fileSize = Files.size(file);
    if (fileSize < PREFIX_BYTES) {
      throw new UnusableSnapshotException(
          "truncated: " + fileSize + " bytes, shorter than the prefix");
    }
    long bodyLength;
    long expectedCrc;
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      if (in.readLong() != MAGIC) {
        throw new UnusableSnapshotException("not an index snapshot (bad magic)");
      }
      int version = in.readInt();
      if (version != FORMAT_VERSION) {
        throw new UnusableSnapshotException(
            "format version " + version + ", this build reads " + FORMAT_VERSION);
      }
      bodyLength = in.readLong();
      expectedCrc = in.readLong();
    }
    if (PREFIX_BYTES + bodyLength != fileSize) {
      throw new UnusableSnapshotException(
          "truncated or padded: header announces "
              + (PREFIX_BYTES + bodyLength)
              + " bytes, file has "
              + fileSize);
    }
    // Verify before parsing: a corrupt length inside the graph could otherwise ask for gigabytes.
    long actualCrc = crcOfBody(file);
    if (actualCrc != expectedCrc) {
      throw new UnusableSnapshotException("checksum mismatch: the file is corrupt");
    }
    try (InputStream raw = Files.newInputStream(file)) {
      raw.skipNBytes(PREFIX_BYTES);
      DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
      String modelId = in.readUTF();
      if (expectedModelId != null && !expectedModelId.equals(modelId)) {
        throw new UnusableSnapshotException(
            "snapshot is of model '" + modelId + "', expected '" + expectedModelId + "'");
      }
      int dimension = in.readInt();
      IndexOptions options =
          new IndexOptions(in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readDouble());
      int itemCount = in.readInt();
      int slotsUsed = in.readInt();
      long nextVersion = in.readLong();
      int partitions = in.readInt();
      Map<Integer, Long> offsets = new TreeMap<>();
      for (int i = 0; i < partitions; i++) {
        offsets.put(in.readInt(), in.readLong());
      }
      HnswIndex<String, float[], IndexedVector, Float> hnsw =
          HnswIndex.load(in, IndexSnapshots.class.getClassLoader());
      if (hnsw.getDimensions() != dimension || hnsw.size() != itemCount) {
        throw new UnusableSnapshotException(
            "graph disagrees with header: dimension "
                + hnsw.getDimensions()
                + " vs "
                + dimension
                + ", items "
                + hnsw.size()
                + " vs "
                + itemCount);
      }
      HnswVectorIndex index =
          HnswVectorIndex.restore(
              modelId, dimension, options, Generation.restore(hnsw, slotsUsed), nextVersion);
      log.info(
          "loaded index snapshot {}: model {}, {} items, {} partitions",
          file,
          modelId,
          itemCount,
          offsets.size());
      return new LoadedSnapshot(index, offsets);
    }
  }

  private static long crcOfBody(Path file) throws IOException {
    CRC32 crc = new CRC32();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      channel.position(PREFIX_BYTES);
      ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
      while (channel.read(buffer) > 0) {
        buffer.flip();
        crc.update(buffer);
        buffer.clear();
      }
    }
    return crc.getValue();
  }

  /** A reason a snapshot cannot be used; reported, never thrown to the caller. */
  private static final class UnusableSnapshotException extends IOException {
    private static final long serialVersionUID = 1L;

    UnusableSnapshotException(String reason) {
      super(reason);
    }
  }

  /** Passes writes through (in bulk, unlike FilterOutputStream) and turns close into flush. */
  private static final class UnclosableOutputStream extends FilterOutputStream {
    UnclosableOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
