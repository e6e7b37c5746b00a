package dev.winnow;

import java.util.Objects;

/**
 * A retrieved document with its final score and its first-stage (vector search) score. Before reranking, or
 * without a reranker, {@code score == firstStageScore}; after reranking {@code score} is the reranker's. Ordered
 * best first by {@code score}, ties by document id.
 *
 * <p>Immutable.
 *
 * @param document the document
 * @param score the score that ranks it: the reranker's when reranked, else the first stage's
 * @param firstStageScore the vector index's similarity score
 */
public record ScoredDocument(Document document, float score, float firstStageScore)
    implements Comparable<ScoredDocument> {

  /** @throws IllegalArgumentException if {@code document} is null or a score is NaN */
  public ScoredDocument {
    if (document == null) {
      throw new IllegalArgumentException("document is null");
    }
    if (Float.isNaN(score) || Float.isNaN(firstStageScore)) {
      throw new IllegalArgumentException("NaN score for document " + document.id());
    }
  }

  /** A first-stage result: both scores are the vector score. */
  public static ScoredDocument firstStage(Document document, float score) {
    return new ScoredDocument(document, score, score);
  }

  /** The same document and first-stage score with a new final score. */
  public ScoredDocument rescored(float newScore) {
    return new ScoredDocument(document, newScore, firstStageScore);
  }

  /** The document id. */
  public String id() {
    return document.id();
  }

  @Override
  public int compareTo(ScoredDocument other) {
    int c = Float.compare(other.score, score);
    return c != 0 ? c : document.id().compareTo(other.document.id());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScoredDocument s && document.equals(s.document)
        && Float.compare(score, s.score) == 0 && Float.compare(firstStageScore, s.firstStageScore) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(document, score, firstStageScore);
  }
}
