package dev.kembed.state.index;

import java.util.Map;

/**
 * A restored index and the per-partition input offsets that were saved with it. What an offset
 * means (last record applied, or next to read) is the caller's convention: {@link IndexSnapshots}
 * stores and returns it unchanged.
 */
public record LoadedSnapshot(HnswVectorIndex index, Map<Integer, Long> offsets) {
  public LoadedSnapshot {
    offsets = Map.copyOf(offsets);
  }
}
