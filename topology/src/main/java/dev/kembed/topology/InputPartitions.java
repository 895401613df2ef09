package dev.kembed.topology;

import dev.kembed.topology.config.KembedConfig;

/**
 * How many partitions each input topic has. The topology needs them to know how many upstream tasks
 * write watermark markers into each repartition topic (a sub-topology runs one task per partition
 * of its widest source topic), so that a downstream task never releases events on the word of only
 * some of its upstream tasks. Input topics are the users'; their partition counts need not equal
 * {@code topics.partitions}, which sizes the topics kembed creates itself.
 */
public record InputPartitions(int posts, int comments, int interactions, int searches) {

  /** Every input at {@code topics.partitions}: right when kembed created the topics itself. */
  public static InputPartitions of(KembedConfig config) {
    int n = config.getInt(KembedConfig.TOPICS_PARTITIONS);
    return new InputPartitions(n, n, n, n);
  }
}
