package dev.kembed.topology.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;

/**
 * Hands each Kafka Streams instance's {@link MeterRegistry} to the code Streams creates itself
 * (processors, exception handlers). The registry travels as an object value in the Streams
 * configuration under {@link #REGISTRY_CONFIG}: Streams gives processors its configuration ({@code
 * ProcessorContext#appConfigs}) and configures exception handlers with it, and it never passes an
 * unknown key to the Kafka clients. So every instance (two in one JVM in the scale-out test) has
 * its own meters and no registry is static.
 */
public final class KembedMeters {
  /** The Streams configuration key whose value is the instance's {@link MeterRegistry}. */
  public static final String REGISTRY_CONFIG = "kembed.metrics.registry";

  private KembedMeters() {}

  /**
   * The registry in {@code configs}; a private throw-away one when none was given (a topology run
   * outside {@code KembedApp}, e.g. a test that does not read metrics).
   */
  public static MeterRegistry registry(Map<String, ?> configs) {
    Object r = configs == null ? null : configs.get(REGISTRY_CONFIG);
    return r instanceof MeterRegistry m ? m : new SimpleMeterRegistry();
  }
}
