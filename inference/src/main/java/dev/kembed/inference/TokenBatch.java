package dev.kembed.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The model inputs for a group of tokenized texts, padded on the right to the longest member
 * (dynamic padding) in direct buffers that ONNX Runtime reads without copying. Closing it closes
 * its tensors.
 */
final class TokenBatch implements AutoCloseable {

  static final String INPUT_IDS = "input_ids";
  static final String ATTENTION_MASK = "attention_mask";
  static final String TOKEN_TYPE_IDS = "token_type_ids";

  private final int[] lengths;
  private final int paddedLength;
  private final Map<String, OnnxTensor> tensors = new HashMap<>(4);

  /**
   * @param ids token ids per text (no padding)
   * @param withTokenTypes whether the model declares a {@code token_type_ids} input
   */
  TokenBatch(OrtEnvironment env, long[][] ids, boolean withTokenTypes) throws OrtException {
    int rows = ids.length;
    lengths = new int[rows];
    int longest = 0;
    for (int r = 0; r < rows; r++) {
      lengths[r] = ids[r].length;
      longest = Math.max(longest, ids[r].length);
    }
    paddedLength = longest;
    LongBuffer inputIds = directLongs(rows * longest);
    LongBuffer mask = directLongs(rows * longest);
    for (int r = 0; r < rows; r++) {
      inputIds.put(ids[r]);
      for (int t = 0; t < longest; t++) {
        mask.put(t < lengths[r] ? 1L : 0L);
      }
      // pad id 0 = [PAD] for BERT vocabularies; padded positions are masked out anyway.
      inputIds.position(inputIds.position() + longest - lengths[r]);
    }
    inputIds.rewind();
    mask.rewind();
    long[] shape = {rows, longest};
    try {
      tensors.put(INPUT_IDS, OnnxTensor.createTensor(env, inputIds, shape));
      tensors.put(ATTENTION_MASK, OnnxTensor.createTensor(env, mask, shape));
      if (withTokenTypes) {
        // One sentence per row: every type id is 0, which a fresh direct buffer already holds.
        tensors.put(
            TOKEN_TYPE_IDS, OnnxTensor.createTensor(env, directLongs(rows * longest), shape));
      }
    } catch (OrtException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private static LongBuffer directLongs(int count) {
    return ByteBuffer.allocateDirect(count * Long.BYTES)
        .order(ByteOrder.nativeOrder())
        .asLongBuffer();
  }

  Map<String, OnnxTensor> inputs() {
    return tensors;
  }

  /** Real (unpadded) token count of each row. */
  int[] lengths() {
    return lengths;
  }

  int paddedLength() {
    return paddedLength;
  }

  @Override
  public void close() {
    tensors.values().forEach(OnnxTensor::close);
  }
}
