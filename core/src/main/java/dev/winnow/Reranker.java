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
