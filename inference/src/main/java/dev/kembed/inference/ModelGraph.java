package dev.kembed.inference;

import java.nio.charset.StandardCharsets;

/**
 * Facts about an ONNX graph that ONNX Runtime's Java API does not expose, read straight from the
 * protobuf bytes. Today that is one fact: whether the graph is dynamically quantized, i.e. computes
 * activation scales at run time over the whole input tensor, which makes a text's vector depend on
 * the other texts in its batch.
 */
final class ModelGraph {

  /**
   * Op types whose scale is computed from the runtime tensor. Op types are stored as plain strings
   * in NodeProto.op_type, so a byte search cannot miss them; a false positive would need the name
   * in a doc string, which only costs speed (per-text runs), never correctness.
   */
  private static final String[] DYNAMIC_QUANT_OPS = {
    "DynamicQuantizeLinear", "MatMulInteger", "DynamicQuantizeMatMul", "ConvInteger"
  };

  private ModelGraph() {}

  static boolean isDynamicallyQuantized(byte[] onnx) {
    for (String op : DYNAMIC_QUANT_OPS) {
      if (indexOf(onnx, op.getBytes(StandardCharsets.US_ASCII)) >= 0) {
        return true;
      }
    }
    return false;
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    byte first = needle[0];
    int last = haystack.length - needle.length;
    outer:
    for (int i = 0; i <= last; i++) {
      if (haystack[i] != first) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
