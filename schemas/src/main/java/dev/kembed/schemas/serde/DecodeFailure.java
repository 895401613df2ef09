package dev.kembed.schemas.serde;

/**
 * Internal signal from a format reader that the payload is invalid. The readers do not know the
 * topic; {@link AvroDeserializer} turns this into a {@link RecordDecodeException} that does.
 */
final class DecodeFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  DecodeFailure(String reason) {
    super(reason);
  }

  DecodeFailure(String reason, Throwable cause) {
    super(reason, cause);
  }
}
