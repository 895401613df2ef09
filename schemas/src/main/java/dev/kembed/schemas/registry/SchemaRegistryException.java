package dev.kembed.schemas.registry;

/**
 * A schema registry call failed: unreachable, refused (authentication), or answered with an error.
 * The message carries the HTTP status, the registry's error code and its message.
 */
public class SchemaRegistryException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final int errorCode;

  public SchemaRegistryException(String message, int status, int errorCode, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.errorCode = errorCode;
  }

  /** HTTP status, or 0 when no answer came back. */
  public int status() {
    return status;
  }

  /** The registry's {@code error_code} (e.g. 40401 subject not found), or 0. */
  public int errorCode() {
    return errorCode;
  }
}
