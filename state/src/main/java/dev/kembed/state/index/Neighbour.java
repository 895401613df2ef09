package dev.kembed.state.index;

/**
 * One result of a nearest-neighbour query: the id of a stored item and its cosine similarity to the
 * query (1 = same direction, 0 = orthogonal, -1 = opposite). Query expansion publishes this score
 * as-is, so it is a similarity rather than hnswlib's distance.
 */
public record Neighbour(String id, double similarity) {}
