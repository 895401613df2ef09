package dev.kembed.inference;

import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up check that a model id does not lie: embeds {@link ProbeTexts}, compares each vector
 * with the one recorded by earlier runs under the same id, and refuses to start when the lowest
 * cosine is below the threshold (default {@value #DEFAULT_MIN_COSINE}: float noise between runs of
 * one build is about 1e-7, an ONNX Runtime upgrade or a different optimisation pass moves int8
 * vectors to 0.99–0.9998). The first run under an id records the probes. An operator who knows the
 * change is harmless passes {@code acceptMismatch}: the mismatch is logged and the new vectors
 * become the record.
 */
public final class ProbeCheck {
  private static final Logger log = LoggerFactory.getLogger(ProbeCheck.class);

  /**
   * Lowest cosine between a probe's recorded and current vector that still counts as the same
   * model.
   */
  public static final double DEFAULT_MIN_COSINE = 0.9999;

  /** What the check did. */
  public enum Outcome {
    /** No probes under this id yet (or for another probe set): recorded now. */
    RECORDED,
    /** Every probe within the threshold. */
    MATCHED,
    /** Below the threshold, accepted by the operator: re-recorded. */
    ACCEPTED
  }

  /**
   * @param outcome what happened
   * @param minCosine lowest cosine over the probes (1 when just recorded)
   * @param worstText the probe text with that cosine (null when just recorded)
   */
  public record Result(Outcome outcome, double minCosine, String worstText) {}

  /** Thrown when the vectors under an id changed beyond the threshold and nobody accepted it. */
  public static final class ProbeMismatchException extends IllegalStateException {
    private final double minCosine;

    ProbeMismatchException(String message, double minCosine) {
      super(message);
      this.minCosine = minCosine;
    }

    public double minCosine() {
      return minCosine;
    }
  }

  private final ProbeStore store;
  private final double minCosine;
  private final boolean acceptMismatch;

  public ProbeCheck(ProbeStore store, double minCosine, boolean acceptMismatch) {
    if (!(minCosine > -1 && minCosine <= 1)) {
      throw new IllegalArgumentException("minCosine must be in (-1, 1], got " + minCosine);
    }
    this.store = store;
    this.minCosine = minCosine;
    this.acceptMismatch = acceptMismatch;
  }

  /** Checks the embedder against the probes recorded under its own id. */
  public Result verify(Embedder embedder) {
    return verify(embedder.model().id(), embedder);
  }

  /**
   * Checks the embedder against the probes recorded under {@code modelId} (tests use this to put
   * two configurations under one id, which is exactly what the check guards against).
   *
   * @throws ProbeMismatchException when a probe is below the threshold and mismatches are not
   *     accepted
   */
  public Result verify(String modelId, Embedder embedder) {
    float[][] now = embedder.embed(ProbeTexts.TEXTS);
    String fingerprint = ProbeTexts.fingerprint();
    Optional<ProbeStore.Recorded> earlier =
        store
            .load(modelId)
            .filter(
                r -> r.textsFingerprint().equals(fingerprint) && r.vectors().length == now.length);
    if (earlier.isEmpty()) {
      store.save(new ProbeStore.Recorded(modelId, fingerprint, now));
      log.info("{}: no probe vectors recorded under this id yet; recorded {}", modelId, now.length);
      return new Result(Outcome.RECORDED, 1.0, null);
    }
    float[][] recorded = earlier.get().vectors();
    double worst = Double.POSITIVE_INFINITY;
    int worstAt = -1;
    for (int i = 0; i < now.length; i++) {
      double c = cosine(recorded[i], now[i]);
      if (c < worst) {
        worst = c;
        worstAt = i;
      }
    }
    String text = ProbeTexts.TEXTS.get(worstAt);
    if (worst >= minCosine) {
      log.info("{}: probe vectors match earlier runs (lowest cosine {})", modelId, format(worst));
      return new Result(Outcome.MATCHED, worst, text);
    }
    String message =
        String.format(
            Locale.ROOT,
            "model id %s computes different vectors than earlier runs under the same id: lowest"
                + " probe cosine %s < %s (on \"%s\"). Something that changes vectors (ONNX Runtime"
                + " version, CPU/GPU kernels, model files) is not covered by the id, and new"
                + " vectors would be mixed with old ones. Re-embed under a new id, or accept the"
                + " change with inference.probe.accept.mismatch=true.",
            modelId,
            format(worst),
            format(minCosine),
            abbreviate(text));
    if (!acceptMismatch) {
      throw new ProbeMismatchException(message, worst);
    }
    log.warn("{} -- accepted by inference.probe.accept.mismatch; re-recording the probes", message);
    store.save(new ProbeStore.Recorded(modelId, fingerprint, now));
    return new Result(Outcome.ACCEPTED, worst, text);
  }

  private static String format(double cosine) {
    return String.format(Locale.ROOT, "%.6f", cosine);
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }

  private static double cosine(float[] a, float[] b) {
    if (a.length != b.length) {
      return -1; // another dimension is as different as vectors get
    }
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }
}
