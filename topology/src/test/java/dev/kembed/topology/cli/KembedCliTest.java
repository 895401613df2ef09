package dev.kembed.topology.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.kembed.inference.EmbedderOptions;
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
    assertEquals(0, KembedCli.execute("demo", "--help"));
    assertEquals(2, KembedCli.execute("frobnicate"));
    assertEquals(2, KembedCli.execute("produce"), "produce needs --topic and a file");
  }

  @Test
  void commandLineOverridesWinOverEnvironmentOverFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("k.properties");
    Files.writeString(file, "embed.batch.size=8\nembed.max.wait.ms=300\ntopics.partitions=3\napplication.id=from-file\n");
    KembedConfig c = ConfigLoader.load(file, Map.of("embed.batch.size", "64"), Map.of("KEMBED_EMBED_BATCH_SIZE", "16", "KEMBED_EMBED_MAX_WAIT_MS", "400"));
    assertEquals(64, c.getInt(KembedConfig.EMBED_BATCH_SIZE));
    assertEquals(400L, c.getLong(KembedConfig.EMBED_MAX_WAIT_MS));
    assertEquals(3, c.getInt(KembedConfig.TOPICS_PARTITIONS));
    assertEquals("from-file", c.streamsProperties().getProperty("application.id"));
  }

  @Test
  void inferenceKeysBecomeEmbedderOptions() {
    EmbedderOptions o = EmbedderFactory.options(new KembedConfig(Map.of(KembedConfig.INFERENCE_MODEL, "all-minilm-l6-v2", KembedConfig.INFERENCE_THREADS, "3",
        KembedConfig.INFERENCE_BATCHING, "per-text", KembedConfig.EMBED_BATCH_SIZE, "48")));
    assertEquals("all-minilm-l6-v2", o.model());
    assertEquals(3, o.parallelism());
    assertEquals(1, o.intraOpThreads());
    assertEquals(EmbedderOptions.Batching.PER_TEXT, o.batching());
    assertEquals(48, o.batchSize());
    assertEquals(0, EmbedderFactory.options(new KembedConfig(Map.of())).parallelism(), "0 threads: the inference module decides");
  }
}
