package dev.kembed.topology.cli;

import dev.kembed.topology.config.EnvOverrides;
import dev.kembed.topology.config.KembedConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Builds the {@link KembedConfig} of a command from its three sources, weakest first: the
 * properties file ({@code --config}), {@code KEMBED_*} environment variables, and {@code --set
 * key=value} options on the command line. The command line wins so that one-off overrides (a
 * bootstrap address, a new application id for a backfill) never need an edited file.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  public static KembedConfig load(
      Path file, Map<String, String> overrides, Map<String, String> env) {
    Properties props = file == null ? new Properties() : read(file);
    Map<String, Object> merged = EnvOverrides.apply(props, env, KembedConfig.CONFIG.names());
    merged.putAll(overrides);
    return new KembedConfig(merged);
  }

  public static Properties read(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
    return p;
  }
}
