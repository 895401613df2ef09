package dev.kembed.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * The fast codec writes exactly the bytes Avro's own {@link BinaryMessageEncoder} writes, for every
 * public record type, and reads them back to equal records; Avro's {@link BinaryMessageDecoder}
 * reads what the codec wrote.
 */
class SingleObjectCodecTest {

  @Test
  void writesTheBytesAvrosMessageEncoderWritesForEveryPublicRecord() throws Exception {
    for (SpecificRecord record : SampleRecords.all()) {
      check(record);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecord> void check(T record) throws Exception {
    SpecificData model = SpecificData.getForClass(record.getClass());
    var schema = record.getSchema();
    byte[] avros =
        toArray(new BinaryMessageEncoder<T>(model, schema).encode(record)); // the reference
    byte[] ours = new SingleObjectCodec<T>(model, schema).encode(record);
    assertArrayEquals(avros, ours, schema.getName());
    T back = SingleObjectCodec.decode(SingleObjectCodec.<T>reader(model, schema, schema), avros);
    assertEquals(record, back, schema.getName());
    assertEquals(record, new BinaryMessageDecoder<T>(model, schema).decode(ours));
  }

  @Test
  void writesBytesFieldsFromASlicedBufferExactlyAsAvroDoes() throws Exception {
    byte[] backing = {9, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9};
    // A view with a non-zero array offset and position: only its remaining bytes are the value.
    java.nio.ByteBuffer slice = java.nio.ByteBuffer.wrap(backing, 2, 9).slice();
    slice.position(1);
    check(
        dev.kembed.schemas.ContentEmbedding.newBuilder()
            .setEntityId("p1")
            .setEntityType(dev.kembed.schemas.EntityType.POST)
            .setModelId("m")
            .setVector(java.util.List.of())
            .setPackedVector(slice)
            .setVectorEncoding(dev.kembed.schemas.VectorEncoding.INT8)
            .setContentHash("00")
            .setEventTime(SampleRecords.T0)
            .build());
    assertEquals(1, slice.position(), "the writer must not move the caller's buffer");
  }

  @Test
  void writesAFloatListVectorExactlyAsAvroWritesTheList() throws Exception {
    float[] v = new float[384];
    java.util.Random r = new java.util.Random(3);
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    v[0] = -0.0f;
    v[1] = Float.MIN_VALUE;
    v[2] = -Float.MAX_VALUE;
    for (float[] vector : new float[][] {v, {}, {0.5f}}) {
      check(
          dev.kembed.schemas.UserVector.newBuilder()
              .setUserId("u1")
              .setKind(dev.kembed.schemas.VectorKind.ENGAGEMENT)
              .setWindow("P7D")
              .setModelId("m")
              .setVector(dev.kembed.schemas.vector.FloatList.of(vector))
              .setTotalWeight(2.5)
              .setEventCount(3)
              .setAsOf(SampleRecords.T0)
              .build());
    }
  }

  @Test
  void aRecordWithBytesLeftOverIsRejectedWithTheirCount() throws Exception {
    SpecificRecord post = SampleRecords.post();
    SpecificData model = SpecificData.getForClass(post.getClass());
    byte[] ok = new SingleObjectCodec<>(model, post.getSchema()).encode(post);
    byte[] longer = Arrays.copyOf(ok, ok.length + 3);
    var e =
        assertThrows(
            SingleObjectCodec.TrailingBytesException.class,
            () ->
                SingleObjectCodec.decode(
                    SingleObjectCodec.reader(model, post.getSchema(), post.getSchema()), longer));
    assertEquals(3, e.count());
  }

  @Test
  void encodingTwiceOnOneThreadDoesNotShareTheReturnedArrays() throws Exception {
    SpecificRecord post = SampleRecords.post();
    SpecificData model = SpecificData.getForClass(post.getClass());
    SingleObjectCodec<SpecificRecord> codec = new SingleObjectCodec<>(model, post.getSchema());
    byte[] first = codec.encode(post);
    byte[] copy = first.clone();
    codec.encode(SampleRecords.all().get(1)); // another PostEvent, through the same scratch buffer
    assertArrayEquals(copy, first);
  }

  private static byte[] toArray(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
