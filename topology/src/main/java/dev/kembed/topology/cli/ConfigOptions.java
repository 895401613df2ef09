package dev.kembed.topology.cli;

import dev.kembed.topology.config.KembedConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The configuration options every command shares (a picocli mixin): a properties file, single
 * {@code --set key=value} overrides, and {@code --bootstrap-servers} as the one override nearly
 * every invocation needs.
 */
public final class ConfigOptions {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description =
          "Properties file: kembed keys (see docs) and any Kafka Streams, consumer or producer"
              + " key.")
  Path file;

  @Option(
      names = {"-s", "--set"},
      paramLabel = "KEY=VALUE",
      description =
          "Overrides one config key (repeatable); wins over the file and KEMBED_* environment"
              + " variables.")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(
      names = {"-b", "--bootstrap-servers"},
      paramLabel = "HOST:PORT,...",
      description = "Kafka cluster to use (same as --set bootstrap.servers=...).")
  String bootstrapServers;

  /** The overrides given on the command line, {@code --bootstrap-servers} included. */
  public Map<String, String> overrides() {
    Map<String, String> all = new LinkedHashMap<>(overrides);
    if (bootstrapServers != null) {
      all.put("bootstrap.servers", bootstrapServers);
    }
    return all;
  }

  public KembedConfig load() {
    return ConfigLoader.load(file, overrides(), System.getenv());
  }

  public KembedConfig load(Map<String, String> extra) {
    Map<String, String> all = new LinkedHashMap<>(extra);
    all.putAll(overrides());
    return ConfigLoader.load(file, all, System.getenv());
  }
}
