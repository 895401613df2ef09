package dev.kembed.inference;

/**
 * A text that cannot be embedded at all (null, empty or whitespace-only); retrying will not help.
 */
public class InvalidTextException extends IllegalArgumentException {
  private final int index;

  public InvalidTextException(int index, String message) {
    super(message);
    this.index = index;
  }

  /** Position of the offending text in the batch. */
  public int index() {
    return index;
  }
}
