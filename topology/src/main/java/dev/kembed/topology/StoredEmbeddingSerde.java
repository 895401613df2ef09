package dev.kembed.topology;

import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.EntityType;
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.schemas.vector.PackedVectors;
import dev.kembed.topology.content.Vectors;
import dev.kembed.topology.internal.InternalSerdes;
import dev.kembed.topology.internal.StoredEmbedding;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The serde of the {@code entity-vectors} and {@code pending-comments} stores: processors keep
 * working with {@link ContentEmbedding}, but the bytes in RocksDB and the changelog are a {@link
 * StoredEmbedding} whose vector is packed float32 (1.5 KB of raw floats instead of 384 boxed Avro
 * floats), and the vector read back is an unboxed view ({@link Vectors#toList}). Values written by
 * earlier versions in the public ContentEmbedding encoding are recognised by their schema
 * fingerprint and still read.
 */
public final class StoredEmbeddingSerde {
  private StoredEmbeddingSerde() {}

  public static Serde<ContentEmbedding> create() {
    Serde<StoredEmbedding> stored = InternalSerdes.of(StoredEmbedding.class);
    Deserializer<ContentEmbedding> legacy = KembedSerdes.of(ContentEmbedding.class).deserializer();
    Serializer<ContentEmbedding> ser =
        (topic, e) -> e == null ? null : stored.serializer().serialize(topic, toStored(e));
    Deserializer<ContentEmbedding> de =
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          StoredEmbedding s;
          try {
            s = stored.deserializer().deserialize(topic, bytes);
          } catch (RuntimeException notPacked) {
            return legacy.deserialize(topic, bytes); // written before the packed format
          }
          return fromStored(s);
        };
    return Serdes.serdeFrom(ser, de);
  }

  static StoredEmbedding toStored(ContentEmbedding e) {
    return StoredEmbedding.newBuilder()
        .setEntityId(e.getEntityId())
        .setEntityType(e.getEntityType().name())
        .setAuthorId(e.getAuthorId())
        .setParentId(e.getParentId())
        .setModelId(e.getModelId())
        .setVector(ByteBuffer.wrap(PackedVectors.pack(Vectors.toArray(e.getVector()))))
        .setContentHash(e.getContentHash())
        .setEventTime(e.getEventTime().toEpochMilli())
        .build();
  }

  static ContentEmbedding fromStored(StoredEmbedding s) {
    return ContentEmbedding.newBuilder()
        .setEntityId(s.getEntityId())
        .setEntityType(EntityType.valueOf(s.getEntityType()))
        .setAuthorId(s.getAuthorId())
        .setParentId(s.getParentId())
        .setModelId(s.getModelId())
        .setVector(
            Vectors.toList(PackedVectors.unpack(s.getVector(), PackedVectors.Encoding.FLOAT32)))
        .setContentHash(s.getContentHash())
        .setEventTime(Instant.ofEpochMilli(s.getEventTime()))
        .build();
  }
}
