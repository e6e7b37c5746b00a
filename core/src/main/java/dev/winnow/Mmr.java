package dev.winnow;

import java.util.ArrayList;
import java.util.List;

/**
 * Maximal Marginal Relevance (Carbonell and Goldstein, 1998): picks a list that balances relevance to the query
 * with novelty with respect to what is already picked. Step by step, over a ranked pool:
 * <ol>
 *   <li>normalise the pool's relevance scores to [0, 1] by min-max (best 1, worst 0; all equal → all 1), so the
 *       formula works the same for cosine, BM25 or fused scores;
 *   <li>repeatedly select the candidate maximising {@code lambda * rel(d) - (1 - lambda) * max cos(d, s)} over
 *       the already selected {@code s} (0 for the first pick), ties going to the better-ranked candidate;
 *   <li>stop after {@code n} picks.
 * </ol>
 * {@code lambda = 1} returns the pool's own order; lower values trade relevance for diversity. Similarity is the
 * cosine of the documents' vectors whatever the index's similarity. Cost: {@code O(n * pool * dimension)}.
 *
 * <pre>{@code
 * Retrieval r = retriever.retrieve("jaguar", 10, RetrieveOptions.DEFAULTS.withMmr(0.7));
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class Mmr {
  private Mmr() {}

  /**
   * The MMR order of the first {@code n} picks from {@code pool}.
   *
   * @param relevance the pool's relevance scores, best first (as ranked); finite
   * @param vectors one vector per pool entry, all of one length; a zero vector is similar to nothing
   * @param lambda in [0, 1]
   * @param n picks wanted, {@code >= 0}; capped at the pool size
   * @return indexes into the pool, in pick order
   * @throws IllegalArgumentException if the lengths differ, lambda is out of range, or a score is not finite
   */
  public static int[] select(float[] relevance, float[][] vectors, double lambda, int n) {
    if (relevance == null || vectors == null) {
      throw new IllegalArgumentException((relevance == null ? "relevance" : "vectors") + " is null");
    }
    if (relevance.length != vectors.length) {
      throw new IllegalArgumentException("relevance.length " + relevance.length + " != vectors.length "
          + vectors.length);
    }
    if (!(lambda >= 0 && lambda <= 1)) {
      throw new IllegalArgumentException("mmr lambda must be in [0, 1], got " + lambda);
    }
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    int size = relevance.length;
    n = Math.min(n, size);
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < size; i++) {
      if (!Float.isFinite(relevance[i])) {
        throw new IllegalArgumentException("relevance[" + i + "] is " + relevance[i] + "; scores must be finite");
      }
      min = Math.min(min, relevance[i]);
      max = Math.max(max, relevance[i]);
    }
    double range = max - min;
    float[][] unit = new float[size][];
    for (int i = 0; i < size; i++) {
      unit[i] = unit(vectors[i], i, vectors[0] == null ? -1 : vectors[0].length);
    }
    double[] maxSim = new double[size];
    java.util.Arrays.fill(maxSim, Double.NEGATIVE_INFINITY);
    boolean[] taken = new boolean[size];
    int[] out = new int[n];
    for (int pick = 0; pick < n; pick++) {
      int best = -1;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < size; i++) {
        if (taken[i]) {
          continue;
        }
        double rel = range > 0 ? (relevance[i] - min) / range : 1.0;
        double penalty = pick == 0 ? 0 : maxSim[i];
        double score = lambda * rel - (1 - lambda) * penalty;
        if (score > bestScore) { // strict: ties keep the better-ranked (earlier) candidate
          bestScore = score;
          best = i;
        }
      }
      taken[best] = true;
      out[pick] = best;
      for (int i = 0; i < size; i++) {
        if (!taken[i]) {
          maxSim[i] = Math.max(maxSim[i], dot(unit[i], unit[best]));
        }
      }
    }
    return out;
  }

  /** Mean cosine over all pairs of the vectors (0 for fewer than two); a diversity measure for reports. */
  public static double meanPairwiseCosine(List<float[]> vectors) {
    List<float[]> unit = new ArrayList<>(vectors.size());
    for (int i = 0; i < vectors.size(); i++) {
      unit.add(unit(vectors.get(i), i, vectors.get(0).length));
    }
    double sum = 0;
    long pairs = 0;
    for (int i = 0; i < unit.size(); i++) {
      for (int j = i + 1; j < unit.size(); j++) {
        sum += dot(unit.get(i), unit.get(j));
        pairs++;
      }
    }
    return pairs == 0 ? 0 : sum / pairs;
  }

  private static float[] unit(float[] v, int i, int dim) {
    if (v == null || v.length != dim) {
      throw new IllegalArgumentException("vectors[" + i + "] " + (v == null ? "is null" : "has length " + v.length
          + ", expected " + dim));
    }
    double norm = 0;
    for (float x : v) {
      norm += (double) x * x;
    }
    float[] u = new float[v.length];
    if (norm > 0 && Double.isFinite(norm)) {
      double inv = 1 / Math.sqrt(norm);
      for (int j = 0; j < v.length; j++) {
        u[j] = (float) (v[j] * inv);
      }
    }
    return u;
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      s += a[j] * b[j];
    }
    return s;
  }
}
