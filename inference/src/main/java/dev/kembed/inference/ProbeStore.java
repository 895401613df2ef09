package dev.kembed.inference;

import java.util.Optional;

/** Where probe vectors recorded under a model id are kept between runs. */
public interface ProbeStore {

  /**
   * Probe vectors recorded earlier.
   *
   * @param modelId the id they were recorded under
   * @param textsFingerprint {@link ProbeTexts#fingerprint()} they were recorded for
   */
  record Recorded(String modelId, String textsFingerprint, float[][] vectors) {}

  /** What was recorded under this id, if anything. */
  Optional<Recorded> load(String modelId);

  /** Records (or replaces) the probe vectors of this id. */
  void save(Recorded probes);
}
