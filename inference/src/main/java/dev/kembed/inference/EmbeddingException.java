package dev.kembed.inference;

/** The model failed to embed a batch (native error, bad model output). */
public class EmbeddingException extends RuntimeException {
  public EmbeddingException(String message, Throwable cause) {
    super(message, cause);
  }
}
