package dev.winnow;

/**
 * Per-call settings of {@link Retriever#retrieve(String, int, RetrieveOptions)}; anything unset takes the
 * retriever's default.
 *
 * <pre>{@code
 * RetrieveOptions.DEFAULTS                                    // the retriever's mode, fusion and depths
 *     .withMode(RetrievalMode.HYBRID).withFusion(Fusion.linear(0.6))
 *     .withDepth(200)                                         // 200 candidates from each side
 *     .withMmr(0.7)                                           // diversify the final list
 *     .withFilter(Filter.eq("lang", "en"))
 *     .withoutRerank();                                       // skip the cross-encoder this time
 * }</pre>
 *
 * <p>Immutable.
 *
 * @param mode which searches run, or null for the retriever's default
 * @param fusion how hybrid mode fuses, or null for the retriever's default
 * @param denseDepth candidates taken from the vector index, or 0 for the default (see {@link Retriever})
 * @param keywordDepth candidates taken from the keyword index, or 0 for the default
 * @param mmr MMR diversification, or null for none
 * @param filter metadata filter applied by both indexes, or null
 * @param rerank whether the retriever's reranker (if any) runs
 */
public record RetrieveOptions(RetrievalMode mode, Fusion fusion, int denseDepth, int keywordDepth, MmrOptions mmr,
    Filter filter, boolean rerank) {

  /** Everything from the retriever. */
  public static final RetrieveOptions DEFAULTS = new RetrieveOptions(null, null, 0, 0, null, null, true);

  /** The most candidates taken from one side. */
  public static final int MAX_DEPTH = 10_000;

  /** @throws IllegalArgumentException if a depth is outside [0, {@value #MAX_DEPTH}] */
  public RetrieveOptions {
    checkDepth("denseDepth", denseDepth);
    checkDepth("keywordDepth", keywordDepth);
  }

  /**
   * MMR settings.
   *
   * @param lambda relevance weight in [0, 1]: 1 keeps the relevance order, lower values diversify more
   * @param pool how many of the best first-stage candidates MMR picks from, or 0 for all of them
   */
  public record MmrOptions(double lambda, int pool) {
    public MmrOptions {
      if (!(lambda >= 0 && lambda <= 1)) {
        throw new IllegalArgumentException("mmr lambda must be in [0, 1], got " + lambda);
      }
      if (pool < 0 || pool > MAX_DEPTH * 2) {
        throw new IllegalArgumentException("mmr pool must be 0 (all candidates) or in [1, " + MAX_DEPTH * 2
            + "], got " + pool);
      }
    }
  }

  public RetrieveOptions withMode(RetrievalMode mode) {
    return new RetrieveOptions(mode, fusion, denseDepth, keywordDepth, mmr, filter, rerank);
  }

  public RetrieveOptions withFusion(Fusion fusion) {
    return new RetrieveOptions(mode, fusion, denseDepth, keywordDepth, mmr, filter, rerank);
  }

  /** The same depth for both sides. */
  public RetrieveOptions withDepth(int depth) {
    return new RetrieveOptions(mode, fusion, depth, depth, mmr, filter, rerank);
  }

  public RetrieveOptions withDepths(int denseDepth, int keywordDepth) {
    return new RetrieveOptions(mode, fusion, denseDepth, keywordDepth, mmr, filter, rerank);
  }

  /** MMR with {@code lambda} over all first-stage candidates. */
  public RetrieveOptions withMmr(double lambda) {
    return withMmr(lambda, 0);
  }

  public RetrieveOptions withMmr(double lambda, int pool) {
    return new RetrieveOptions(mode, fusion, denseDepth, keywordDepth, new MmrOptions(lambda, pool), filter, rerank);
  }

  public RetrieveOptions withoutMmr() {
    return new RetrieveOptions(mode, fusion, denseDepth, keywordDepth, null, filter, rerank);
  }

  public RetrieveOptions withFilter(Filter filter) {
    return new RetrieveOptions(mode, fusion, denseDepth, keywordDepth, mmr, filter, rerank);
  }

  /** Skips the reranker for this call. */
  public RetrieveOptions withoutRerank() {
    return new RetrieveOptions(mode, fusion, denseDepth, keywordDepth, mmr, filter, false);
  }

  public RetrieveOptions withRerank(boolean rerank) {
    return new RetrieveOptions(mode, fusion, denseDepth, keywordDepth, mmr, filter, rerank);
  }

  private static void checkDepth(String name, int depth) {
    if (depth < 0 || depth > MAX_DEPTH) {
      throw new IllegalArgumentException(name + " must be 0 (default) or in [1, " + MAX_DEPTH + "], got " + depth);
    }
  }
}
