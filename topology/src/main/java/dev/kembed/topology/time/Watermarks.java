package dev.kembed.topology.time;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The wire form of a watermark marker inside a repartition topic: a record with the reserved key
 * {@link #KEY}, a null value, and one header {@link #HEADER} = {@code
 * edge,producer,producers,watermark,idle}. Every upstream task sends its markers to every partition
 * of the topic ({@link MulticastPartitioner}), after the records they cover, so a downstream task
 * that has read a marker has read everything that producer sent it before. Never leaves kembed:
 * markers are consumed by the first processor after the repartition source.
 */
public final class Watermarks {
  /** Key of a marker record; a NUL-prefixed key that no producer-chosen id can equal. */
  public static final String KEY = "\u0000kembed.watermark";

  public static final String HEADER = "kembed.watermark";

  /** A decoded marker. */
  public record Marker(String edge, int producer, int producers, long watermark, boolean idle) {
    /** The channel name of its producer inside a {@link WatermarkTracker}. */
    public String channel() {
      return edge + "/" + producer;
    }
  }

  private Watermarks() {}

  public static Headers headers(Marker m) {
    String v =
        m.edge()
            + ","
            + m.producer()
            + ","
            + m.producers()
            + ","
            + m.watermark()
            + ","
            + (m.idle() ? 1 : 0);
    return new RecordHeaders().add(HEADER, v.getBytes(StandardCharsets.UTF_8));
  }

  /** The marker carried by a record, if it is one. */
  public static Optional<Marker> read(String key, Headers headers) {
    if (!KEY.equals(key) || headers == null) {
      return Optional.empty();
    }
    Header h = headers.lastHeader(HEADER);
    if (h == null) {
      return Optional.empty();
    }
    String[] p = new String(h.value(), StandardCharsets.UTF_8).split(",");
    if (p.length != 5) {
      return Optional.empty();
    }
    return Optional.of(
        new Marker(
            p[0],
            Integer.parseInt(p[1]),
            Integer.parseInt(p[2]),
            Long.parseLong(p[3]),
            "1".equals(p[4])));
  }

  /** True for the reserved marker key. */
  public static boolean isMarker(String key) {
    return KEY.equals(key);
  }
}
