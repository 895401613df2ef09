package dev.kembed.inference.projection;

import static org.junit.jupiter.api.Assertions.*;

import dev.kembed.inference.Embedder;
import dev.kembed.inference.ModelInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PCA on data whose structure is known by construction, and the artifact's integrity. */
class PcaTest {

  @TempDir Path dir;

  /**
   * Points a·e1' + b·e2' in 6 dims, where e1', e2' are a rotated orthonormal pair; var(a) = 9
   * var(b).
   */
  private static float[][] planeData(int n, long seed) {
    Random r = new Random(seed);
    double s = Math.sqrt(0.5);
    double[] e1 = {s, s, 0, 0, 0, 0};
    double[] e2 = {0, 0, s, -s, 0, 0};
    float[][] out = new float[n][6];
    for (int i = 0; i < n; i++) {
      double a = 3 * r.nextGaussian();
      double b = r.nextGaussian();
      for (int j = 0; j < 6; j++) {
        out[i][j] = (float) (a * e1[j] + b * e2[j]);
      }
    }
    return out;
  }

  private static double cosine(float[] a, float[] b) {
    double d = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      d += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return d / Math.sqrt(na * nb);
  }

  @Test
  void findsThePlaneAndKeepsCosinesInsideIt() {
    float[][] data = planeData(2_000, 1);
    Projection p = Pca.fit("m@1", data, 2, false);
    assertEquals(2, p.k());
    // The first component is ±e1' (the direction with 9x the variance), up to the sampling
    // correlation of a and b (about 1/sqrt(2000)), which tilts the sample's axes slightly.
    float[] first = p.apply(new float[] {1, 1, 0, 0, 0, 0});
    assertEquals(1.0, Math.abs(first[0]), 1e-3);
    assertEquals(0.0, first[1], 0.03);
    // Every cosine between points of the plane is kept exactly (up to float rounding).
    for (int i = 0; i < 50; i++) {
      assertEquals(
          cosine(data[i], data[i + 1]), cosine(p.apply(data[i]), p.apply(data[i + 1])), 1e-5);
    }
    // A direction outside the plane projects to nothing.
    assertArrayEquals(new float[] {0, 0}, p.apply(new float[] {0, 0, 0, 0, 1, 0}));
  }

  @Test
  void eigenvaluesOfAKnownMatrix() {
    // [[2,1],[1,2]] has eigenvalues 3 (along (1,1)) and 1 (along (1,-1)).
    SymmetricEigen e = SymmetricEigen.of(new double[][] {{2, 1}, {1, 2}});
    assertEquals(3, e.values[0], 1e-12);
    assertEquals(1, e.values[1], 1e-12);
    assertEquals(Math.sqrt(0.5), Math.abs(e.vectors[0][0]), 1e-12);
    assertEquals(e.vectors[0][0], e.vectors[0][1], 1e-12);
  }

  @Test
  void artifactRoundTripsAndRefusesCorruption() throws Exception {
    Projection p = Pca.fit("m@1", planeData(500, 2), 3, true);
    Path file = dir.resolve("p.kproj");
    p.write(file);
    Projection back = Projection.read(file);
    assertEquals(p.id(), back.id());
    assertTrue(p.id().matches("pca3@[0-9a-f]{8}"), p.id());
    float[] x = {1, 2, 3, 4, 5, 6};
    assertArrayEquals(p.apply(x), back.apply(x));
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 3] ^= 1;
    Files.write(file, bytes);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Projection.read(file));
    assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    assertNotEquals(p.id(), p.truncate(2).id());
    assertNotEquals(
        p.id(),
        Pca.fit("m@2", planeData(500, 2), 3, true).id(),
        "the source model is part of the id");
  }

  @Test
  void projectingEmbedderJoinsTheIdsAndRefusesAnotherModelsProjection() {
    Embedder six =
        new Embedder() {
          public ModelInfo model() {
            return new ModelInfo("m@1", 6, 32, true);
          }

          public float[][] embed(List<String> texts) {
            return planeData(texts.size(), 5);
          }

          public void close() {}
        };
    Projection p = Pca.fit("m@1", planeData(500, 3), 2, false);
    ProjectingEmbedder pe = new ProjectingEmbedder(six, p);
    assertEquals("m@1+" + p.id(), pe.model().id());
    assertEquals(2, pe.model().dimension());
    float[] v = pe.embed("x");
    assertEquals(1.0, Math.sqrt(v[0] * v[0] + v[1] * v[1]), 1e-6);
    assertThrows(
        IllegalArgumentException.class,
        () -> new ProjectingEmbedder(six, Pca.fit("m@2", planeData(500, 3), 2, false)));
  }
}
