package dev.kembed.inference;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Splits a call's texts into batches of similar token length, so that dynamic padding pads little:
 * a 6-token query batched with a 256-token post would otherwise cost as much as a long text.
 * Batches hold input positions, so results can be put back in input order.
 */
final class LengthBatcher {

  private LengthBatcher() {}

  /** Input positions grouped into batches of at most {@code batchSize}, shortest texts first. */
  static List<int[]> plan(long[][] ids, int batchSize) {
    int[] order =
        IntStream.range(0, ids.length)
            .boxed()
            .sorted(Comparator.comparingInt(i -> ids[i].length))
            .mapToInt(Integer::intValue)
            .toArray();
    List<int[]> batches = new ArrayList<>((ids.length + batchSize - 1) / batchSize);
    for (int from = 0; from < order.length; from += batchSize) {
      int to = Math.min(order.length, from + batchSize);
      int[] batch = new int[to - from];
      System.arraycopy(order, from, batch, 0, batch.length);
      batches.add(batch);
    }
    return batches;
  }
}
