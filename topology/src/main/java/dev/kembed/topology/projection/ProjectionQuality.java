package dev.kembed.topology.projection;

import java.util.Random;

/**
 * How much of the full vectors' geometry a reduced copy keeps, measured on the same texts:
 * neighbour overlap@k (for each query, the share of its k nearest neighbours by full cosine that
 * are also among its k nearest by reduced cosine) and the Pearson correlation of cosine values,
 * between texts and between simulated user vectors and texts. Pure: arrays in, numbers out.
 */
public final class ProjectionQuality {
  private ProjectionQuality() {}

  /**
   * Mean overlap@k over {@code queries} query indexes (the first ones), neighbours among all, self
   * excluded.
   */
  public static double overlapAtK(float[][] full, float[][] reduced, int queries, int k) {
    return overlapAtK(neighbours(full, queries, k), reduced, k);
  }

  /**
   * The k nearest neighbours of each of the first {@code queries} vectors (computed in parallel).
   */
  public static int[][] neighbours(float[][] v, int queries, int k) {
    int q = Math.min(queries, v.length);
    int[][] out = new int[q][];
    java.util.stream.IntStream.range(0, q).parallel().forEach(i -> out[i] = topK(v, i, k));
    return out;
  }

  /**
   * Mean overlap@k of reduced vectors' neighbours with {@code truth} (from {@link #neighbours}).
   */
  public static double overlapAtK(int[][] truth, float[][] reduced, int k) {
    int[][] got = neighbours(reduced, truth.length, k);
    double sum = 0;
    for (int i = 0; i < truth.length; i++) {
      int common = 0;
      for (int x : truth[i]) {
        for (int y : got[i]) {
          if (x == y) {
            common++;
            break;
          }
        }
      }
      sum += (double) common / k;
    }
    return sum / truth.length;
  }

  /**
   * Indexes of the k vectors with the highest dot product with vector i (unit vectors: cosine), i
   * excluded.
   */
  static int[] topK(float[][] v, int i, int k) {
    int[] idx = new int[k];
    double[] best = new double[k];
    java.util.Arrays.fill(best, Double.NEGATIVE_INFINITY);
    java.util.Arrays.fill(idx, -1);
    float[] q = v[i];
    for (int j = 0; j < v.length; j++) {
      if (j == i) {
        continue;
      }
      double s = dot(q, v[j]);
      if (s > best[k - 1]) {
        int p = k - 1;
        while (p > 0 && best[p - 1] < s) {
          best[p] = best[p - 1];
          idx[p] = idx[p - 1];
          p--;
        }
        best[p] = s;
        idx[p] = j;
      }
    }
    return idx;
  }

  /** Pearson correlation of cosine(full) and cosine(reduced) over {@code pairs} random pairs. */
  public static double pairCorrelation(float[][] full, float[][] reduced, int pairs, long seed) {
    Random r = new Random(seed);
    double[] x = new double[pairs];
    double[] y = new double[pairs];
    for (int p = 0; p < pairs; p++) {
      int i = r.nextInt(full.length);
      int j = r.nextInt(full.length - 1);
      if (j >= i) {
        j++;
      }
      x[p] = cosine(full[i], full[j]);
      y[p] = cosine(reduced[i], reduced[j]);
    }
    return pearson(x, y);
  }

  /**
   * Pearson correlation of user→text cosines: each simulated user is the mean of a random text and
   * its {@code interests - 1} nearest neighbours (full cosine) — a user with one coherent interest,
   * as the ENGAGEMENT vector of a real user mostly is — scored against that many random texts and
   * the same neighbours (so both high and low similarities are present). The reduced user is the
   * mean of the same texts' reduced vectors, as the pipeline would compute it.
   */
  public static double userCorrelation(
      float[][] full, float[][] reduced, int users, int interests, long seed) {
    Random r = new Random(seed);
    int per = 2 * interests;
    double[] x = new double[users * per];
    double[] y = new double[users * per];
    int n = 0;
    for (int u = 0; u < users; u++) {
      int seedText = r.nextInt(full.length);
      int[] liked = topK(full, seedText, interests - 1);
      double[] uf = new double[full[0].length];
      double[] ur = new double[reduced[0].length];
      add(uf, full[seedText]);
      add(ur, reduced[seedText]);
      for (int j : liked) {
        add(uf, full[j]);
        add(ur, reduced[j]);
      }
      for (int t = 0; t < per; t++) {
        int j = t < interests - 1 ? liked[t] : r.nextInt(full.length);
        x[n] = cosine(uf, full[j]);
        y[n] = cosine(ur, reduced[j]);
        n++;
      }
    }
    return pearson(java.util.Arrays.copyOf(x, n), java.util.Arrays.copyOf(y, n));
  }

  private static void add(double[] acc, float[] v) {
    for (int i = 0; i < v.length; i++) {
      acc[i] += v[i];
    }
  }

  static double pearson(double[] x, double[] y) {
    double mx = 0, my = 0;
    for (int i = 0; i < x.length; i++) {
      mx += x[i];
      my += y[i];
    }
    mx /= x.length;
    my /= y.length;
    double sxy = 0, sxx = 0, syy = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / Math.sqrt(sxx * syy);
  }

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  public static double cosine(float[] a, float[] b) {
    return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
  }

  static double cosine(double[] u, float[] b) {
    double d = 0, nu = 0, nb = 0;
    for (int i = 0; i < b.length; i++) {
      d += u[i] * b[i];
      nu += u[i] * u[i];
      nb += (double) b[i] * b[i];
    }
    return d / Math.sqrt(nu * nb);
  }
}
