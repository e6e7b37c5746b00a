package dev.winnow;

import java.util.Objects;

/**
 * One search result: a document id and its score (higher is better). Ordered best first, ties broken by id so
 * results are deterministic.
 *
 * <p>Immutable.
 */
public record Hit(String id, float score) implements Comparable<Hit> {

  /**
   * @throws NullPointerException if {@code id} is null
   * @throws IllegalArgumentException if {@code score} is NaN
   */
  public Hit {
    Objects.requireNonNull(id, "id");
    if (Float.isNaN(score)) {
      throw new IllegalArgumentException("score is NaN for id " + id);
    }
  }

  @Override
  public int compareTo(Hit other) {
    int c = Float.compare(other.score, score);
    return c != 0 ? c : id.compareTo(other.id);
  }
}
