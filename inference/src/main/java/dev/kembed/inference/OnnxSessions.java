package dev.kembed.inference;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;

/**
 * Opens ONNX Runtime sessions from {@link EmbedderOptions}: threads, optimisation level, device.
 */
final class OnnxSessions {

  static final String CUDA_UNAVAILABLE =
      "device=cuda needs the gpu Maven profile (onnxruntime_gpu) and a CUDA-capable host;"
          + " this runtime offers only ";

  private OnnxSessions() {}

  /** Fails unless the loaded ONNX Runtime build has a CUDA execution provider. */
  static void requireCuda() {
    var providers = OrtEnvironment.getAvailableProviders();
    if (!providers.contains(OrtProvider.CUDA)) {
      throw new IllegalStateException(
          CUDA_UNAVAILABLE + providers + " (build with mvn -Pgpu, or set device=cpu)");
    }
  }

  static OrtSession open(
      OrtEnvironment env, byte[] model, EmbedderOptions options, int intraOpThreads)
      throws OrtException {
    try (SessionOptions so = new SessionOptions()) {
      so.setIntraOpNumThreads(intraOpThreads);
      if (options.interOpThreads() > 0) {
        // ORT uses the inter-op pool only in parallel execution mode; asking for it means that
        // mode.
        so.setExecutionMode(SessionOptions.ExecutionMode.PARALLEL);
        so.setInterOpNumThreads(options.interOpThreads());
      }
      so.setOptimizationLevel(optLevel(options.optimization()));
      if (options.device() == EmbedderOptions.Device.CUDA) {
        requireCuda();
        try {
          so.addCUDA(options.deviceId());
        } catch (OrtException | RuntimeException e) {
          throw new IllegalStateException(
              CudaErrors.explain(e.getMessage(), options.deviceId()), e);
        }
      }
      // The session copies what it needs from the options, so they can be released right away.
      return env.createSession(model, so);
    }
  }

  private static OptLevel optLevel(EmbedderOptions.Optimization level) {
    return switch (level) {
      case NONE -> OptLevel.NO_OPT;
      case BASIC -> OptLevel.BASIC_OPT;
      case EXTENDED -> OptLevel.EXTENDED_OPT;
      case ALL -> OptLevel.ALL_OPT;
    };
  }
}
