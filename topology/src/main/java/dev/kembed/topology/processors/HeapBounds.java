package dev.kembed.topology.processors;

/**
 * What each task that holds user vectors (the user-vector and author-feature processors of one
 * partition) may keep in the heap to spare RocksDB reads: window sums ({@code
 * user.vector.window.cache.entries}), distinct vectors of held signals ({@code
 * user.vector.held.vectors}) and bytes of the reorder buffer's items ({@code
 * user.vector.held.bytes}). Each at 0 reads from the store every time.
 */
public record HeapBounds(int windowCacheEntries, int heldVectors, long heldBytes) {
  public HeapBounds {
    if (windowCacheEntries < 0 || heldVectors < 0 || heldBytes < 0) {
      throw new IllegalArgumentException("heap bounds must be >= 0: " + this);
    }
  }
}
