package dev.kembed.inference;

/**
 * What a consumer of vectors needs to know about the model that made them.
 *
 * @param id stable identifier including a hash of the model file, e.g. {@code
 *     all-minilm-l6-v2-q@3f2a9c1d}
 * @param dimension length of every vector
 * @param maxTokens tokens per text after which input is truncated
 * @param batchInvariant true if batching texts together cannot change any text's vector
 */
public record ModelInfo(String id, int dimension, int maxTokens, boolean batchInvariant) {}
