package dev.kembed.inference;

import java.util.Locale;

/**
 * Turns ONNX Runtime's CUDA provider failures into a message an operator can act on. The provider
 * library loads CUDA and cuDNN lazily, so a host with a GPU driver but without the right CUDA 12 /
 * cuDNN 9 user-space libraries fails only when the session is built, with a dlopen error deep in
 * the message; this names the missing piece and the two ways out.
 */
public final class CudaErrors {
  private CudaErrors() {}

  /** What the onnxruntime_gpu build this kembed uses needs on the host. */
  public static final String REQUIREMENTS =
      "onnxruntime_gpu 1.24 needs an NVIDIA driver, CUDA 12.x runtime libraries (libcudart,"
          + " libcublas, libcublasLt, libcufft, libcurand) and cuDNN 9 (libcudnn.so.9) on the"
          + " library path (the nvidia/cuda:12.x-cudnn-runtime images have them)";

  /** An operator-facing explanation of a CUDA provider failure message from ONNX Runtime. */
  public static String explain(String ortMessage, int deviceId) {
    String m = ortMessage == null ? "" : ortMessage;
    String lower = m.toLowerCase(Locale.ROOT);
    String what;
    if (lower.contains("cudnn")) {
      what = "cuDNN is missing or the wrong version (need cuDNN 9)";
    } else if (lower.contains("libcublas")
        || lower.contains("libcudart")
        || lower.contains("libcufft")
        || lower.contains("libcurand")) {
      what = "the CUDA 12 runtime libraries are missing";
    } else if (lower.contains("invalid device ordinal") || lower.contains("device_id")) {
      what =
          "there is no CUDA device "
              + deviceId
              + " (check inference.device.id and CUDA_VISIBLE_DEVICES)";
    } else if (lower.contains("no cuda-capable device") || lower.contains("driver")) {
      what = "no usable NVIDIA driver or GPU was found";
    } else {
      what = "the CUDA execution provider failed to start";
    }
    return "inference.device=cuda: "
        + what
        + ". "
        + REQUIREMENTS
        + ". Fix the host, or set inference.device=cpu. ONNX Runtime said: "
        + m.strip();
  }
}
