package dev.winnow;

import java.util.Objects;

/**
 * How two vectors are compared. Every score is "higher is more similar", so results of any similarity sort the
 * same way.
 *
 * <p>Immutable and thread-safe.
 */
public enum Similarity {
  /** Cosine of the angle, in [-1, 1]. Vectors need not be normalized; zero vectors score 0. */
  COSINE {
    @Override
    public float score(float[] a, float[] b) {
      check(a, b);
      double dot = 0, na = 0, nb = 0;
      for (int i = 0; i < a.length; i++) {
        dot += (double) a[i] * b[i];
        na += (double) a[i] * a[i];
        nb += (double) b[i] * b[i];
      }
      if (na == 0 || nb == 0) {
        return 0f;
      }
      return (float) (dot / Math.sqrt(na * nb));
    }
  },
  /**
   * Inner product. Equal to cosine only when both vectors are L2-normalized; for models trained with a dot
   * product objective (e.g. some DPR variants) it is the right choice as is.
   */
  DOT_PRODUCT {
    @Override
    public float score(float[] a, float[] b) {
      check(a, b);
      double dot = 0;
      for (int i = 0; i < a.length; i++) {
        dot += (double) a[i] * b[i];
      }
      return (float) dot;
    }
  },
  /** Euclidean distance d mapped to a similarity {@code 1 / (1 + d²)}, in (0, 1] (Lucene's convention). */
  EUCLIDEAN {
    @Override
    public float score(float[] a, float[] b) {
      check(a, b);
      double d2 = 0;
      for (int i = 0; i < a.length; i++) {
        double d = (double) a[i] - b[i];
        d2 += d * d;
      }
      return (float) (1.0 / (1.0 + d2));
    }
  };

  /**
   * Similarity of two vectors of equal length.
   *
   * @throws IllegalArgumentException if either is null or their lengths differ
   */
  public abstract float score(float[] a, float[] b);

  private static void check(float[] a, float[] b) {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    if (a.length != b.length) {
      throw new IllegalArgumentException("vector dimensions differ: a=" + a.length + " != b=" + b.length);
    }
  }
}
