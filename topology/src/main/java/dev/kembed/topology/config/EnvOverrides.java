package dev.kembed.topology.config;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Maps environment variables onto config keys so containers can be configured without a file:
 * {@code KEMBED_EMBED_BATCH_SIZE=64} sets {@code embed.batch.size}, {@code
 * KEMBED_BOOTSTRAP_SERVERS} sets {@code bootstrap.servers}. Only keys kembed or Kafka Streams know
 * are mapped, because an upper-case name cannot tell a dot from a dash on its own.
 */
public final class EnvOverrides {
  public static final String PREFIX = "KEMBED_";

  private EnvOverrides() {}

  public static Map<String, Object> apply(
      Map<?, ?> fileProps, Map<String, String> env, Set<String> kembedKeys) {
    Map<String, Object> merged = new HashMap<>();
    fileProps.forEach((k, v) -> merged.put(String.valueOf(k), v));
    Map<String, String> byEnvName = new HashMap<>();
    for (String key : kembedKeys) {
      byEnvName.put(envName(key), key);
    }
    for (String key : StreamsConfig.configDef().names()) {
      byEnvName.putIfAbsent(envName(key), key);
    }
    env.forEach(
        (name, value) -> {
          String key = byEnvName.get(name);
          if (key != null) {
            merged.put(key, value);
          }
        });
    return merged;
  }

  public static String envName(String key) {
    return PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }
}
