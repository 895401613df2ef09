package dev.kembed.topology.content;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kembed.topology.internal.EmbedRequest;
import dev.kembed.topology.internal.InternalSerdes;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The buffer's earliest event time, which holds the task's watermark: it covers every request in
 * the store, waiting or handed out (in flight), and follows edits, removals and a restore.
 */
class BatchBufferTest {

  private static KeyValueStore<String, EmbedRequest> store() {
    MockProcessorContext<String, Object> ctx = new MockProcessorContext<>();
    KeyValueStore<String, EmbedRequest> s =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore("buffer"),
                Serdes.String(),
                InternalSerdes.embedRequest())
            .withLoggingDisabled()
            .build();
    s.init(ctx.getStateStoreContext(), s);
    return s;
  }

  private static EmbedRequest request(String id, long eventTime) {
    return EmbedRequest.newBuilder()
        .setEntityId(id)
        .setEntityType("POST")
        .setText("text of " + id)
        .setContentHash("h-" + id + "-" + eventTime)
        .setEventTime(eventTime)
        .setSeq(0)
        .setEnqueuedAtMs(0)
        .build();
  }

  @Test
  void theEarliestEventTimeCoversWaitingAndInFlightRequestsAndFollowsEditsAndRemovals() {
    BatchBuffer buffer = new BatchBuffer(store());
    assertEquals(Long.MAX_VALUE, buffer.earliestEventTime(), "empty: holds nothing");
    buffer.put("POST:a", request("a", 5_000), 0);
    buffer.put("POST:b", request("b", 3_000), 0);
    buffer.put("POST:c", request("c", 3_000), 0); // two requests share 3_000
    buffer.put("POST:d", request("d", 9_000), 0);
    assertEquals(3_000, buffer.earliestEventTime());

    // a and b are handed out to the model: still in the store, still holding.
    List<String> handedOut = buffer.nextBatch(2).stream().map(kv -> kv.key).toList();
    assertEquals(List.of("POST:a", "POST:b"), handedOut);
    assertEquals(3_000, buffer.earliestEventTime(), "in flight still holds");

    assertEquals(
        true,
        buffer.removeIfCurrent("POST:b", buffer.get("POST:b").getSeq())); // b's outputs went out
    assertEquals(3_000, buffer.earliestEventTime(), "c has the same event time");
    buffer.remove("POST:c"); // deleted
    assertEquals(5_000, buffer.earliestEventTime(), "a, in flight, is now the earliest");

    buffer.put(
        "POST:a",
        request("a", 7_000),
        0); // an edit replaces a (the in-flight result will be dropped)
    assertEquals(7_000, buffer.earliestEventTime());
    buffer.put("POST:e", request("e", 1_000), 0);
    assertEquals(1_000, buffer.earliestEventTime());
  }

  @Test
  void aRestoredBufferHoldsAtItsEarliestRequest() {
    KeyValueStore<String, EmbedRequest> s = store();
    // What a restore leaves: requests stamped with their arrival sequence.
    s.put("POST:x", EmbedRequest.newBuilder(request("x", 8_000)).setSeq(3).build());
    s.put("POST:y", EmbedRequest.newBuilder(request("y", 2_000)).setSeq(4).build());
    s.put("POST:z", EmbedRequest.newBuilder(request("z", 4_000)).setSeq(5).build());
    BatchBuffer buffer = new BatchBuffer(s);
    assertEquals(2_000, buffer.earliestEventTime());
    buffer.remove("POST:y");
    assertEquals(4_000, buffer.earliestEventTime());
    buffer.remove("POST:z");
    buffer.remove("POST:x");
    assertEquals(Long.MAX_VALUE, buffer.earliestEventTime());
  }
}
