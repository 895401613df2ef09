package dev.kembed.topology.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.kembed.topology.config.KembedConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KembedCliTest {
  @Test
  void helpAndUnknownCommands() {
    assertEquals(0, KembedCli.execute("--help"));
    assertEquals(
        2,
        KembedCli.execute("demo"),
        "the demo lives in the demo module's jar, not in the service");
    assertEquals(2, KembedCli.execute("frobnicate"));
    assertEquals(2, KembedCli.execute("produce"), "produce needs --topic and a file");
  }

  @Test
  void commandLineOverridesWinOverEnvironmentOverFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("k.properties");
    Files.writeString(
        file,
        "embed.batch.size=8\n"
            + "embed.max.wait.ms=300\n"
            + "topics.partitions=3\n"
            + "application.id=from-file\n");
    KembedConfig c =
        ConfigLoader.load(
            file,
            Map.of("embed.batch.size", "64"),
            Map.of("KEMBED_EMBED_BATCH_SIZE", "16", "KEMBED_EMBED_MAX_WAIT_MS", "400"));
    assertEquals(64, c.getInt(KembedConfig.EMBED_BATCH_SIZE));
    assertEquals(400L, c.getLong(KembedConfig.EMBED_MAX_WAIT_MS));
    assertEquals(3, c.getInt(KembedConfig.TOPICS_PARTITIONS));
    assertEquals("from-file", c.streamsProperties().getProperty("application.id"));
  }
}
