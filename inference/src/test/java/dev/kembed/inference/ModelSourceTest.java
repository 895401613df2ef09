package dev.kembed.inference;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSourceTest {

  @Test
  void builtInModelsCarryAHashOfTheirBytes() {
    ModelSource int8 = ModelSource.resolve("all-minilm-l6-v2-q");
    ModelSource fp32 = ModelSource.resolve("all-minilm-l6-v2");
    assertTrue(int8.id().matches("all-minilm-l6-v2-q@[0-9a-f]{12}"), int8.id());
    assertTrue(fp32.id().matches("all-minilm-l6-v2@[0-9a-f]{12}"), fp32.id());
    assertEquals(256, int8.defaultMaxTokens());
    assertEquals(int8.id(), ModelSource.resolve(null).id(), "int8 is the default");
  }

  @Test
  void dynamicQuantizationIsDetectedFromTheGraph() {
    assertTrue(
        ModelGraph.isDynamicallyQuantized(ModelSource.resolve("all-minilm-l6-v2-q").modelBytes()));
    assertFalse(
        ModelGraph.isDynamicallyQuantized(ModelSource.resolve("all-minilm-l6-v2").modelBytes()));
  }

  @Test
  void unknownNameIsRejected() {
    var e =
        assertThrows(IllegalArgumentException.class, () -> ModelSource.resolve("bert-large-nope"));
    assertTrue(e.getMessage().contains("bert-large-nope"), e.getMessage());
  }

  @Test
  void directoryNeedsBothFiles(@TempDir Path dir) throws IOException {
    Files.write(dir.resolve("model.onnx"), new byte[] {1, 2, 3});
    var e = assertThrows(IllegalArgumentException.class, () -> ModelSource.resolve(dir.toString()));
    assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
  }

  @Test
  void directoryModelIsHashedAndReadsItsTokenLimit(@TempDir Path dir) throws IOException {
    ModelSource builtIn = ModelSource.resolve("all-minilm-l6-v2-q");
    Path export = Files.createDirectory(dir.resolve("minilm-finetuned"));
    Files.write(export.resolve("model.onnx"), builtIn.modelBytes());
    Files.write(export.resolve("tokenizer.json"), builtIn.tokenizerJson());
    ModelSource fromDir = ModelSource.resolve(export.toString());
    assertEquals(
        "minilm-finetuned@" + builtIn.id().substring(builtIn.id().indexOf('@') + 1), fromDir.id());
    assertEquals(128, fromDir.defaultMaxTokens(), "falls back to tokenizer.json truncation");

    Files.writeString(
        export.resolve("sentence_bert_config.json"),
        "{\"max_seq_length\": 200, \"do_lower_case\": false}");
    assertEquals(200, ModelSource.resolve(export.toString()).defaultMaxTokens());
  }
}
