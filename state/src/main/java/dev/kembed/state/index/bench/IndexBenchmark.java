package dev.kembed.state.index.bench;

import dev.kembed.state.index.ExactIndex;
import dev.kembed.state.index.HnswVectorIndex;
import dev.kembed.state.index.IndexOptions;
import dev.kembed.state.index.Neighbour;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Measures the HNSW index against exact search in one run on one machine: build throughput through
 * {@link HnswVectorIndex#upsert} on one thread (how the stream thread feeds it), heap bytes per
 * vector, recall@k against {@link ExactIndex}, p50/p99 query latency of both, and the speedup
 * ratio. One build per dataset and size; the ef values are swept on that build, since ef is a
 * query-time knob. Prints a Markdown table for {@code docs/index.md}.
 *
 * <pre>
 * java -Xmx12g -cp ... dev.kembed.state.index.bench.IndexBenchmark \
 *   --sizes 100000 --dim 384 --k 10 --m 16 --ef-construction 200 --ef 16,32,64,100,200 \
 *   --queries 200 --datasets random,clustered
 * </pre>
 */
public final class IndexBenchmark {
  private static final String MODEL = "bench";

  private IndexBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = parse(args);
    int[] sizes = ints(a.getOrDefault("sizes", "100000"));
    int dim = Integer.parseInt(a.getOrDefault("dim", "384"));
    int k = Integer.parseInt(a.getOrDefault("k", "10"));
    int m = Integer.parseInt(a.getOrDefault("m", String.valueOf(IndexOptions.DEFAULT_M)));
    int[] efConstructions =
        ints(
            a.getOrDefault(
                "ef-construction", String.valueOf(IndexOptions.DEFAULT_EF_CONSTRUCTION)));
    int[] efs = ints(a.getOrDefault("ef", "16,32,64," + IndexOptions.DEFAULT_EF + ",200"));
    int queries = Integer.parseInt(a.getOrDefault("queries", "200"));
    int warmup = Integer.parseInt(a.getOrDefault("warmup", "100"));
    String[] datasets = a.getOrDefault("datasets", "random,clustered").split(",");
    int clusters = Integer.parseInt(a.getOrDefault("clusters", "1000"));
    double noise = Double.parseDouble(a.getOrDefault("noise", "0.05"));
    boolean exact = !a.containsKey("no-exact");

    System.out.printf(
        Locale.ROOT,
        "# IndexBenchmark %s%n# java %s, %d cores, max heap %d MiB%n",
        String.join(" ", args),
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    distanceCost(dim);
    System.out.println(
        "| dataset | N | dim | M | efC | build vec/s | heap B/vec | ef | recall@"
            + k
            + " | HNSW p50 ms | HNSW p99 ms | exact p50 ms | exact p99 ms | speedup p50 |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (int n : sizes) {
      for (String dataset : datasets) {
        long seed = 42;
        VectorDatasets.Source source =
            switch (dataset) {
              case "random" -> VectorDatasets.random(seed, dim);
              case "clustered" -> VectorDatasets.clustered(seed, dim, clusters, noise);
              default -> throw new IllegalArgumentException("unknown dataset " + dataset);
            };
        float[][] data = VectorDatasets.take(source, n);
        float[][] query = VectorDatasets.take(source, warmup + queries);
        for (int efConstruction : efConstructions) {
          run(dataset, data, query, warmup, k, m, efConstruction, efs, exact);
        }
      }
    }
  }

  // One distance call, the unit of HNSW insert and search cost: hnswlib's plain loop, the scalar
  // fallback and the distance the index uses (SIMD when the JVM has the Vector API), on the same
  // vectors in the same run (best of 5 rounds).
  private static void distanceCost(int dim) {
    float[][] v = VectorDatasets.take(VectorDatasets.random(7, dim), 1024);
    var plain = com.github.jelmerk.hnswlib.core.DistanceFunctions.FLOAT_INNER_PRODUCT;
    var used = dev.kembed.state.index.UnrolledInnerProduct.INSTANCE;
    int calls = 2_000_000;
    double bestPlain = Double.MAX_VALUE;
    double bestScalar = Double.MAX_VALUE;
    double bestUsed = Double.MAX_VALUE;
    float sink = 0;
    for (int round = 0; round < 5; round++) {
      long t = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        sink += plain.distance(v[i & 1023], v[(i * 7 + 1) & 1023]);
      }
      bestPlain = Math.min(bestPlain, (System.nanoTime() - t) / (double) calls);
      t = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        sink +=
            dev.kembed.state.index.UnrolledInnerProduct.scalarDot(
                v[i & 1023], v[(i * 7 + 1) & 1023]);
      }
      bestScalar = Math.min(bestScalar, (System.nanoTime() - t) / (double) calls);
      t = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        sink += used.distance(v[i & 1023], v[(i * 7 + 1) & 1023]);
      }
      bestUsed = Math.min(bestUsed, (System.nanoTime() - t) / (double) calls);
    }
    System.out.printf(
        Locale.ROOT,
        "# distance, dim %d: hnswlib FLOAT_INNER_PRODUCT %.1f ns/call, scalar 8 accumulators %.1f"
            + " ns/call (%.2fx), index's distance [%s] %.1f ns/call (%.2fx) [%s]%n",
        dim,
        bestPlain,
        bestScalar,
        bestPlain / bestScalar,
        dev.kembed.state.index.UnrolledInnerProduct.implementation(),
        bestUsed,
        bestPlain / bestUsed,
        sink == 42 ? "" : "ok");
  }

  private static void run(
      String dataset,
      float[][] data,
      float[][] queries,
      int warmup,
      int k,
      int m,
      int efConstruction,
      int[] efs,
      boolean withExact) {
    int n = data.length;
    int dim = data[0].length;
    IndexOptions options =
        IndexOptions.defaults()
            .withM(m)
            .withEfConstruction(efConstruction)
            .withInitialCapacity(n); // the benchmark measures the graph, not its doublings

    long heapBefore = usedHeapAfterGc();
    HnswVectorIndex hnsw = new HnswVectorIndex(MODEL, dim, options);
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      hnsw.upsert(Integer.toString(i), data[i]);
    }
    double buildSeconds = (System.nanoTime() - t0) / 1e9;
    long bytesPerVector = (usedHeapAfterGc() - heapBefore) / n;
    System.err.printf(Locale.ROOT, "# %s N=%d built in %.1f s%n", dataset, n, buildSeconds);

    List<List<Neighbour>> truth = new ArrayList<>();
    double[] exactMs = null;
    if (withExact) {
      ExactIndex exact = new ExactIndex(MODEL, dim);
      for (int i = 0; i < n; i++) {
        exact.upsert(Integer.toString(i), data[i]);
      }
      exactMs = new double[queries.length - warmup];
      for (int q = 0; q < queries.length; q++) {
        long s = System.nanoTime();
        List<Neighbour> result = exact.nearest(queries[q], k);
        if (q >= warmup) {
          exactMs[q - warmup] = (System.nanoTime() - s) / 1e6;
          truth.add(result);
        }
      }
      Arrays.sort(exactMs);
      exact.close();
    }

    for (int ef : efs) {
      hnsw.setEf(ef);
      double[] hnswMs = new double[queries.length - warmup];
      double recall = 0;
      for (int q = 0; q < queries.length; q++) {
        long s = System.nanoTime();
        List<Neighbour> result = hnsw.nearest(queries[q], k);
        if (q >= warmup) {
          hnswMs[q - warmup] = (System.nanoTime() - s) / 1e6;
          if (withExact) {
            recall += recall(result, truth.get(q - warmup));
          }
        }
      }
      Arrays.sort(hnswMs);
      double hnswP50 = percentile(hnswMs, 0.50);
      String exactCols =
          withExact
              ? String.format(
                  Locale.ROOT,
                  "%.4f | %.3f | %.3f | %.2f | %.3f | %.0fx",
                  recall / hnswMs.length,
                  hnswP50,
                  percentile(hnswMs, 0.99),
                  percentile(exactMs, 0.50),
                  percentile(exactMs, 0.99),
                  percentile(exactMs, 0.50) / hnswP50)
              : String.format(
                  Locale.ROOT,
                  "n/a | %.3f | %.3f | n/a | n/a | n/a",
                  hnswP50,
                  percentile(hnswMs, 0.99));
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %d | %d | %d | %.0f | %d | %d | %s |%n",
          dataset,
          n,
          dim,
          m,
          efConstruction,
          n / buildSeconds,
          bytesPerVector,
          ef,
          exactCols);
    }
    hnsw.close();
  }

  private static double recall(List<Neighbour> approximate, List<Neighbour> exact) {
    Set<String> ids = new HashSet<>();
    approximate.forEach(x -> ids.add(x.id()));
    return exact.stream().filter(x -> ids.contains(x.id())).count() / (double) exact.size();
  }

  private static double percentile(double[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  private static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  private static int[] ints(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --option, got " + args[i]);
      }
      String key = args[i].substring(2);
      boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
      out.put(key, flag ? "true" : args[++i]);
    }
    return out;
  }
}
