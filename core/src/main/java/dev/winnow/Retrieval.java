package dev.winnow;

import java.util.List;
import java.util.Objects;

/**
 * The answer to one {@link Retriever#retrieve} call: the final results, the first-stage candidates they were
 * chosen from, and how long each stage took.
 *
 * <p>Immutable.
 *
 * @param query the query as given
 * @param results the top results, best first; each carries its final and first-stage score
 * @param candidates the first-stage candidates (vector search, best first), before reranking; equal to
 *     {@code results} when nothing was reranked
 * @param reranked whether a reranker produced {@code results}
 * @param timings per-stage wall-clock times
 */
public record Retrieval(String query, List<ScoredDocument> results, List<ScoredDocument> candidates,
    boolean reranked, Timings timings) {

  public Retrieval {
    Objects.requireNonNull(query, "query");
    results = List.copyOf(results);
    candidates = List.copyOf(candidates);
    Objects.requireNonNull(timings, "timings");
  }

  /**
   * Wall-clock nanoseconds spent in each stage of one retrieval.
   *
   * @param encodeNanos encoding the query
   * @param searchNanos the vector index search, documents included
   * @param rerankNanos reranking the candidates; 0 without a reranker
   */
  public record Timings(long encodeNanos, long searchNanos, long rerankNanos) {
    /** The sum of the stages. */
    public long totalNanos() {
      return encodeNanos + searchNanos + rerankNanos;
    }
  }
}
