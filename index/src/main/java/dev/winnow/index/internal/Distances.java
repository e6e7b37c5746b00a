package dev.winnow.index.internal;

import com.github.jelmerk.hnswlib.core.DistanceFunction;
import dev.winnow.Similarity;

/**
 * hnswlib distance functions (lower is closer) over stored-form vectors, built on {@link VectorOps}: COSINE
 * and DOT_PRODUCT use {@code 1 - dot} (COSINE vectors are stored normalized), EUCLIDEAN the squared distance
 * (same order as the distance, one square root less). They return a boxed {@code Float} because hnswlib's
 * interface demands it. Immutable.
 */
public final class Distances {
  private Distances() {}

  public static DistanceFunction<float[], Float> forSimilarity(Similarity similarity) {
    return similarity == Similarity.EUCLIDEAN ? new SquaredEuclidean() : new OneMinusDot();
  }

  /** {@code 1 - dot(u, v)}. */
  public static final class OneMinusDot implements DistanceFunction<float[], Float> {
    private static final long serialVersionUID = 1L;

    @Override
    public Float distance(float[] u, float[] v) {
      return 1f - VectorOps.dot(u, v);
    }
  }

  /** Squared Euclidean distance. */
  public static final class SquaredEuclidean implements DistanceFunction<float[], Float> {
    private static final long serialVersionUID = 1L;

    @Override
    public Float distance(float[] u, float[] v) {
      return VectorOps.squareDistance(u, v);
    }
  }
}
