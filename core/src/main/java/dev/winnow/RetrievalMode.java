package dev.winnow;

/**
 * Which first-stage searches a {@link Retriever} runs for a query.
 *
 * <p>Immutable.
 */
public enum RetrievalMode {
  /** Vector search only (the query encoder and the {@link VectorIndex}). */
  DENSE,
  /** Keyword search only (the {@link KeywordIndex}, e.g. BM25); the query is not encoded. */
  KEYWORD,
  /** Both, fused by the retriever's {@link Fusion}. */
  HYBRID;

  /** Parses {@code dense}, {@code keyword} or {@code hybrid} (any case); IAE naming the choices otherwise. */
  public static RetrievalMode parse(String s) {
    if (s != null) {
      for (RetrievalMode m : values()) {
        if (m.name().equalsIgnoreCase(s.trim())) {
          return m;
        }
      }
    }
    throw new IllegalArgumentException("mode must be one of dense, keyword, hybrid; got "
        + (s == null ? "null" : "'" + s + "'"));
  }
}
