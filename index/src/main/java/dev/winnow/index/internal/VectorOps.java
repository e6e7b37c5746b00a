package dev.winnow.index.internal;

import dev.winnow.Similarity;

/**
 * Scalar float kernels with four independent accumulators (the JIT does not vectorize float reductions; four
 * chains hide the add latency) and the score conventions of {@link Similarity}. Stateless.
 */
public final class VectorOps {
  private VectorOps() {}

  public static float dot(float[] a, float[] b) {
    return dot(a, b, 0, a.length);
  }

  /** Dot product of {@code a} with {@code b[off, off + a.length)}. */
  public static float dot(float[] a, float[] b, int off, int n) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    int upper = n & ~3;
    for (; i < upper; i += 4) {
      s0 += a[i] * b[off + i];
      s1 += a[i + 1] * b[off + i + 1];
      s2 += a[i + 2] * b[off + i + 2];
      s3 += a[i + 3] * b[off + i + 3];
    }
    for (; i < n; i++) {
      s0 += a[i] * b[off + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  public static float squareDistance(float[] a, float[] b) {
    return squareDistance(a, b, 0, a.length);
  }

  /** Squared Euclidean distance of {@code a} and {@code b[off, off + a.length)}. */
  public static float squareDistance(float[] a, float[] b, int off, int n) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    int upper = n & ~3;
    for (; i < upper; i += 4) {
      float d0 = a[i] - b[off + i];
      float d1 = a[i + 1] - b[off + i + 1];
      float d2 = a[i + 2] - b[off + i + 2];
      float d3 = a[i + 3] - b[off + i + 3];
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    for (; i < n; i++) {
      float d = a[i] - b[off + i];
      s0 += d * d;
    }
    return (s0 + s1) + (s2 + s3);
  }

  /**
   * The form in which {@code similarity} stores a vector: a unit-length copy for COSINE (a zero vector stays zero,
   * so it scores 0 against everything, as {@link Similarity#COSINE} defines), a plain copy otherwise.
   */
  public static float[] stored(Similarity similarity, float[] v) {
    float[] copy = v.clone();
    if (similarity == Similarity.COSINE) {
      double n = 0;
      for (float x : copy) {
        n += (double) x * x;
      }
      if (n > 0) {
        float inv = (float) (1 / Math.sqrt(n));
        for (int i = 0; i < copy.length; i++) {
          copy[i] *= inv;
        }
      }
    }
    return copy;
  }

  /** Score (higher is better) of a stored-form query against a stored-form vector. */
  public static float score(Similarity similarity, float[] q, float[] v) {
    return similarity == Similarity.EUCLIDEAN ? 1f / (1f + squareDistance(q, v)) : dot(q, v);
  }

  /** Score against {@code data[off, off + q.length)}. */
  public static float score(Similarity similarity, float[] q, float[] data, int off) {
    return similarity == Similarity.EUCLIDEAN
        ? 1f / (1f + squareDistance(q, data, off, q.length))
        : dot(q, data, off, q.length);
  }
}
