package dev.kembed.topology.features;

import dev.kembed.schemas.InteractionType;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * How much one interaction of each type moves a user's engagement vector, parsed from {@code
 * user.vector.weights} ("CREATE:5,COMMENT:4,SHARE:3,..."). Creating or commenting says far more
 * about a user's interests than scrolling past an impression; types not listed, and UNKNOWN, weigh
 * 0.
 */
public final class InteractionWeights {
  public static final String DEFAULT =
      "CREATE:5,COMMENT:4,SHARE:3,CLICK:2,REACT:2,NOTIFICATION_OPEN:2,IMPRESSION:0.1,NOTIFICATION_SENT:0";

  private final Map<InteractionType, Double> weights;

  private InteractionWeights(Map<InteractionType, Double> weights) {
    this.weights = weights;
  }

  /** Parses {@code TYPE:weight} pairs separated by commas; weights must be finite and ≥ 0. */
  public static InteractionWeights parse(String spec) {
    Map<InteractionType, Double> m = new EnumMap<>(InteractionType.class);
    for (String part : spec.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      String[] kv = part.split(":");
      if (kv.length != 2) {
        throw new ConfigException(
            "user.vector.weights", spec, "expected TYPE:weight pairs, got '" + part.trim() + "'");
      }
      InteractionType type;
      double w;
      try {
        type = InteractionType.valueOf(kv[0].trim().toUpperCase(Locale.ROOT));
        w = Double.parseDouble(kv[1].trim());
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            "user.vector.weights", spec, "bad pair '" + part.trim() + "': " + e.getMessage());
      }
      if (!Double.isFinite(w) || w < 0) {
        throw new ConfigException(
            "user.vector.weights", spec, "weight of " + type + " must be finite and >= 0");
      }
      m.put(type, w);
    }
    m.put(InteractionType.UNKNOWN, 0.0);
    return new InteractionWeights(m);
  }

  public double weight(InteractionType type) {
    return weights.getOrDefault(type, 0.0);
  }
}
