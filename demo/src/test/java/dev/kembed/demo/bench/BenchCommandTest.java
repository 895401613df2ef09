package dev.kembed.demo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code kembed bench}'s options parse as documented. */
class BenchCommandTest {

  @Test
  void backfillIsOnUnlessTurnedOffAndListsSplitOnCommas() {
    BenchCommand plain = new BenchCommand();
    new CommandLine(plain).parseArgs("--quick");
    assertFalse(plain.noBackfill);
    assertTrue(plain.quick);

    BenchCommand c = new BenchCommand();
    new CommandLine(c)
        .parseArgs(
            "--no-backfill",
            "--variants",
            "eos,eos-noindex",
            "--loads",
            "0.1,0.9",
            "--set",
            "embed.batch.size=64");
    assertTrue(c.noBackfill);
    assertEquals(List.of("eos", "eos-noindex"), c.variants);
    assertEquals(List.of(0.1, 0.9), c.loads);
    assertEquals("64", c.overrides.get("embed.batch.size"));
  }
}
