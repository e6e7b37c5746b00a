package dev.winnow.encoders;

import java.util.List;
import java.util.Objects;

/**
 * Contextual token embeddings of one text: its word pieces ({@code [CLS]} and {@code [SEP]} included) and the
 * model's last hidden state row for each, before pooling and normalization. The same word gets different
 * vectors in different sentences.
 *
 * <p>Immutable: {@link #vector(int)} returns a copy.
 */
public final class TokenEmbeddings {
  private final List<String> tokens;
  private final long[] ids;
  private final float[][] vectors;

  TokenEmbeddings(List<String> tokens, long[] ids, float[][] vectors) {
    this.tokens = List.copyOf(tokens);
    this.ids = ids.clone();
    this.vectors = vectors;
    if (tokens.size() != ids.length || ids.length != vectors.length) {
      throw new IllegalArgumentException("tokens, ids and vectors differ in length");
    }
  }

  /** The word pieces, in order. */
  public List<String> tokens() {
    return tokens;
  }

  /** Number of tokens. */
  public int size() {
    return tokens.size();
  }

  /** Vocabulary id of token {@code i}. */
  public long id(int i) {
    Objects.checkIndex(i, ids.length);
    return ids[i];
  }

  /** A copy of token {@code i}'s vector. */
  public float[] vector(int i) {
    Objects.checkIndex(i, vectors.length);
    return vectors[i].clone();
  }

  /**
   * Index of the first token equal to {@code token}.
   *
   * @throws IllegalArgumentException if the text has no such token (the message lists the tokens)
   */
  public int indexOf(String token) {
    int i = tokens.indexOf(token);
    if (i < 0) {
      throw new IllegalArgumentException("no token '" + token + "' in " + tokens);
    }
    return i;
  }

  @Override
  public String toString() {
    return "TokenEmbeddings" + tokens;
  }
}
