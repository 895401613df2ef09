package dev.kembed.schemas.vector;

import static org.junit.jupiter.api.Assertions.*;

import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.EntityType;
import dev.kembed.schemas.IndexOp;
import dev.kembed.schemas.IndexUpdate;
import dev.kembed.schemas.VectorEncoding;
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.schemas.vector.PackedVectors.Encoding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Output records in each encoding: sizes on the wire and the cosine each keeps. */
class RecordVectorsTest {

  private static float[] unit(Random r, int dim) {
    float[] v = new float[dim];
    double n = 0;
    for (int i = 0; i < dim; i++) {
      v[i] = (float) r.nextGaussian();
      n += v[i] * v[i];
    }
    for (int i = 0; i < dim; i++) {
      v[i] /= (float) Math.sqrt(n);
    }
    return v;
  }

  private static double cosine(float[] a, float[] b) {
    double d = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      d += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return d / Math.sqrt(na * nb);
  }

  private static ContentEmbedding embedding(float[] v) {
    List<Float> list = new ArrayList<>();
    for (float x : v) {
      list.add(x);
    }
    return ContentEmbedding.newBuilder()
        .setEntityId("post-1")
        .setEntityType(EntityType.POST)
        .setAuthorId("u1")
        .setParentId(null)
        .setModelId("all-minilm-l6-v2-q@afdb6f1a0e45.2bf87815")
        .setVector(list)
        .setContentHash("0".repeat(64))
        .setEventTime(Instant.ofEpochMilli(0))
        .build();
  }

  @Test
  void encodingsShrinkTheRecordAndKeepTheCosine() {
    var serde = KembedSerdes.of(ContentEmbedding.class);
    Random r = new Random(3);
    float[] v = unit(r, 384);
    int f32 =
        serde
            .serializer()
            .serialize("t", RecordVectors.encode(embedding(v), Encoding.FLOAT32))
            .length;
    byte[] f16Bytes =
        serde.serializer().serialize("t", RecordVectors.encode(embedding(v), Encoding.FLOAT16));
    byte[] i8Bytes =
        serde.serializer().serialize("t", RecordVectors.encode(embedding(v), Encoding.INT8));
    // float32 vector part: array block count (2-byte varint) + 1536 + end of array (1) + two null
    // union indexes (1 + 1) = 1541. Packed: empty array (1) + union index (1) + length varint (2)
    // + payload + union index (1) + enum symbol (1).
    int f32VectorPart = 2 + 1536 + 1 + 1 + 1;
    assertEquals(
        f32 - f32VectorPart + 1 + 1 + 2 + 768 + 1 + 1, f16Bytes.length, "float32 record is " + f32);
    assertEquals(f32 - f32VectorPart + 1 + 1 + 2 + 388 + 1 + 1, i8Bytes.length);
    ContentEmbedding f16 = serde.deserializer().deserialize("t", f16Bytes);
    assertEquals(VectorEncoding.FLOAT16, f16.getVectorEncoding());
    assertTrue(f16.getVector().isEmpty());
    assertTrue(cosine(v, RecordVectors.of(f16)) >= 0.99999);
    assertTrue(
        cosine(v, RecordVectors.of(serde.deserializer().deserialize("t", i8Bytes))) >= 0.999);
    assertArrayEquals(
        v,
        RecordVectors.of(
            serde
                .deserializer()
                .deserialize("t", serde.serializer().serialize("t", embedding(v)))));
  }

  @Test
  void cosineBoundsHoldOverManyVectors() {
    Random r = new Random(11);
    double worst16 = 1, worst8 = 1;
    for (int i = 0; i < 2_000; i++) {
      float[] v = unit(r, 384);
      worst16 =
          Math.min(
              worst16,
              cosine(
                  v,
                  PackedVectors.unpack(
                      java.nio.ByteBuffer.wrap(PackedVectors.pack(v, Encoding.FLOAT16)),
                      Encoding.FLOAT16)));
      worst8 =
          Math.min(
              worst8,
              cosine(
                  v,
                  PackedVectors.unpack(
                      java.nio.ByteBuffer.wrap(PackedVectors.pack(v, Encoding.INT8)),
                      Encoding.INT8)));
    }
    assertTrue(worst16 >= 0.99999, "float16 worst " + worst16);
    assertTrue(worst8 >= 0.999, "int8 worst " + worst8);
  }

  @Test
  void indexDeletesStayNull() {
    IndexUpdate delete =
        IndexUpdate.newBuilder()
            .setIndex("posts")
            .setEntityId("p")
            .setOp(IndexOp.DELETE)
            .setModelId("m")
            .setVector(null)
            .setEventTime(Instant.EPOCH)
            .build();
    assertSame(delete, RecordVectors.encode(delete, Encoding.INT8));
    assertNull(RecordVectors.of(delete));
  }
}
