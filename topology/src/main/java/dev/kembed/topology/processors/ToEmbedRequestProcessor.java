package dev.kembed.topology.processors;

import dev.kembed.topology.guard.InputGuard;
import dev.kembed.topology.internal.EmbedRequest;
import java.nio.ByteBuffer;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Turns a post or comment record into an {@link EmbedRequest} and stamps it with where it came from
 * (topic, partition, offset, and the value re-encoded), so that if the model later fails on this
 * one text the DLQ record can still say exactly which input it was. The {@link InputGuard} checks
 * the record first (event time, bounded key and fields); invalid input throws from the guard or the
 * mapper and goes to the DLQ through Kafka Streams' processing exception handler.
 */
public final class ToEmbedRequestProcessor<V>
    implements FixedKeyProcessor<String, V, EmbedRequest> {

  /** Builds a request from key, value (null for a tombstone) and record timestamp. */
  @FunctionalInterface
  public interface Mapper<V> {
    EmbedRequest map(String key, V value, long timestamp);
  }

  private final Mapper<V> mapper;
  private final Serializer<V> valueSerializer;
  private final InputGuard guard;
  private FixedKeyProcessorContext<String, EmbedRequest> context;

  public ToEmbedRequestProcessor(
      Mapper<V> mapper, Serializer<V> valueSerializer, InputGuard guard) {
    this.mapper = mapper;
    this.guard = guard;
    this.valueSerializer = valueSerializer;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, EmbedRequest> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, V> record) {
    guard.check(
        record.key(),
        (IndexedRecord) record.value(),
        record.timestamp(),
        context.currentSystemTimeMs());
    EmbedRequest request = mapper.map(record.key(), record.value(), record.timestamp());
    context
        .recordMetadata()
        .ifPresent(
            m -> {
              request.setSourceTopic(m.topic());
              request.setSourcePartition(m.partition());
              request.setSourceOffset(m.offset());
            });
    if (record.value() != null) {
      String topic = request.getSourceTopic() == null ? "" : request.getSourceTopic();
      request.setSourceValue(ByteBuffer.wrap(valueSerializer.serialize(topic, record.value())));
    }
    context.forward(record.withValue(request));
  }
}
