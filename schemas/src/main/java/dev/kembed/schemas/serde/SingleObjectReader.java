package dev.kembed.schemas.serde;

import java.io.EOFException;
import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reads Avro single-object encoded records ({@code C3 01}, 8-byte little-endian CRC-64-AVRO
 * fingerprint of the writer schema, Avro binary) into the current version of one record type. The
 * writer schema is looked up by fingerprint among the current schema and every archived version,
 * and resolved against the current schema, so records from older (or registered newer) producers
 * decode with defaults filled in. The header, the fingerprint and every declared length are checked
 * here before the body is decoded ({@link SingleObjectCodec}), so that failures carry a precise
 * reason.
 */
final class SingleObjectReader<T extends SpecificRecord> {

  /** Fingerprint to schema, sorted so error messages list them in a stable order. */
  private final Map<Long, Schema> known = new TreeMap<>(Long::compareUnsigned);

  /** Fingerprint to a reader resolving that writer schema against the current one. */
  private final Map<Long, DatumReader<T>> readers = new HashMap<>();

  SingleObjectReader(SpecificData model, Schema current, Collection<Schema> writerSchemas) {
    for (Schema schema : writerSchemas) {
      known.put(SchemaNormalization.parsingFingerprint64(schema), schema);
    }
    known.put(SchemaNormalization.parsingFingerprint64(current), current);
    known.forEach((f, writer) -> readers.put(f, SingleObjectCodec.reader(model, writer, current)));
  }

  static boolean hasMagic(byte[] data) {
    return data.length >= 2
        && data[0] == SingleObjectCodec.MAGIC_0
        && data[1] == SingleObjectCodec.MAGIC_1;
  }

  static String hex(long fingerprint) {
    return String.format("0x%016x", fingerprint);
  }

  /** Fingerprints (CRC-64-AVRO of the Parsing Canonical Form) of every readable writer schema. */
  Collection<Long> knownFingerprints() {
    return known.keySet();
  }

  T read(byte[] data) {
    if (data.length < SingleObjectCodec.HEADER_LENGTH) {
      throw new DecodeFailure(
          "truncated Avro payload: "
              + data.length
              + " bytes, the single-object header alone is "
              + SingleObjectCodec.HEADER_LENGTH);
    }
    long fingerprint = SingleObjectCodec.fingerprintOf(data);
    if (!known.containsKey(fingerprint)) {
      throw new DecodeFailure(
          "unknown schema fingerprint "
              + hex(fingerprint)
              + " (known: "
              + known.keySet().stream()
                  .map(SingleObjectReader::hex)
                  .collect(Collectors.joining(", "))
              + ")");
    }
    checkDeclaredLengths(data, known.get(fingerprint), fingerprint);
    try {
      return SingleObjectCodec.decode(readers.get(fingerprint), data);
    } catch (SingleObjectCodec.TrailingBytesException e) {
      // The decoder does not read ahead, so leftover bytes mean the writer used another layout.
      throw new DecodeFailure(
          "malformed Avro payload: "
              + e.count()
              + " unexpected bytes after the record (writer schema "
              + hex(fingerprint)
              + ")");
    } catch (IOException
        | AvroRuntimeException
        | IndexOutOfBoundsException
        | ClassCastException e) {
      // Avro signals a short buffer with an EOFException, wrapped or not depending on the path.
      if (hasCause(e, EOFException.class)) {
        throw new DecodeFailure(
            "truncated Avro payload: "
                + data.length
                + " bytes end inside the record "
                + "(writer schema "
                + hex(fingerprint)
                + ")",
            e);
      }
      throw new DecodeFailure(
          "malformed Avro payload for writer schema " + hex(fingerprint) + ": " + rootMessage(e),
          e);
    }
  }

  /**
   * Walks the payload with the writer schema, skipping instead of reading: every string and bytes
   * length is checked against the bytes actually there, and nothing is allocated. Avro's reader
   * allocates a value's declared length before reading it, so an 18-byte record that declares a 2
   * GB string would otherwise cost 2 GB of heap (or an OutOfMemoryError) before failing; after this
   * pass every declared length is known to fit inside {@code data}.
   */
  private static void checkDeclaredLengths(byte[] data, Schema writer, long fingerprint) {
    try {
      BinaryDecoder skipper =
          DecoderFactory.get()
              .binaryDecoder(
                  data,
                  SingleObjectCodec.HEADER_LENGTH,
                  data.length - SingleObjectCodec.HEADER_LENGTH,
                  null);
      GenericDatumReader.skip(writer, skipper);
    } catch (EOFException e) {
      throw new DecodeFailure(
          "truncated Avro payload: "
              + data.length
              + " bytes end inside the record, or a length "
              + "declared in it exceeds the payload (writer schema "
              + hex(fingerprint)
              + ")",
          e);
    } catch (IOException | RuntimeException e) {
      throw new DecodeFailure(
          "malformed Avro payload for writer schema " + hex(fingerprint) + ": " + rootMessage(e),
          e);
    }
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName()
        + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }
}
