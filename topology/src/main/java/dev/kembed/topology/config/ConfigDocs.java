package dev.kembed.topology.config;

import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Renders a {@link ConfigDef} as the Markdown table in the README, so the docs are generated
 * from the one place keys are declared and a test fails when they drift apart.
 */
public final class ConfigDocs {
  private ConfigDocs() {}

  public static String markdown(ConfigDef def) {
    StringBuilder sb = new StringBuilder();
    sb.append("| key | env | type | default | valid values | description |\n");
    sb.append("| --- | --- | --- | --- | --- | --- |\n");
    // Grouped as declared (topics, embedding, inference, …), in declaration order within a group.
    List<String> groups = def.groups();
    List<ConfigDef.ConfigKey> keys =
        def.configKeys().values().stream()
            .sorted(Comparator.comparingInt((ConfigDef.ConfigKey k) -> groups.indexOf(k.group)).thenComparingInt(k -> k.orderInGroup))
            .toList();
    for (ConfigDef.ConfigKey k : keys) {
      sb.append("| `").append(k.name).append("` | `").append(EnvOverrides.envName(k.name)).append("` | ")
          .append(k.type.toString().toLowerCase()).append(" | ")
          .append(k.hasDefault() ? "`" + ConfigDef.convertToString(k.defaultValue, k.type) + "`" : "(required)").append(" | ")
          .append(k.validator == null ? "" : k.validator.toString().replace("|", "\\|")).append(" | ")
          .append(k.documentation.replace("|", "\\|")).append(" |\n");
    }
    return sb.toString();
  }

  /** Prints the table; used to refresh the README. */
  public static void main(String[] args) {
    System.out.print(markdown(KembedConfig.CONFIG));
  }
}
