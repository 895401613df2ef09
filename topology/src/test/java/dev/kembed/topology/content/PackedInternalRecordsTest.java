package dev.kembed.topology.content;

import static org.junit.jupiter.api.Assertions.*;

import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.EntityType;
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.topology.StoredEmbeddingSerde;
import dev.kembed.topology.internal.InternalSerdes;
import dev.kembed.topology.internal.PartialFeatureRow;
import dev.kembed.topology.internal.UserSignal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/**
 * Internal hops and stores carry vectors as packed float32: smaller, exact, and records written in
 * the old boxed format by an earlier version are still read.
 */
class PackedInternalRecordsTest {

  private static float[] vector(int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) Math.sin(i + 1) / 10f;
    }
    return v;
  }

  private static ContentEmbedding embedding(float[] v) {
    return ContentEmbedding.newBuilder()
        .setEntityId("p1")
        .setEntityType(EntityType.POST)
        .setAuthorId("a")
        .setParentId(null)
        .setModelId("m@1")
        .setVector(Vectors.toList(v))
        .setContentHash("h")
        .setEventTime(Instant.ofEpochMilli(1234))
        .build();
  }

  @Test
  void storedEmbeddingsArePackedExactAndSmaller() {
    float[] v = vector(384);
    Serde<ContentEmbedding> packed = StoredEmbeddingSerde.create();
    Serde<ContentEmbedding> boxed = KembedSerdes.of(ContentEmbedding.class);
    byte[] bytes = packed.serializer().serialize("t", embedding(v));
    byte[] old = boxed.serializer().serialize("t", embedding(v));
    // Avro writes a float in 4 bytes either way, so the size stays (the entity type is a string
    // here, the array framing is gone): the gain is that 384 Floats are never boxed.
    assertTrue(
        old.length > 4 * 384 && old.length < 4 * 384 + 40,
        "public record: 1536 bytes of floats + header and ids: " + old.length);
    assertTrue(Math.abs(bytes.length - old.length) <= 8, bytes.length + " vs " + old.length);
    ContentEmbedding back = packed.deserializer().deserialize("t", bytes);
    assertArrayEquals(v, Vectors.toArray(back.getVector()));
    assertEquals(embedding(v).getEventTime(), back.getEventTime());
    assertEquals("a", back.getAuthorId());
    // A value written by the previous version (public encoding) still reads.
    assertArrayEquals(v, Vectors.toArray(packed.deserializer().deserialize("t", old).getVector()));
    assertNull(packed.serializer().serialize("t", null));
    assertNull(packed.deserializer().deserialize("t", null));
  }

  @Test
  void signalsCarryPackedVectorsAndOldSignalsStillRead() {
    float[] v = vector(8);
    UserSignal packed =
        UserSignal.newBuilder()
            .setUserId("u")
            .setKind("ENGAGEMENT")
            .setEventType("CLICK")
            .setEventTime(1)
            .setModelId("m@1")
            .setPackedVector(ByteBuffer.wrap(dev.kembed.schemas.vector.PackedVectors.pack(v)))
            .build();
    Serde<UserSignal> serde = InternalSerdes.of(UserSignal.class);
    UserSignal back =
        serde.deserializer().deserialize("t", serde.serializer().serialize("t", packed));
    assertArrayEquals(v, Signals.vector(back));
    assertTrue(back.getVector().isEmpty());
    UserSignal old =
        UserSignal.newBuilder(packed)
            .setPackedVector(ByteBuffer.allocate(0))
            .setVector(List.of(1f, 2f))
            .build();
    assertArrayEquals(
        new float[] {1f, 2f},
        Signals.vector(
            serde.deserializer().deserialize("t", serde.serializer().serialize("t", old))));
  }

  @Test
  void viewerMeansArePackedExactlyAndOldRowsStillRead() {
    double[] mean = {0.125, -0.3333333333333333, 0.7};
    PartialFeatureRow row =
        PartialFeatureRow.newBuilder()
            .setRow(ByteBuffer.allocate(0))
            .setPackedViewerMeans(
                Map.of("P7D", ByteBuffer.wrap(dev.kembed.schemas.vector.PackedVectors.pack(mean))))
            .build();
    Serde<PartialFeatureRow> serde = InternalSerdes.of(PartialFeatureRow.class);
    PartialFeatureRow back =
        serde.deserializer().deserialize("t", serde.serializer().serialize("t", row));
    double[] got =
        dev.kembed.topology.processors.AuthorFeatureProcessorAccess.viewerMean(back, "P7D");
    for (int i = 0; i < mean.length; i++) {
      assertEquals(mean[i], got[i], 0.0, "float64: no rounding");
    }
    assertNull(
        dev.kembed.topology.processors.AuthorFeatureProcessorAccess.viewerMean(back, "P30D"));
    PartialFeatureRow old =
        PartialFeatureRow.newBuilder()
            .setRow(ByteBuffer.allocate(0))
            .setViewerMeans(Map.of("P7D", List.of(0.5, 0.25)))
            .build();
    assertArrayEquals(
        new double[] {0.5, 0.25},
        dev.kembed.topology.processors.AuthorFeatureProcessorAccess.viewerMean(old, "P7D"));
  }

  @Test
  void aRowWrittenWithTheEarlierSchemaIsStillRead() throws Exception {
    // As a kembed of 2026-12-04 wrote it into rows-by-author: no viewer_mean_same_as field.
    org.apache.avro.Schema earlier;
    try (var in =
        getClass().getResourceAsStream("/internal-schemas/PartialFeatureRow-2026-12-04.avsc")) {
      earlier = new org.apache.avro.Schema.Parser().parse(in);
    }
    assertNull(earlier.getField("viewer_mean_same_as"));
    var old = new org.apache.avro.generic.GenericData.Record(earlier);
    old.put("row", ByteBuffer.wrap(new byte[] {7}));
    old.put("viewer_means", Map.of());
    old.put("id", "in-0@5");
    old.put(
        "packed_viewer_means",
        Map.of(
            "P7D",
            ByteBuffer.wrap(dev.kembed.schemas.vector.PackedVectors.pack(new double[] {0.5, 2}))));
    var bytes = new java.io.ByteArrayOutputStream();
    long fp = org.apache.avro.SchemaNormalization.parsingFingerprint64(earlier);
    bytes.write(new byte[] {(byte) 0xC3, 0x01});
    for (int i = 0; i < 8; i++) {
      bytes.write((byte) (fp >>> (8 * i)));
    }
    var enc = org.apache.avro.io.EncoderFactory.get().binaryEncoder(bytes, null);
    new org.apache.avro.generic.GenericDatumWriter<Object>(earlier).write(old, enc);
    enc.flush();

    PartialFeatureRow back =
        InternalSerdes.of(PartialFeatureRow.class)
            .deserializer()
            .deserialize("rows-by-author", bytes.toByteArray());
    assertEquals("in-0@5", back.getId());
    assertEquals(Map.of(), back.getViewerMeanSameAs());
    assertArrayEquals(
        new double[] {0.5, 2},
        dev.kembed.topology.processors.AuthorFeatureProcessorAccess.viewerMean(back, "P7D"));
  }

  @Test
  void aMeanSharedByTwoWindowsTravelsOnce() {
    double[] mean = {0.125, -0.25};
    PartialFeatureRow row =
        PartialFeatureRow.newBuilder()
            .setRow(ByteBuffer.allocate(0))
            .setPackedViewerMeans(
                Map.of("P7D", ByteBuffer.wrap(dev.kembed.schemas.vector.PackedVectors.pack(mean))))
            .setViewerMeanSameAs(Map.of("P30D", "P7D"))
            .build();
    Serde<PartialFeatureRow> serde = InternalSerdes.of(PartialFeatureRow.class);
    PartialFeatureRow back =
        serde.deserializer().deserialize("t", serde.serializer().serialize("t", row));
    assertArrayEquals(
        mean, dev.kembed.topology.processors.AuthorFeatureProcessorAccess.viewerMean(back, "P30D"));
    assertNull(
        dev.kembed.topology.processors.AuthorFeatureProcessorAccess.viewerMean(back, "P90D"));
  }
}
