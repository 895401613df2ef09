package dev.kembed.topology.cli;

import dev.kembed.schemas.registry.SchemaRegistry;
import dev.kembed.schemas.registry.SchemaRegistryException;
import dev.kembed.schemas.serde.OutputFormat;
import dev.kembed.schemas.serde.OutputSettings;
import dev.kembed.topology.config.KembedConfig;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code kembed schemas register|check}: puts every output schema version into the schema registry,
 * in order (so the registry's own compatibility rule vets each step), or checks, before a deploy,
 * that what this kembed writes is compatible with what each subject holds.
 */
@Command(
    name = "schemas",
    mixinStandardHelpOptions = true,
    description =
        "Register kembed's output schemas in the schema registry (register), or check them for"
            + " compatibility before a deploy (check).")
public final class SchemasCommand implements Callable<Integer> {

  /** What to do. */
  public enum Action {
    REGISTER,
    CHECK
  }

  @Mixin ConfigOptions config;

  @Parameters(index = "0", paramLabel = "ACTION", description = "register or check.")
  Action action;

  @Override
  public Integer call() {
    KembedConfig cfg = config.load();
    SchemaRegistry registry = cfg.schemaRegistry();
    if (registry == null) {
      System.err.println("kembed schemas: set schema.registry.url");
      return 2;
    }
    OutputSettings settings =
        new OutputSettings(
            OutputFormat.CONFLUENT,
            false,
            registry,
            false,
            cfg.getList(KembedConfig.USER_VECTOR_WINDOWS));
    List<RegistrySubjects.Subject> subjects = RegistrySubjects.of(cfg, settings);
    try {
      return action == Action.REGISTER
          ? register(registry, subjects, System.out)
          : check(registry, subjects, System.out);
    } catch (SchemaRegistryException e) {
      System.err.println("kembed schemas: " + e.getMessage());
      return 1;
    }
  }

  /** Registers every version of every subject, oldest first; 0 when all went in. */
  static int register(
      SchemaRegistry registry, List<RegistrySubjects.Subject> subjects, PrintStream out) {
    for (RegistrySubjects.Subject s : subjects) {
      int id = -1;
      for (var version : s.versions()) {
        id = registry.register(s.name(), version);
      }
      out.printf("%-40s %d version(s), current id %d%n", s.name(), s.versions().size(), id);
    }
    return 0;
  }

  /** Checks the current schema of every subject; 0 when all are compatible, 1 otherwise. */
  static int check(
      SchemaRegistry registry, List<RegistrySubjects.Subject> subjects, PrintStream out) {
    int bad = 0;
    for (RegistrySubjects.Subject s : subjects) {
      boolean registered = registry.lookup(s.name(), s.current()).isPresent();
      boolean compatible = registered || registry.isCompatible(s.name(), s.current());
      out.printf(
          "%-40s %s%n",
          s.name(),
          registered
              ? "registered"
              : compatible ? "compatible (not yet registered)" : "INCOMPATIBLE");
      bad += compatible ? 0 : 1;
    }
    return bad == 0 ? 0 : 1;
  }
}
