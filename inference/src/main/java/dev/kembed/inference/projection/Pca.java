package dev.kembed.inference.projection;

/**
 * Fits a {@link Projection} by principal component analysis of a sample of unit vectors: the top k
 * eigenvectors of the sample's covariance (centred) or of its second-moment matrix (uncentred, i.e.
 * a truncated SVD, which keeps raw dot products best). Both are offered because sentence embeddings
 * share a large common direction: centring spends no dimension on it, not centring keeps it in the
 * cosine the full vectors have. {@code ProjectionStudy} measures both.
 */
public final class Pca {
  private Pca() {}

  /**
   * @param sample vectors of one model (a few thousand is plenty for 384 dims)
   * @param k output dimension
   * @param centre subtract the sample mean first
   */
  public static Projection fit(String modelId, float[][] sample, int k, boolean centre) {
    int n = sample.length;
    if (n < 2) {
      throw new IllegalArgumentException("need at least 2 sample vectors, got " + n);
    }
    int dim = sample[0].length;
    if (k < 1 || k > dim) {
      throw new IllegalArgumentException("k must be in 1.." + dim + ", got " + k);
    }
    double[] mean = new double[dim];
    if (centre) {
      for (float[] x : sample) {
        for (int j = 0; j < dim; j++) {
          mean[j] += x[j];
        }
      }
      for (int j = 0; j < dim; j++) {
        mean[j] /= n;
      }
    }
    double[][] cov = new double[dim][dim];
    double[] c = new double[dim];
    for (float[] x : sample) {
      if (x.length != dim) {
        throw new IllegalArgumentException(
            "sample vectors differ in dimension: " + x.length + " vs " + dim);
      }
      for (int j = 0; j < dim; j++) {
        c[j] = x[j] - mean[j];
      }
      for (int a = 0; a < dim; a++) {
        double ca = c[a];
        double[] row = cov[a];
        for (int b = a; b < dim; b++) {
          row[b] += ca * c[b];
        }
      }
    }
    for (int a = 0; a < dim; a++) {
      for (int b = a; b < dim; b++) {
        cov[a][b] /= n;
        cov[b][a] = cov[a][b];
      }
    }
    SymmetricEigen eigen = SymmetricEigen.of(cov);
    float[][] components = new float[k][dim];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < dim; j++) {
        components[i][j] = (float) eigen.vectors[i][j];
      }
    }
    float[] m = new float[dim];
    for (int j = 0; j < dim; j++) {
      m[j] = (float) mean[j];
    }
    return new Projection(modelId, centre ? "pca" : "svd", m, components);
  }
}
