package dev.kembed.topology.processors;

import dev.kembed.topology.internal.PartialFeatureRow;

/** Test access to AuthorFeatureProcessor's package-private decoding. */
public final class AuthorFeatureProcessorAccess {
  private AuthorFeatureProcessorAccess() {}

  public static double[] viewerMean(PartialFeatureRow row, String window) {
    return AuthorFeatureProcessor.viewerMean(row, window);
  }
}
