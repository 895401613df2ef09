package dev.kembed.topology.projection;

import dev.kembed.inference.Embedder;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Texts and their vectors, cached in one file so a study can be re-analysed without re-embedding: a
 * header (model id, count, dimension) then the vectors as little-endian float32, in text order. The
 * cache is used only if it was made by the same model for the same number of texts.
 */
public final class CorpusVectors {
  private CorpusVectors() {}

  /** Embeds {@code texts} (or reads them from {@code cache}), printing progress to {@code log}. */
  public static float[][] embed(Embedder embedder, List<String> texts, Path cache, PrintStream log)
      throws IOException {
    String model = embedder.model().id();
    if (cache != null && Files.isRegularFile(cache)) {
      try (DataInputStream in = new DataInputStream(Files.newInputStream(cache))) {
        String id = in.readUTF();
        int n = in.readInt();
        int dim = in.readInt();
        if (id.equals(model) && n == texts.size()) {
          float[][] out = new float[n][dim];
          ByteBuffer buf = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
          for (float[] v : out) {
            for (int j = 0; j < dim; j++) {
              v[j] = buf.getFloat();
            }
          }
          log.printf("read %d cached vectors of %s from %s%n", n, id, cache);
          return out;
        }
      }
    }
    float[][] out = new float[texts.size()][];
    long start = System.nanoTime();
    int chunk = 256;
    for (int i = 0; i < texts.size(); i += chunk) {
      List<String> part = texts.subList(i, Math.min(texts.size(), i + chunk));
      float[][] v = embedder.embed(part);
      System.arraycopy(v, 0, out, i, v.length);
      double s = (System.nanoTime() - start) / 1e9;
      log.printf(
          "embedded %d/%d texts (%.0f texts/s)%n", i + v.length, texts.size(), (i + v.length) / s);
    }
    if (cache != null) {
      Files.createDirectories(cache.toAbsolutePath().getParent());
      int dim = out.length == 0 ? 0 : out[0].length;
      try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(cache))) {
        o.writeUTF(model);
        o.writeInt(out.length);
        o.writeInt(dim);
        ByteBuffer buf = ByteBuffer.allocate(out.length * dim * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] v : out) {
          for (float x : v) {
            buf.putFloat(x);
          }
        }
        o.write(buf.array());
      }
    }
    return out;
  }
}
