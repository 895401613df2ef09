package dev.kembed.topology.processors;

import dev.kembed.schemas.InteractionType;
import dev.kembed.topology.content.Signals;
import dev.kembed.topology.features.InteractionWeights;
import dev.kembed.topology.internal.UserSignal;

/**
 * The weight a signal adds to its user's vector: its interaction type's weight for engagement, the
 * search weight for search intent.
 */
public record SignalWeights(InteractionWeights interactions, double search) {
  public double of(UserSignal s) {
    return Signals.SEARCH_INTENT.equals(s.getKind())
        ? search
        : interactions.weight(InteractionType.valueOf(s.getEventType()));
  }
}
