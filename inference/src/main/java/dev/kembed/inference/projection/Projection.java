package dev.kembed.inference.projection;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A fitted linear dimension reduction {@code y = normalise(W (x − mean))}, as a versioned artifact
 * file. The id ({@code pca<k>@<8 hex>}, the hash over the matrix, mean and the model it was fitted
 * for) joins the model id of every vector it makes, so reduced vectors are never compared with full
 * ones or with another projection's. File layout: magic {@code KPJ1}, format version, the source
 * model id, method, k, input dimension, the SHA-256 of the payload, then the payload (mean and the
 * k×dim matrix as float32). A file whose checksum does not match is refused.
 */
public final class Projection {
  private static final int MAGIC = 0x4b504a31; // "KPJ1"
  private static final int FORMAT_VERSION = 1;

  private final String sourceModelId;
  private final String method;
  private final float[] mean; // length dim; zeros when not centred
  private final float[][] components; // k rows of length dim
  private final String id;

  public Projection(String sourceModelId, String method, float[] mean, float[][] components) {
    if (components.length == 0 || mean.length != components[0].length) {
      throw new IllegalArgumentException("need k >= 1 components of the mean's dimension");
    }
    this.sourceModelId = sourceModelId;
    this.method = method;
    this.mean = mean.clone();
    this.components = components;
    this.id =
        method
            + components.length
            + "@"
            + HexFormat.of().formatHex(sha256(payload())).substring(0, 8);
  }

  /** e.g. {@code pca32@1a2b3c4d}. */
  public String id() {
    return id;
  }

  /** The model id the projection was fitted on; it refuses vectors of any other model. */
  public String sourceModelId() {
    return sourceModelId;
  }

  /** Output dimension. */
  public int k() {
    return components.length;
  }

  /** Input dimension. */
  public int inputDimension() {
    return mean.length;
  }

  /** The projected vector, L2-normalised (a zero result stays zero). */
  public float[] apply(float[] x) {
    if (x.length != mean.length) {
      throw new IllegalArgumentException(
          "projection " + id + " takes " + mean.length + " dims, got " + x.length);
    }
    float[] y = new float[components.length];
    double norm = 0;
    for (int i = 0; i < y.length; i++) {
      float[] w = components[i];
      double s = 0;
      for (int j = 0; j < x.length; j++) {
        s += (double) w[j] * (x[j] - mean[j]);
      }
      y[i] = (float) s;
      norm += s * s;
    }
    if (norm > 0) {
      float inv = (float) (1 / Math.sqrt(norm));
      for (int i = 0; i < y.length; i++) {
        y[i] *= inv;
      }
    }
    return y;
  }

  /** The first {@code k} components only (components are sorted by explained variance). */
  public Projection truncate(int k) {
    if (k < 1 || k > components.length) {
      throw new IllegalArgumentException("k must be in 1.." + components.length);
    }
    return new Projection(sourceModelId, method, mean, Arrays.copyOf(components, k));
  }

  private byte[] payload() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(sourceModelId);
      for (float m : mean) {
        out.writeFloat(m);
      }
      for (float[] row : components) {
        for (float w : row) {
          out.writeFloat(w);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Writes the artifact atomically (temporary file, then rename). */
  public void write(Path file) throws IOException {
    byte[] payload = payload();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(FORMAT_VERSION);
      out.writeUTF(method);
      out.writeInt(components.length);
      out.writeInt(mean.length);
      out.write(sha256(payload));
      out.write(payload);
    }
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    Files.write(tmp, bytes.toByteArray());
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Reads an artifact.
   *
   * @throws IllegalArgumentException if it is not a projection file, of another format version, or
   *     corrupt
   */
  public static Projection read(Path file) throws IOException {
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      if (in.readInt() != MAGIC) {
        throw new IllegalArgumentException(file + " is not a kembed projection file");
      }
      int version = in.readInt();
      if (version != FORMAT_VERSION) {
        throw new IllegalArgumentException(
            file + " has projection format " + version + "; this kembed reads " + FORMAT_VERSION);
      }
      String method = in.readUTF();
      int k = in.readInt();
      int dim = in.readInt();
      byte[] checksum = in.readNBytes(32);
      byte[] payload = in.readAllBytes();
      if (!Arrays.equals(checksum, sha256(payload))) {
        throw new IllegalArgumentException(
            file + " is corrupt: its checksum does not match its contents");
      }
      DataInputStream p = new DataInputStream(new java.io.ByteArrayInputStream(payload));
      String source = p.readUTF();
      float[] mean = new float[dim];
      for (int j = 0; j < dim; j++) {
        mean[j] = p.readFloat();
      }
      float[][] comps = new float[k][dim];
      for (float[] row : comps) {
        for (int j = 0; j < dim; j++) {
          row[j] = p.readFloat();
        }
      }
      return new Projection(source, method, mean, comps);
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
