package dev.winnow;

import java.util.ArrayList;
import java.util.List;

/**
 * Second-stage scorer: reads a query and a passage together (a cross-encoder) and scores their relevance, more
 * accurately and far more slowly than comparing two vectors, so it reranks a short candidate list.
 *
 * <pre>{@code
 * try (Reranker reranker = CrossEncoderReranker.open(Path.of("models/minilm-l6-reranker"))) {
 *   List<ScoredDocument> top10 = reranker.rerank("who wrote Dune?", candidates, 10);
 * }
 * }</pre>
 *
 * <p>Implementations are thread-safe and may own native memory; whoever creates one closes it. After
 * {@link #close()} every method but {@code close} throws {@link IllegalStateException}.
 */
public interface Reranker extends AutoCloseable {

  /**
   * Scores each passage against the query; higher is more relevant.
   *
   * @return one score per passage, {@code [i]} for {@code passages.get(i)}; empty for an empty list
   * @throws IllegalArgumentException if the query, the list or an element is null (the message names the index)
   * @throws EncodingException if the model fails; nothing is returned for any passage then
   */
  float[] score(String query, List<String> passages);

  /**
   * Scores (query, passage) pairs of many queries in one call: pair {@code i} is
   * {@code (queries[i], passages[i])}. Evaluation and offline reranking should prefer it to one
   * {@link #score} call per query: an implementation that batches model calls can fill its batches across
   * queries (a query often has only 2-3 candidates). The default calls {@link #score} once per run of equal
   * consecutive queries, so implementations that batch override it. Scores equal {@link #score}'s for the same
   * pairs, within the batch-dependence of the model (see the implementation).
   *
   * @return one score per pair, in input order; empty for no pairs
   * @throws IllegalArgumentException if a list or an element is null, or the lists differ in size (the message
   *     names the index)
   * @throws EncodingException if the model fails; nothing is returned for any pair then
   */
  default float[] scorePairs(List<String> queries, List<String> passages) {
    checkPairs(queries, passages);
    if (queries.isEmpty()) {
      return score("", List.of()); // empty, or IllegalStateException once closed
    }
    float[] out = new float[queries.size()];
    for (int start = 0; start < out.length; ) {
      int end = start + 1;
      while (end < out.length && queries.get(end).equals(queries.get(start))) {
        end++;
      }
      float[] s = score(queries.get(start), passages.subList(start, end));
      System.arraycopy(s, 0, out, start, s.length);
      start = end;
    }
    return out;
  }

  /**
   * The argument checks of {@link #score}, for implementations.
   *
   * @throws IllegalArgumentException as {@link #score} documents
   */
  static void checkScore(String query, List<String> passages) {
    if (query == null) {
      throw new IllegalArgumentException("query is null");
    }
    if (passages == null) {
      throw new IllegalArgumentException("passages is null");
    }
    for (int i = 0; i < passages.size(); i++) {
      if (passages.get(i) == null) {
        throw new IllegalArgumentException("passages[" + i + "] is null");
      }
    }
  }

  /**
   * The argument checks of {@link #scorePairs}, for implementations.
   *
   * @throws IllegalArgumentException as {@link #scorePairs} documents
   */
  static void checkPairs(List<String> queries, List<String> passages) {
    if (queries == null || passages == null) {
      throw new IllegalArgumentException((queries == null ? "queries" : "passages") + " is null");
    }
    if (queries.size() != passages.size()) {
      throw new IllegalArgumentException("queries and passages must pair up: " + queries.size() + " queries, "
          + passages.size() + " passages");
    }
    for (int i = 0; i < queries.size(); i++) {
      if (queries.get(i) == null) {
        throw new IllegalArgumentException("queries[" + i + "] is null");
      }
      if (passages.get(i) == null) {
        throw new IllegalArgumentException("passages[" + i + "] is null");
      }
    }
  }

  /** Identifies the model and the settings that shape its scores. */
  String modelId();

  /**
   * Reorders candidates by this reranker's score, keeping each candidate's first-stage score.
   *
   * @param topK how many to return, {@code >= 1}; fewer when there are fewer candidates
   * @return the best {@code topK} candidates, best first, ties by id; the input list is not modified
   * @throws IllegalArgumentException if an argument is null or {@code topK < 1}
   * @throws EncodingException if scoring fails; no partial result is returned
   */
  default List<ScoredDocument> rerank(String query, List<ScoredDocument> candidates, int topK) {
    if (candidates == null) {
      throw new IllegalArgumentException("candidates is null");
    }
    if (topK < 1) {
      throw new IllegalArgumentException("topK must be >= 1, got " + topK);
    }
    List<String> texts = new ArrayList<>(candidates.size());
    int i = 0;
    for (ScoredDocument c : candidates) {
      if (c == null) {
        throw new IllegalArgumentException("candidates[" + i + "] is null");
      }
      texts.add(c.document().text());
      i++;
    }
    float[] scores = score(query, texts);
    List<ScoredDocument> out = new ArrayList<>(candidates.size());
    for (int j = 0; j < scores.length; j++) {
      out.add(candidates.get(j).rescored(scores[j]));
    }
    out.sort(null);
    return out.size() > topK ? List.copyOf(out.subList(0, topK)) : List.copyOf(out);
  }

  /** Releases the model. Idempotent; never throws a checked exception. */
  @Override
  void close();
}
