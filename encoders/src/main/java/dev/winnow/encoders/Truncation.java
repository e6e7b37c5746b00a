package dev.winnow.encoders;

/**
 * What happens to a text longer than the encoder's maximum sequence length (in word pieces, {@code [CLS]} and
 * {@code [SEP]} included). Long texts are never split into chunks whose vectors are averaged.
 *
 * <p>Immutable and thread-safe.
 */
public enum Truncation {
  /** Keep the first tokens and drop the rest, as sentence-transformers does. The default. */
  TRUNCATE,
  /** Refuse the batch with an {@link IllegalArgumentException} naming the text's index. */
  REJECT
}
