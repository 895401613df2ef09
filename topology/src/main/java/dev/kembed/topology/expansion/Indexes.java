package dev.kembed.topology.expansion;

import dev.kembed.state.index.VectorIndex;
import java.util.List;
import java.util.Optional;

/**
 * Read access to an instance's named nearest-neighbour indexes, as the HTTP API needs it: the index
 * itself, whether it has caught up, and a status line per index. {@link IndexService} is the real
 * one.
 */
public interface Indexes {

  /** The index named {@code name}, if this instance keeps one. */
  Optional<VectorIndex> index(String name);

  /** True once every index has read what the topic held at start. */
  boolean ready();

  /** One entry per index. */
  List<IndexStatus> status();

  /** No indexes at all (an instance run with {@code index.enabled=false}): ready, and empty. */
  static Indexes none() {
    return new Indexes() {
      @Override
      public Optional<VectorIndex> index(String name) {
        return Optional.empty();
      }

      @Override
      public boolean ready() {
        return true;
      }

      @Override
      public List<IndexStatus> status() {
        return List.of();
      }
    };
  }

  /** One index's state as reported by /health and /metrics. */
  record IndexStatus(String name, String modelId, int size, boolean ready, String failure) {}
}
