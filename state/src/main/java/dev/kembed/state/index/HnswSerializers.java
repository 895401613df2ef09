package dev.kembed.state.index;

import com.github.jelmerk.hnswlib.core.ObjectSerializer;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.nio.charset.StandardCharsets;

/**
 * Compact serializers hnswlib uses for ids and items when it saves its graph. The default (Java
 * serialization of every item object) is several times larger and slower for float arrays, and
 * would tie the snapshot to the layout of {@link IndexedVector}; these write plain length-prefixed
 * fields, so the snapshot's format version covers them.
 */
final class HnswSerializers {
  private HnswSerializers() {}

  static final class IdSerializer implements ObjectSerializer<String> {
    private static final long serialVersionUID = 1L;

    @Override
    public void write(String id, ObjectOutput out) throws IOException {
      writeString(id, out);
    }

    @Override
    public String read(ObjectInput in) throws IOException {
      return readString(in);
    }
  }

  static final class ItemSerializer implements ObjectSerializer<IndexedVector> {
    private static final long serialVersionUID = 1L;

    @Override
    public void write(IndexedVector item, ObjectOutput out) throws IOException {
      writeString(item.id(), out);
      out.writeLong(item.version());
      float[] v = item.vector();
      out.writeInt(v.length);
      for (float x : v) {
        out.writeFloat(x);
      }
    }

    @Override
    public IndexedVector read(ObjectInput in) throws IOException {
      String id = readString(in);
      long version = in.readLong();
      int length = in.readInt();
      if (length < 0 || length > 1 << 20) {
        throw new IOException("implausible vector length " + length);
      }
      float[] v = new float[length];
      for (int i = 0; i < length; i++) {
        v[i] = in.readFloat();
      }
      return new IndexedVector(id, v, version);
    }
  }

  // writeUTF caps strings at 64 KiB; ids are short, but a length prefix costs nothing.
  private static void writeString(String s, ObjectOutput out) throws IOException {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static String readString(ObjectInput in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > 1 << 20) {
      throw new IOException("implausible id length " + length);
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
