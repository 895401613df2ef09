package dev.kembed.inference;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Messages as ONNX Runtime 1.2x prints them when the CUDA provider cannot start. */
class CudaErrorsTest {

  @Test
  void namesTheMissingPiece() {
    String cudnn =
        CudaErrors.explain(
            "Error loading \"libonnxruntime_providers_cuda.so\" which depends on \"libcudnn.so.9\""
                + " which is missing. (Error 2: \"libcudnn.so.9: cannot open shared object file\")",
            0);
    assertTrue(
        cudnn.startsWith(
            "inference.device=cuda: cuDNN is missing or the wrong version (need cuDNN 9)."),
        cudnn);
    assertTrue(cudnn.endsWith("cannot open shared object file\")"), "ORT's own words are kept");
    assertTrue(
        CudaErrors.explain("depends on \"libcublasLt.so.12\" which is missing", 0)
            .contains("CUDA 12 runtime libraries are missing"));
    assertTrue(
        CudaErrors.explain("CUDA failure 101: invalid device ordinal ; GPU=3", 3)
            .contains("no CUDA device 3"));
    assertTrue(
        CudaErrors.explain("CUDA driver version is insufficient for CUDA runtime version", 0)
            .contains("no usable NVIDIA driver"));
    assertTrue(CudaErrors.explain(null, 0).contains("failed to start"));
    assertTrue(CudaErrors.explain("x", 0).contains("set inference.device=cpu"));
  }
}
