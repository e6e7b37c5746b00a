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
 * @param mode the first-stage searches that ran
 * @param results the top results; each carries its final score and every stage's score
 * @param candidates the first-stage candidates (after fusion in hybrid mode, before MMR and reranking), best
 *     first
 * @param reranked whether a reranker produced {@code results}
 * @param timings per-stage wall-clock times
 */
public record Retrieval(String query, RetrievalMode mode, List<ScoredDocument> results,
    List<ScoredDocument> candidates, boolean reranked, Timings timings) {

  public Retrieval {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(mode, "mode");
    results = List.copyOf(results);
    candidates = List.copyOf(candidates);
    Objects.requireNonNull(timings, "timings");
  }

  /**
   * Wall-clock nanoseconds spent in each stage of one retrieval; 0 for a stage that did not run.
   *
   * @param encodeNanos encoding the query
   * @param vectorSearchNanos the vector index search, documents included
   * @param keywordSearchNanos the keyword index search, documents included
   * @param fusionNanos fusing the two lists and MMR
   * @param rerankNanos reranking the candidates
   */
  public record Timings(long encodeNanos, long vectorSearchNanos, long keywordSearchNanos, long fusionNanos,
      long rerankNanos) {

    /** Both searches, fusion and MMR: everything between encoding and reranking. */
    public long searchNanos() {
      return vectorSearchNanos + keywordSearchNanos + fusionNanos;
    }

    /** The sum of the stages. */
    public long totalNanos() {
      return encodeNanos + vectorSearchNanos + keywordSearchNanos + fusionNanos + rerankNanos;
    }
  }
}
