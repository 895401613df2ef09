package dev.kembed.topology.time;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;

/**
 * The reorder buffer's writes still held, indexed by user, kind and event time, so that "this
 * user's held writes before t" is one range read. It is a secondary index of the timeline store,
 * kept in memory only: every entry points at the timeline key that holds the signal, so the index
 * costs about a hundred bytes per held write and no changelog record, and it is rebuilt from the
 * timeline whenever the task initialises (after a restore, a rebalance or a revival), and shared by
 * the task's processors through a {@link TaskLocalStore}. Keys are {@link TimelineKeys#held} keys,
 * which sort as RocksDB sorts them (unsigned bytes).
 */
public final class HeldWrites {
  private final NavigableMap<Bytes, Bytes> byUser = new TreeMap<>();

  /** Indexes the write of (user, kind) at {@code time} with {@code id}, held at {@code key}. */
  public void add(String user, String kind, long time, String id, Bytes timelineKey) {
    byUser.put(TimelineKeys.held(user, kind, time, id), timelineKey);
  }

  /** Forgets the write, once released from the timeline. */
  public void remove(String user, String kind, long time, String id) {
    byUser.remove(TimelineKeys.held(user, kind, time, id));
  }

  /** Timeline keys of (user, kind)'s held writes with event time before {@code t}, oldest first. */
  public List<Bytes> before(String user, String kind, long t) {
    Bytes[] range = TimelineKeys.heldBefore(user, kind, t);
    return new ArrayList<>(byUser.subMap(range[0], true, range[1], true).values());
  }

  public int size() {
    return byUser.size();
  }
}
