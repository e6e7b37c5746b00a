package dev.winnow.encoders.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Plans padding-aware batches: sequences are ordered longest first and cut where padding a short sequence to a
 * long neighbour would cost more than another forward pass.
 *
 * <pre>{@code
 * BatchPlanner planner = new BatchPlanner(32, 16);
 * for (int[] batch : planner.plan(tokenCounts)) { ... }   // input indices, longest first
 * }</pre>
 *
 * <p>Cost model: a batch costs {@code overheadTokens + rows × its longest length} (in tokens), the cost of a
 * padded forward pass plus its fixed per-call overhead. Immutable and thread-safe.
 */
public final class BatchPlanner {
  private final int maxBatch;
  private final int overheadTokens;

  /**
   * @param maxBatch sequences per batch, at least 1
   * @param overheadTokens the fixed cost of one forward pass in padded tokens, at least 0
   * @throws IllegalArgumentException if an argument is out of range
   */
  public BatchPlanner(int maxBatch, int overheadTokens) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
    }
    if (overheadTokens < 0) {
      throw new IllegalArgumentException("overheadTokens must be >= 0, got " + overheadTokens);
    }
    this.maxBatch = maxBatch;
    this.overheadTokens = overheadTokens;
  }

  /** Sequences per batch at most. */
  public int maxBatch() {
    return maxBatch;
  }

  /** The fixed cost of one forward pass, in padded tokens. */
  public int overheadTokens() {
    return overheadTokens;
  }

  /**
   * Plans the batches of sequences of the given token lengths:
   * 1. order the input indices by length, longest first (stable, so ties keep input order);
   * 2. cut the ordered list with {@link #cut};
   * 3. return each batch as its input indices, longest first.
   *
   * @param lengths token count of each input sequence
   * @return batches covering every index exactly once
   */
  public List<int[]> plan(int[] lengths) {
    Integer[] order = new Integer[lengths.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Integer.compare(lengths[b], lengths[a]));
    int[] sorted = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      sorted[i] = lengths[order[i]];
    }
    int[] ends = cut(sorted, maxBatch, overheadTokens);
    List<int[]> batches = new ArrayList<>(ends.length);
    for (int b = 0, start = 0; b < ends.length; start = ends[b++]) {
      int[] batch = new int[ends[b] - start];
      for (int i = start; i < ends[b]; i++) {
        batch[i - start] = order[i];
      }
      batches.add(batch);
    }
    return batches;
  }

  /**
   * Cuts lengths sorted longest first into batches of at most {@code maxBatch} that minimize
   * {@code Σ (overhead + rows × longest)}. Dynamic programming over the sorted lengths, O(n × maxBatch); ties go
   * to larger batches.
   *
   * @return the exclusive end index of each batch, ascending
   */
  public static int[] cut(int[] sortedLengths, int maxBatch, int overhead) {
    int n = sortedLengths.length;
    long[] best = new long[n + 1]; // best[i]: cost of sequences i..n-1
    int[] cut = new int[n + 1];
    for (int i = n - 1; i >= 0; i--) {
      best[i] = Long.MAX_VALUE;
      for (int j = i + 1; j <= Math.min(n, i + maxBatch); j++) {
        long cost = overhead + (long) (j - i) * sortedLengths[i] + best[j];
        if (cost <= best[i]) {
          best[i] = cost;
          cut[i] = j;
        }
      }
    }
    List<Integer> ends = new ArrayList<>();
    for (int i = 0; i < n; i = cut[i]) {
      ends.add(cut[i]);
    }
    return ends.stream().mapToInt(Integer::intValue).toArray();
  }
}
