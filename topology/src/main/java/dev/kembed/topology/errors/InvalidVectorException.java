package dev.kembed.topology.errors;

/**
 * The model returned a vector that must not be published: NaN or infinite components, or the wrong
 * dimension. Dead-lettered as {@link DlqReason#INVALID_VECTOR}; the rest of its batch goes out.
 */
public class InvalidVectorException extends RuntimeException {
  public InvalidVectorException(String message) {
    super(message);
  }
}
