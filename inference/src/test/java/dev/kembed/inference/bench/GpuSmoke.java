package dev.kembed.inference.bench;

import dev.kembed.inference.EmbedderOptions;
import dev.kembed.inference.OnnxEmbedder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The GPU smoke test {@code bin/gpu-smoke} runs on a CUDA host (built with {@code -Pgpu}): the
 * default CUDA model (fp32, batched) must give the CPU fp32 vectors (cosine ≥ 0.9999 for every
 * text; exit code 1 otherwise), then texts/s is printed for calls of 1 to 256 texts. Args: {@code
 * [deviceId] [texts]}.
 */
public final class GpuSmoke {
  private GpuSmoke() {}

  static final double MIN_COSINE = 0.9999;

  public static void main(String[] args) {
    int deviceId = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 2_048;
    List<String> texts = texts(n);
    EmbedderOptions gpuOptions =
        EmbedderOptions.builder()
            .device(EmbedderOptions.Device.CUDA)
            .deviceId(deviceId)
            .batchSize(256)
            .build();
    try (OnnxEmbedder cpu =
            OnnxEmbedder.create(EmbedderOptions.builder().model(gpuOptions.model()).build());
        OnnxEmbedder gpu = OnnxEmbedder.create(gpuOptions)) {
      System.out.printf(
          "CUDA model %s (device %d); CPU reference %s%n",
          gpu.model().id(), deviceId, cpu.model().id());
      List<String> check = texts.subList(0, Math.min(512, n));
      float[][] a = cpu.embed(check);
      float[][] b = gpu.embed(check);
      double min = 1;
      double sum = 0;
      for (int i = 0; i < a.length; i++) {
        double c = cosine(a[i], b[i]);
        min = Math.min(min, c);
        sum += c;
      }
      System.out.printf(
          Locale.ROOT,
          "CPU vs CUDA fp32 over %d texts: mean cosine %.7f, min %.7f (need >= %.4f)%n",
          a.length,
          sum / a.length,
          min,
          MIN_COSINE);
      if (min < MIN_COSINE) {
        System.out.println("FAIL: CUDA vectors differ from CPU vectors");
        System.exit(1);
      }
      System.out.println("batch  texts/s");
      for (int batch = 1; batch <= 256; batch *= 2) {
        gpu.embed(texts.subList(0, batch)); // warm-up for this shape
        int done = 0;
        long start = System.nanoTime();
        while (done + batch <= n && System.nanoTime() - start < 5_000_000_000L) {
          gpu.embed(texts.subList(done, done + batch));
          done += batch;
        }
        double s = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%5d  %8.0f%n", batch, done / s);
      }
      System.out.println("OK");
    }
  }

  /** Neighbourhood posts of 5 to 120 words, deterministic. */
  static List<String> texts(int n) {
    String[] words =
        ("lost dog near the park please share found cat street plumber recommend couch free pick up"
                + " today market saturday volunteers needed school car broken window police night"
                + " neighbours help thanks garden")
            .split(" ");
    Random r = new Random(1);
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int len = 5 + r.nextInt(116);
      StringBuilder b = new StringBuilder();
      for (int w = 0; w < len; w++) {
        b.append(words[r.nextInt(words.length)]).append(w % 12 == 11 ? ". " : " ");
      }
      out.add(b.toString().strip());
    }
    return out;
  }

  static double cosine(float[] a, float[] b) {
    double d = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      d += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return d / Math.sqrt(na * nb);
  }
}
