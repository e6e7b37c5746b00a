package dev.winnow;

/**
 * Per-call search settings. Indexes are shared between threads, so query-time knobs travel with each call
 * instead of being setters on the index.
 *
 * <pre>{@code
 * index.search(q, 10, SearchOptions.DEFAULTS);                               // the index's defaults
 * index.search(q, 10, SearchOptions.DEFAULTS.withEf(200));                   // wider beam: higher recall, slower
 * index.search(q, 10, SearchOptions.DEFAULTS.withEfPerK(8));                 // beam = 8 * k
 * index.search(q, 10, SearchOptions.DEFAULTS.withFilter(Filter.eq("lang", "en")));
 * }</pre>
 *
 * <p>{@code ef} is the size of the candidate list of an HNSW search (the paper's {@code ef}; Lucene calls the
 * build-time one {@code beamWidth}). Larger is more accurate and slower; the index uses {@code max(ef, k)}. At
 * most one of {@code ef} and {@code efPerK} is set; when neither is, the index's own default applies. Exact
 * indexes ignore both.
 *
 * <p>Immutable.
 *
 * @param ef absolute candidate-list size, or 0 for "not set"; otherwise in [1, 100_000]
 * @param efPerK candidate-list size as a multiple of {@code k}, or 0 for "not set"; otherwise in [1, 1000]
 * @param filter only documents whose metadata pass it are returned; null for no filter
 */
public record SearchOptions(int ef, double efPerK, Filter filter) {

  /** No filter, the index's default {@code ef}. */
  public static final SearchOptions DEFAULTS = new SearchOptions(0, 0, null);

  /**
   * @throws IllegalArgumentException if {@code ef} or {@code efPerK} is out of range, or both are set
   */
  public SearchOptions {
    if (ef < 0 || ef > 100_000) {
      throw new IllegalArgumentException("ef must be 0 (unset) or in [1, 100000], got " + ef);
    }
    if (!(efPerK == 0 || (efPerK >= 1 && efPerK <= 1000))) {
      throw new IllegalArgumentException("efPerK must be 0 (unset) or in [1, 1000], got " + efPerK);
    }
    if (ef != 0 && efPerK != 0) {
      throw new IllegalArgumentException("set ef (" + ef + ") or efPerK (" + efPerK + "), not both");
    }
  }

  /** A copy with an absolute {@code ef} (and {@code efPerK} unset). */
  public SearchOptions withEf(int ef) {
    return new SearchOptions(ef, 0, filter);
  }

  /** A copy with {@code ef = ceil(efPerK * k)} (and {@code ef} unset). */
  public SearchOptions withEfPerK(double efPerK) {
    return new SearchOptions(0, efPerK, filter);
  }

  /** A copy with this filter; null removes the filter. */
  public SearchOptions withFilter(Filter filter) {
    return new SearchOptions(ef, efPerK, filter);
  }

  /**
   * The candidate-list size to use for a top-{@code k} search: {@code max(k, ef)}, {@code max(k, ceil(efPerK*k))},
   * or {@code max(k, defaultEf)} when neither is set.
   */
  public int effectiveEf(int k, int defaultEf) {
    long e = ef > 0 ? ef : efPerK > 0 ? (long) Math.ceil(efPerK * k) : defaultEf;
    return (int) Math.min(Integer.MAX_VALUE, Math.max(k, e));
  }
}
