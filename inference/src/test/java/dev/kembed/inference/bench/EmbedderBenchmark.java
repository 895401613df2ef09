package dev.kembed.inference.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.kembed.inference.EmbedderOptions;
import dev.kembed.inference.ModelSource;
import dev.kembed.inference.OnnxEmbedder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Embedder throughput as a ratio against a bare ONNX Runtime loop on the same model and machine, in
 * the same run. For each model and text length it measures (a) {@code session.run} on
 * pre-tokenized, pre-built tensors at batch sizes 1, 8, 32 and 128, with as many intra-op threads
 * as the embedder has cores, and (b) {@link OnnxEmbedder#embed} in its default batch-invariant
 * mode, tokenization included. Configurations are measured in alternation over several rounds and
 * the best round is kept, so background load hits them alike. Prints a markdown table.
 *
 * <p>Flags: {@code --seconds S} per measurement (default 0.5), {@code --rounds N} (3), {@code
 * --threads T} (available cores), {@code --models a,b}, {@code --lengths query,post,long}, {@code
 * --call-size N} texts per embed call (32, a typical micro-batch). A measurement always completes
 * at least one call, so long texts at batch 128 take longer than {@code --seconds}.
 */
public final class EmbedderBenchmark {

  private static final int[] BATCH_SIZES = {1, 8, 32, 128};
  private static final int POOL = 128;

  private enum Length {
    QUERY,
    POST,
    LONG
  }

  private record Row(
      String model,
      Length length,
      double tokens,
      double[] bare,
      double embedder,
      double intraOnly,
      double tokenizer,
      int embedderBatch) {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = parse(argv);
    double seconds = Double.parseDouble(args.getOrDefault("seconds", "0.5"));
    int rounds = Integer.parseInt(args.getOrDefault("rounds", "3"));
    int threads =
        Integer.parseInt(
            args.getOrDefault("threads", "" + Runtime.getRuntime().availableProcessors()));
    int callSize = Integer.parseInt(args.getOrDefault("call-size", "32"));
    List<String> models =
        List.of(
            args.getOrDefault("models", ModelSource.MINILM_INT8 + "," + ModelSource.MINILM_FP32)
                .split(","));
    List<Length> lengths = new ArrayList<>();
    for (String l : args.getOrDefault("lengths", "query,post,long").split(",")) {
      lengths.add(Length.valueOf(l.strip().toUpperCase(Locale.ROOT)));
    }

    long start = System.nanoTime();
    List<Row> rows = new ArrayList<>();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    for (String model : models) {
      EmbedderOptions options = EmbedderOptions.builder().model(model).build();
      // The alternative to spreading one-text runs over worker threads: all threads inside each
      // run.
      EmbedderOptions intraOnlyOptions =
          EmbedderOptions.builder().model(model).intraOpThreads(threads).parallelism(1).build();
      try (OnnxEmbedder embedder = OnnxEmbedder.create(options);
          OnnxEmbedder intraOnly = OnnxEmbedder.create(intraOnlyOptions);
          HuggingFaceTokenizer tokenizer = tokenizer(model, embedder.model().maxTokens());
          OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
        so.setIntraOpNumThreads(threads);
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        try (OrtSession session = env.createSession(resource("/" + model + ".onnx"), so)) {
          for (Length length : lengths) {
            rows.add(
                measure(
                    model, length, env, session, tokenizer, embedder, intraOnly, seconds, rounds,
                    callSize));
          }
        }
      }
    }
    printTable(rows, threads, seconds, rounds, callSize, (System.nanoTime() - start) / 1e9);
  }

  private static Row measure(
      String model,
      Length length,
      OrtEnvironment env,
      OrtSession session,
      HuggingFaceTokenizer tokenizer,
      OnnxEmbedder embedder,
      OnnxEmbedder intraOnly,
      double seconds,
      int rounds,
      int callSize)
      throws Exception {
    List<String> texts = texts(length, POOL, 17);
    Encoding[] encodings = tokenizer.batchEncode(texts.toArray(String[]::new), true, false);
    long[][] ids = new long[encodings.length][];
    double tokens = 0;
    for (int i = 0; i < ids.length; i++) {
      ids[i] = encodings[i].getIds();
      tokens += ids[i].length;
    }
    tokens /= ids.length;
    boolean tokenTypes = session.getInputNames().contains("token_type_ids");
    String output =
        session.getOutputNames().contains("last_hidden_state")
            ? "last_hidden_state"
            : session.getOutputNames().iterator().next();

    Map<String, Callable<Integer>> configs = new LinkedHashMap<>();
    List<List<Map<String, OnnxTensor>>> prebuilt = new ArrayList<>();
    for (int b : BATCH_SIZES) {
      List<Map<String, OnnxTensor>> batches = new ArrayList<>();
      for (int from = 0; from < ids.length; from += b) {
        batches.add(tensors(env, ids, from, Math.min(ids.length, from + b), tokenTypes));
      }
      prebuilt.add(batches);
      int[] next = {0};
      configs.put(
          "bare" + b,
          () -> {
            Map<String, OnnxTensor> in = batches.get(next[0]++ % batches.size());
            try (OrtSession.Result r = session.run(in, Set.of(output))) {
              ((OnnxTensor) r.get(0)).getFloatBuffer(); // the copy out is part of any real loop
            }
            return (int) in.get("input_ids").getInfo().getShape()[0];
          });
    }
    List<String> call = new ArrayList<>(callSize);
    for (int i = 0; i < callSize; i++) {
      call.add(texts.get(i % texts.size()));
    }
    configs.put("embedder", () -> embedder.embed(call).length);
    configs.put("intraOnly", () -> intraOnly.embed(call).length);
    configs.put(
        "tokenizer",
        () -> {
          tokenizer.batchEncode(call.toArray(String[]::new), true, false);
          return call.size();
        });

    Map<String, Double> best = new HashMap<>();
    for (Callable<Integer> c : configs.values()) {
      c.call(); // warm up: first runs allocate arenas and JIT-compile
    }
    for (int round = 0; round < rounds; round++) {
      for (Map.Entry<String, Callable<Integer>> e : configs.entrySet()) {
        best.merge(e.getKey(), throughput(e.getValue(), seconds), Math::max);
      }
    }
    for (List<Map<String, OnnxTensor>> batches : prebuilt) {
      batches.forEach(m -> m.values().forEach(OnnxTensor::close));
    }
    double[] bare = new double[BATCH_SIZES.length];
    for (int i = 0; i < bare.length; i++) {
      bare[i] = best.get("bare" + BATCH_SIZES[i]);
    }
    System.err.printf("measured %s %s%n", model, length);
    return new Row(
        model,
        length,
        tokens,
        bare,
        best.get("embedder"),
        best.get("intraOnly"),
        best.get("tokenizer"),
        Math.min(callSize, embedder.textsPerRun()));
  }

  /** Texts per second; runs at least once, then until the time is up. */
  private static double throughput(Callable<Integer> work, double seconds) throws Exception {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    long start = System.nanoTime();
    long texts = 0;
    do {
      texts += work.call();
    } while (System.nanoTime() < deadline);
    return texts / ((System.nanoTime() - start) / 1e9);
  }

  private static Map<String, OnnxTensor> tensors(
      OrtEnvironment env, long[][] ids, int from, int to, boolean tokenTypes) throws OrtException {
    int rows = to - from;
    int longest = 0;
    for (int i = from; i < to; i++) {
      longest = Math.max(longest, ids[i].length);
    }
    LongBuffer input = direct(rows * longest);
    LongBuffer mask = direct(rows * longest);
    for (int i = from; i < to; i++) {
      int base = (i - from) * longest;
      for (int t = 0; t < ids[i].length; t++) {
        input.put(base + t, ids[i][t]);
        mask.put(base + t, 1);
      }
    }
    long[] shape = {rows, longest};
    Map<String, OnnxTensor> m = new HashMap<>();
    m.put("input_ids", OnnxTensor.createTensor(env, input, shape));
    m.put("attention_mask", OnnxTensor.createTensor(env, mask, shape));
    if (tokenTypes) {
      m.put("token_type_ids", OnnxTensor.createTensor(env, direct(rows * longest), shape));
    }
    return m;
  }

  private static LongBuffer direct(int n) {
    return ByteBuffer.allocateDirect(n * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
  }

  private static HuggingFaceTokenizer tokenizer(String model, int maxTokens) throws IOException {
    try (InputStream in =
        EmbedderBenchmark.class.getResourceAsStream("/" + model + "-tokenizer.json")) {
      return HuggingFaceTokenizer.newInstance(
          in,
          Map.of(
              "truncation",
              "true",
              "padding",
              "false",
              "maxLength",
              "" + maxTokens,
              "modelMaxLength",
              "" + Math.max(512, maxTokens)));
    }
  }

  private static byte[] resource(String path) throws IOException {
    try (InputStream in = EmbedderBenchmark.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("benchmark compares built-in models only; no " + path);
      }
      return in.readAllBytes();
    }
  }

  private static final String[] WORDS =
      ("neighbour plumber couch sofa lost cat kitten dog walker babysitter nanny garage sale street"
           + " park school bike stolen car window broken fence repair electrician recommend weekend"
           + " market eggs fresh free pickup tonight morning please help thanks everyone community"
           + " noise party lawn mower tree branch storm power outage water leak roof gutter")
          .split(" ");

  /**
   * Queries of ~4 words (~6 tokens), posts of ~45 words (~60 tokens), long posts past 256 tokens.
   */
  static List<String> texts(Length length, int count, long seed) {
    int words =
        switch (length) {
          case QUERY -> 4;
          case POST -> 45;
          case LONG -> 300;
        };
    Random random = new Random(seed);
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      StringBuilder sb = new StringBuilder();
      for (int w = 0; w < words; w++) {
        sb.append(w == 0 ? "" : w % 12 == 11 ? ". " : " ")
            .append(WORDS[random.nextInt(WORDS.length)]);
      }
      out.add(sb.toString());
    }
    return out;
  }

  private static void printTable(
      List<Row> rows, int threads, double seconds, int rounds, int callSize, double elapsed) {
    System.out.printf(
        "%n%d threads, %.1f s per measurement, best of %d rounds, %d texts per embed call, %.0f s"
            + " in all%n%n",
        threads, seconds, rounds, callSize, elapsed);
    System.out.println(
        "| model | texts | tokens/text | bare b=1 | bare b=8 | bare b=32 | bare b=128 | Embedder |"
            + " Embedder / best bare | Embedder / bare at its batch size | tokenizing share |"
            + " Embedder, intra-op only |");
    System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Row r : rows) {
      double bestBare = 0;
      for (double b : r.bare) {
        bestBare = Math.max(bestBare, b);
      }
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.2f | %.2f (b=%d) | %.0f%% | %.0f"
              + " |%n",
          r.model,
          r.length.name().toLowerCase(Locale.ROOT),
          r.tokens,
          r.bare[0],
          r.bare[1],
          r.bare[2],
          r.bare[3],
          r.embedder,
          r.embedder / bestBare,
          r.embedder / bareAt(r),
          r.embedderBatch,
          100 * r.embedder / r.tokenizer,
          r.intraOnly);
    }
    System.out.println(
        "\n"
            + "throughput in texts/s; tokenizing share = time the tokenizer alone needs / Embedder"
            + " time, same texts;");
    System.out.println(
        "Embedder = default options (auto batching: int8 one text per run on "
            + threads
            + " workers x 1 intra-op thread, fp32 batches of 32 on 1 x "
            + threads
            + ");");
    System.out.println(
        "intra-op only = same but parallelism 1 with " + threads + " intra-op threads per run");
  }

  /** Bare throughput at the largest measured batch size not above the Embedder's. */
  private static double bareAt(Row r) {
    double bare = r.bare[0];
    for (int i = 0; i < BATCH_SIZES.length; i++) {
      if (BATCH_SIZES[i] <= r.embedderBatch) {
        bare = r.bare[i];
      }
    }
    return bare;
  }

  private static Map<String, String> parse(String[] argv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < argv.length; i++) {
      if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
        throw new IllegalArgumentException(
            "usage: --seconds S --rounds N --threads T --models a,b --lengths query,post,long"
                + " --call-size N");
      }
      m.put(argv[i].substring(2), argv[++i]);
    }
    return m;
  }
}
