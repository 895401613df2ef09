package dev.kembed.demo;

import dev.kembed.demo.bench.BenchCommand;
import java.util.Arrays;

/**
 * The main class of the demo's runnable jar, which carries the in-process broker the service jar
 * must not: {@code demo ...} runs {@link DemoCommand}, {@code bench ...} runs {@link BenchCommand}
 * ({@code bin/kembed demo} and {@code bin/kembed bench} start this jar with the command name
 * first); anything else is taken as the demo's own options, as the jar always did.
 */
public final class DemoJar {
  private DemoJar() {}

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Dispatches on the first argument and returns the command's exit code. */
  public static int execute(String... args) {
    String first = args.length == 0 ? "" : args[0];
    String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
    return switch (first) {
      case "bench" -> BenchCommand.execute(rest);
      case "demo" -> DemoCommand.execute(rest);
      default -> DemoCommand.execute(args);
    };
  }
}
