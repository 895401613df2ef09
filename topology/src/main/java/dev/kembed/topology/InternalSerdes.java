package dev.kembed.topology;

import dev.kembed.topology.internal.EmbedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Serdes for kembed's internal records (state stores and their changelogs). Avro single-object
 * encoding like the public topics, so a changelog written by an older kembed stays readable.
 */
public final class InternalSerdes {
  private InternalSerdes() {}

  public static Serde<EmbedRequest> embedRequest() {
    return Serdes.serdeFrom(
        (topic, r) -> {
          if (r == null) {
            return null;
          }
          try {
            ByteBuffer b = r.toByteBuffer();
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          try {
            return EmbedRequest.fromByteBuffer(ByteBuffer.wrap(bytes));
          } catch (IOException e) {
            throw new UncheckedIOException("corrupt embed buffer entry in " + topic, e);
          }
        });
  }
}
