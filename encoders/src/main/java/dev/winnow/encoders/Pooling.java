package dev.winnow.encoders;

/**
 * How a sequence of token vectors (the model's last hidden state) becomes one text vector. Only positions with
 * attention mask 1 take part, so padding never changes a vector.
 *
 * <p>Immutable and thread-safe.
 */
public enum Pooling {
  /** The first token's vector ({@code [CLS]}): BERT, DPR, bge. */
  CLS,
  /** Mean over the tokens, special tokens included: sentence-transformers' default (MiniLM, e5). */
  MEAN,
  /** Sum over the tokens divided by the square root of their count (sentence-transformers' mean_sqrt_len). */
  MEAN_SQRT_LEN,
  /** Element-wise maximum over the tokens. */
  MAX,
  /**
   * The model's own pooler output (BERT: dense + tanh over {@code [CLS]}), as DPR uses it. Only for models that
   * return a second, two-dimensional output; others are refused when the encoder is built.
   */
  POOLER
}
