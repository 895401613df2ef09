package dev.kembed.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The demo jar's main sends {@code bench} and {@code demo} to their commands (seen in their usage).
 */
class DemoJarTest {

  private static String usageOf(String... args) {
    PrintStream out = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, DemoJar.execute(args));
    } finally {
      System.setOut(out);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theFirstArgumentPicksTheCommand() {
    assertTrue(usageOf("bench", "--help").startsWith("Usage: kembed bench"), "bench");
    assertTrue(usageOf("demo", "--help").startsWith("Usage: kembed demo"), "demo");
    assertTrue(
        usageOf("--help").startsWith("Usage: kembed demo"),
        "no command name: the demo's own options, as before");
  }
}
