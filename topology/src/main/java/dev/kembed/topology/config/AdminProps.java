package dev.kembed.topology.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Client settings for kembed's own admin, producer and consumer clients, taken from the Streams
 * properties so that security settings ({@code security.protocol}, {@code sasl.*}, {@code ssl.*})
 * given once in the config file apply to them too. Only keys the target client knows are kept,
 * which keeps its startup log free of "unknown config" warnings.
 */
public final class AdminProps {
  private AdminProps() {}

  public static Map<String, Object> of(KembedConfig config) {
    return pick(config.streamsProperties(), AdminClientConfig.configNames());
  }

  public static Map<String, Object> producer(KembedConfig config) {
    return pick(config.streamsProperties(), ProducerConfig.configNames());
  }

  public static Map<String, Object> consumer(KembedConfig config) {
    return pick(config.streamsProperties(), ConsumerConfig.configNames());
  }

  private static Map<String, Object> pick(Properties props, java.util.Set<String> known) {
    Map<String, Object> out = new HashMap<>();
    props.forEach(
        (k, v) -> {
          if (known.contains(String.valueOf(k))) {
            out.put(String.valueOf(k), v);
          }
        });
    return out;
  }
}
