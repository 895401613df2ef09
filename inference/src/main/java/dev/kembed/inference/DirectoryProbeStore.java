package dev.kembed.inference;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * A {@link ProbeStore} that keeps one small file per model id in a directory (kembed uses {@code
 * <state.dir>/kembed-probes/}): a magic number, the id, the texts' fingerprint, then the vectors as
 * little-endian float32. Written to a temporary file and renamed, so a crash never leaves half a
 * record. A file that cannot be parsed counts as absent (and is re-recorded), never as a mismatch.
 */
public final class DirectoryProbeStore implements ProbeStore {
  private static final int MAGIC = 0x4b505231; // "KPR1"

  private final Path dir;

  public DirectoryProbeStore(Path dir) {
    this.dir = dir;
  }

  /**
   * The file that holds an id's probes: the id with every character outside [A-Za-z0-9._-] as '_'.
   */
  public Path file(String modelId) {
    return dir.resolve(modelId.replaceAll("[^A-Za-z0-9._-]", "_") + ".probe");
  }

  @Override
  public Optional<Recorded> load(String modelId) {
    Path file = file(modelId);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      if (in.readInt() != MAGIC) {
        return Optional.empty();
      }
      String id = in.readUTF();
      String fingerprint = in.readUTF();
      int n = in.readInt();
      int dim = in.readInt();
      if (!id.equals(modelId) || n < 0 || dim < 0 || (long) n * dim > 1 << 24) {
        return Optional.empty();
      }
      byte[] packed = in.readNBytes(n * dim * Float.BYTES);
      if (packed.length != n * dim * Float.BYTES) {
        return Optional.empty();
      }
      ByteBuffer buf = ByteBuffer.wrap(packed).order(ByteOrder.LITTLE_ENDIAN);
      float[][] vectors = new float[n][dim];
      for (float[] v : vectors) {
        buf.asFloatBuffer().get(v);
        buf.position(buf.position() + dim * Float.BYTES);
      }
      return Optional.of(new Recorded(id, fingerprint, vectors));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public void save(Recorded probes) {
    float[][] vectors = probes.vectors();
    int dim = vectors.length == 0 ? 0 : vectors[0].length;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeUTF(probes.modelId());
      out.writeUTF(probes.textsFingerprint());
      out.writeInt(vectors.length);
      out.writeInt(dim);
      ByteBuffer buf =
          ByteBuffer.allocate(vectors.length * dim * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      for (float[] v : vectors) {
        for (float x : v) {
          buf.putFloat(x);
        }
      }
      out.write(buf.array());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Files.createDirectories(dir);
      Path target = file(probes.modelId());
      Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
      Files.write(tmp, bytes.toByteArray());
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record probe vectors under " + dir, e);
    }
  }
}
