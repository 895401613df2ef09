package dev.kembed.inference;

/**
 * Counts of texts tokenized and of those cut at max tokens, since the embedder was created (drift
 * metrics).
 */
public interface TruncationStats {
  /** Texts tokenized. */
  long textsTokenized();

  /** Texts whose token count reached max tokens, i.e. were (or may have been) truncated. */
  long textsTruncated();
}
