package dev.kembed.demo;

import dev.kembed.inference.EmbedderOptions;
import dev.kembed.inference.OnnxEmbedder;
import dev.kembed.inference.projection.Pca;
import dev.kembed.inference.projection.Projection;
import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.EntityType;
import dev.kembed.schemas.IndexOp;
import dev.kembed.schemas.IndexUpdate;
import dev.kembed.schemas.UserVector;
import dev.kembed.schemas.VectorKind;
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.schemas.vector.PackedVectors;
import dev.kembed.schemas.vector.PackedVectors.Encoding;
import dev.kembed.schemas.vector.RecordVectors;
import dev.kembed.topology.content.Vectors;
import dev.kembed.topology.projection.CorpusVectors;
import dev.kembed.topology.projection.ProjectionQuality;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The measurement behind docs/projection.md and the README's payload table: a {@link TextCorpus}
 * embedded by the real int8 model (vectors cached in {@code <workDir>/vectors.bin}), split into a
 * fitting sample and a held-out sample; projections fitted on the first and measured on the second
 * ({@link ProjectionQuality}) for k = 16 ... 192; the cosine kept by each output encoding; and the
 * bytes per record of each output topic. Run: {@code ProjectionStudy <workDir> <docsDir> [fit]
 * [heldOut] [seed]}.
 */
public final class ProjectionStudy {
  private ProjectionStudy() {}

  static final int[] KS = {16, 24, 32, 48, 64, 96, 128, 192};
  static final int QUERIES = 1_000;

  record Row(
      int k,
      double overlapCentred,
      double overlapUncentred,
      double pairCorr,
      double userCorr,
      double pairCorrUncentred,
      double userCorrUncentred) {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args.length > 0 ? args[0] : "target/projection-study");
    Path docs = Path.of(args.length > 1 ? args[1] : "docs");
    int fit = args.length > 2 ? Integer.parseInt(args[2]) : 6_000;
    int heldOut = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
    long seed = args.length > 4 ? Long.parseLong(args[4]) : 14L;
    List<String> texts = TextCorpus.generate(fit + heldOut, seed);
    Files.createDirectories(work);
    Files.write(work.resolve("texts.txt"), texts.stream().map(t -> t.replace('\n', ' ')).toList());
    float[][] vectors;
    String modelId;
    try (OnnxEmbedder embedder = OnnxEmbedder.create(EmbedderOptions.defaults())) {
      modelId = embedder.model().id();
      vectors = CorpusVectors.embed(embedder, texts, work.resolve("vectors.bin"), System.out);
    }
    float[][] fitSet = Arrays.copyOfRange(vectors, 0, fit);
    float[][] test = Arrays.copyOfRange(vectors, fit, fit + heldOut);

    StringBuilder out = new StringBuilder();
    Projection centred = Pca.fit(modelId, fitSet, KS[KS.length - 1], true);
    Projection uncentred = Pca.fit(modelId, fitSet, KS[KS.length - 1], false);
    List<Row> rows = new ArrayList<>();
    int[][] truth = ProjectionQuality.neighbours(test, QUERIES, 10);
    for (int k : KS) {
      float[][] c = apply(centred.truncate(k), test);
      float[][] u = apply(uncentred.truncate(k), test);
      Row row =
          new Row(
              k,
              ProjectionQuality.overlapAtK(truth, c, 10),
              ProjectionQuality.overlapAtK(truth, u, 10),
              ProjectionQuality.pairCorrelation(test, c, 200_000, 1),
              ProjectionQuality.userCorrelation(test, c, 1_000, 10, 2),
              ProjectionQuality.pairCorrelation(test, u, 200_000, 1),
              ProjectionQuality.userCorrelation(test, u, 1_000, 10, 2));
      rows.add(row);
      System.out.println(row);
    }
    double[] encodings = encodingCosines(test);
    String payload = payloadTable(modelId, test, uncentred.truncate(64));
    Files.createDirectories(docs);
    Files.writeString(docs.resolve("projection.svg"), svg(rows));
    Files.writeString(work.resolve("curve.md"), table(rows));
    Files.writeString(
        work.resolve("encodings.md"),
        String.format(
            Locale.ROOT,
            "float16: mean cosine %.8f, min %.8f; int8: mean %.6f, min %.6f (over %d held-out"
                + " vectors)%n",
            encodings[0],
            encodings[1],
            encodings[2],
            encodings[3],
            test.length));
    Files.writeString(work.resolve("payload.md"), payload);
    System.out.println(table(rows));
    System.out.println(Files.readString(work.resolve("encodings.md")));
    System.out.println(payload);
    out.append(modelId);
  }

  static float[][] apply(Projection p, float[][] v) {
    float[][] out = new float[v.length][];
    for (int i = 0; i < v.length; i++) {
      out[i] = p.apply(v[i]);
    }
    return out;
  }

  static String table(List<Row> rows) {
    StringBuilder b =
        new StringBuilder(
            "| k | bytes (float32) | overlap@10 PCA | overlap@10 SVD | text-text corr. PCA |"
                + " text-text corr. SVD | user-text corr. PCA | user-text corr. SVD |\n"
                + "|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    b.append("| 384 (full) | 1536 | 1 | 1 | 1 | 1 | 1 | 1 |\n");
    for (Row r : rows) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %d | %d | %.3f | %.3f | %.4f | %.4f | %.4f | %.4f |%n",
              r.k,
              4 * r.k,
              r.overlapCentred,
              r.overlapUncentred,
              r.pairCorr,
              r.pairCorrUncentred,
              r.userCorr,
              r.userCorrUncentred));
    }
    return b.toString();
  }

  /** Mean and minimum cosine between each vector and its float16 / int8 round trip. */
  static double[] encodingCosines(float[][] v) {
    double s16 = 0, m16 = 1, s8 = 0, m8 = 1;
    for (float[] x : v) {
      double c16 =
          ProjectionQuality.cosine(
              x,
              PackedVectors.unpack(
                  ByteBuffer.wrap(PackedVectors.pack(x, Encoding.FLOAT16)), Encoding.FLOAT16));
      double c8 =
          ProjectionQuality.cosine(
              x,
              PackedVectors.unpack(
                  ByteBuffer.wrap(PackedVectors.pack(x, Encoding.INT8)), Encoding.INT8));
      s16 += c16;
      s8 += c8;
      m16 = Math.min(m16, c16);
      m8 = Math.min(m8, c8);
    }
    return new double[] {s16 / v.length, m16, s8 / v.length, m8};
  }

  /** Bytes per record (value, single-object encoded) of the vector-carrying output topics. */
  static String payloadTable(String modelId, float[][] v, Projection p) {
    var ce = KembedSerdes.of(ContentEmbedding.class).serializer();
    var uv = KembedSerdes.of(UserVector.class).serializer();
    var iu = KembedSerdes.of(IndexUpdate.class).serializer();
    StringBuilder b =
        new StringBuilder(
            "| topic | float32 (default) | float16 | int8 | SVD k=64 + float32 | SVD k=64 + int8"
                + " |\n"
                + "|---|---:|---:|---:|---:|---:|\n");
    float[] full = v[0];
    double[] mean = new double[full.length];
    for (int i = 0; i < 20; i++) {
      for (int j = 0; j < full.length; j++) {
        mean[j] += v[i][j] / 20.0;
      }
    }
    float[] user = new float[full.length];
    for (int j = 0; j < full.length; j++) {
      user[j] = (float) mean[j];
    }
    String projectedId = modelId + "+" + p.id();
    int[][] sizes = new int[3][5];
    Encoding[] enc = {
      Encoding.FLOAT32, Encoding.FLOAT16, Encoding.INT8, Encoding.FLOAT32, Encoding.INT8
    };
    for (int c = 0; c < 5; c++) {
      boolean proj = c >= 3;
      String id = proj ? projectedId : modelId;
      float[] cv = proj ? p.apply(full) : full;
      float[] u = proj ? p.apply(user) : user;
      sizes[0][c] =
          ce.serialize(
                  "t",
                  RecordVectors.encode(
                      ContentEmbedding.newBuilder()
                          .setEntityId("post-000123")
                          .setEntityType(EntityType.POST)
                          .setAuthorId("user-042")
                          .setParentId(null)
                          .setModelId(id)
                          .setVector(Vectors.toList(cv))
                          .setContentHash("9f".repeat(32))
                          .setEventTime(Instant.ofEpochMilli(1_741_000_000_000L))
                          .build(),
                      enc[c]))
              .length;
      sizes[1][c] =
          uv.serialize(
                  "t",
                  RecordVectors.encode(
                      UserVector.newBuilder()
                          .setUserId("user-042")
                          .setKind(VectorKind.ENGAGEMENT)
                          .setWindow("P30D")
                          .setModelId(id)
                          .setVector(Vectors.toList(u))
                          .setTotalWeight(12.5)
                          .setEventCount(20)
                          .setAsOf(Instant.ofEpochMilli(1_741_000_000_000L))
                          .build(),
                      enc[c]))
              .length;
      sizes[2][c] =
          iu.serialize(
                  "t",
                  RecordVectors.encode(
                      IndexUpdate.newBuilder()
                          .setIndex("posts")
                          .setEntityId("post-000123")
                          .setOp(IndexOp.UPSERT)
                          .setModelId(id)
                          .setVector(Vectors.toList(cv))
                          .setEventTime(Instant.ofEpochMilli(1_741_000_000_000L))
                          .build(),
                      enc[c]))
              .length;
    }
    String[] topics = {
      "content-embeddings", "user-vectors (per window record)", "index-updates (UPSERT)"
    };
    for (int t = 0; t < 3; t++) {
      b.append("| ").append(topics[t]);
      for (int c = 0; c < 5; c++) {
        b.append(" | ").append(sizes[t][c]);
      }
      b.append(" |\n");
    }
    b.append("| similarity-features, query-expansions | no vector: unchanged | | | | |\n");
    return b.toString();
  }

  /** A line chart of the curve, drawn by hand: k on a log axis, quality 0..1. */
  static String svg(List<Row> rows) {
    int w = 780, h = 440, left = 60, right = 190, top = 30, bottom = 50;
    double minK = Math.log(16), maxK = Math.log(384);
    java.util.function.DoubleUnaryOperator x =
        k -> left + (Math.log(k) - minK) / (maxK - minK) * (w - left - right);
    java.util.function.DoubleUnaryOperator y = q -> top + (1 - q) * (h - top - bottom);
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"12\">%n",
            w,
            h));
    s.append(
        String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", w, h));
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"18\" font-size=\"14\">Projected all-MiniLM-L6-v2 (int8) vectors vs"
                + " 384 dims, 10,000 held-out texts</text>%n",
            left));
    for (double q = 0; q <= 1.0001; q += 0.2) {
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%d\""
                  + " y=\"%.1f\" text-anchor=\"end\">%.1f</text>%n",
              left,
              y.applyAsDouble(q),
              w - right,
              y.applyAsDouble(q),
              left - 6,
              y.applyAsDouble(q) + 4,
              q));
    }
    int[] ticks = {16, 24, 32, 38, 48, 64, 96, 128, 192, 384};
    for (int k : ticks) {
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"/><text x=\"%.1f\""
                  + " y=\"%d\" text-anchor=\"middle\">%d</text>%n",
              x.applyAsDouble(k),
              top,
              x.applyAsDouble(k),
              h - bottom,
              k == 38 ? "#f99" : "#eee",
              x.applyAsDouble(k),
              h - bottom + 16,
              k));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">dimensions k (log scale; red: 38 = 10x"
                + " smaller)</text>%n",
            (left + w - right) / 2,
            h - 12));
    s.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#f99\" stroke-dasharray=\"4"
                + " 3\"/>%n",
            left,
            y.applyAsDouble(0.8),
            w - right,
            y.applyAsDouble(0.8)));
    String[] names = {
      "overlap@10, PCA",
      "overlap@10, SVD",
      "text-text corr., PCA",
      "user-text corr., PCA",
      "text-text corr., SVD",
      "user-text corr., SVD"
    };
    String[] colours = {"#1f77b4", "#9ecae1", "#d62728", "#2ca02c", "#ff9896", "#98df8a"};
    for (int series = 0; series < 6; series++) {
      StringBuilder pts = new StringBuilder();
      List<double[]> points = new ArrayList<>();
      for (Row r : rows) {
        double q =
            switch (series) {
              case 0 -> r.overlapCentred;
              case 1 -> r.overlapUncentred;
              case 2 -> r.pairCorr;
              case 3 -> r.userCorr;
              case 4 -> r.pairCorrUncentred;
              default -> r.userCorrUncentred;
            };
        points.add(new double[] {r.k, q});
      }
      points.add(new double[] {384, 1});
      for (double[] p : points) {
        pts.append(
            String.format(Locale.ROOT, "%.1f,%.1f ", x.applyAsDouble(p[0]), y.applyAsDouble(p[1])));
      }
      s.append(
          String.format(
              Locale.ROOT,
              "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
              colours[series],
              pts.toString().strip()));
      for (double[] p : points) {
        s.append(
            String.format(
                Locale.ROOT,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n",
                x.applyAsDouble(p[0]),
                y.applyAsDouble(p[1]),
                colours[series]));
      }
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\""
                  + " stroke-width=\"2\"/><text x=\"%d\" y=\"%d\">%s</text>%n",
              w - right + 10,
              top + 10 + 20 * series,
              w - right + 30,
              top + 10 + 20 * series,
              colours[series],
              w - right + 34,
              top + 14 + 20 * series,
              names[series]));
    }
    s.append("</svg>\n");
    return s.toString();
  }
}
