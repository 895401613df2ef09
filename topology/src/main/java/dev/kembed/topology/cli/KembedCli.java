package dev.kembed.topology.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code kembed} command line: {@code run} (the service), {@code produce} (JSON lines into a
 * topic), {@code consume} (a topic as JSON lines), {@code schemas} (registry subjects) and {@code
 * backfill} (replay inputs under a new application id). This is the main class of the service jar
 * that {@code bin/kembed} and the Docker image start; {@code kembed demo} lives in the demo
 * module's own jar (it carries an in-process broker the service must not).
 */
@Command(
    name = "kembed",
    mixinStandardHelpOptions = true,
    versionProvider = KembedCli.Version.class,
    description =
        "Kafka Streams feature pipeline: text embeddings, windowed user vectors, similarity"
            + " features, ANN index updates.",
    subcommands = {
      RunCommand.class,
      ServeCommand.class,
      ProduceCommand.class,
      ConsumeCommand.class,
      SchemasCommand.class,
      BackfillCommand.class,
      FitProjectionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class KembedCli implements Runnable {

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line and returns its exit code (tests call this instead of main). */
  public static int execute(String... args) {
    return new CommandLine(new KembedCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** The version from the jar manifest (set by Maven), or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = KembedCli.class.getPackage().getImplementationVersion();
      return new String[] {"kembed " + (v == null ? "dev" : v)};
    }
  }
}
