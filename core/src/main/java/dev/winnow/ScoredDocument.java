package dev.winnow;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A retrieved document with the score that ranks it and the score of every stage that saw it.
 *
 * <ul>
 *   <li>{@code firstStageScore}: what ranked it before reranking: the dense (vector) similarity in
 *       {@link RetrievalMode#DENSE} mode, the keyword score in {@link RetrievalMode#KEYWORD} mode, the fused
 *       score in {@link RetrievalMode#HYBRID} mode;
 *   <li>{@code score}: the reranker's score when reranked, else {@code firstStageScore};
 *   <li>{@code denseScore}, {@code keywordScore}, {@code rerankScore}: each stage's own score, empty where that
 *       stage did not see the document (e.g. a keyword-only hit in hybrid mode has no dense score).
 * </ul>
 * Ordered best first by {@code score}, ties by document id. (After MMR without a reranker, results come in
 * MMR's pick order instead.)
 *
 * <p>Immutable.
 */
public record ScoredDocument(Document document, float score, float firstStageScore, OptionalDouble denseScore,
    OptionalDouble keywordScore, OptionalDouble rerankScore) implements Comparable<ScoredDocument> {

  /** @throws IllegalArgumentException if {@code document} or an optional is null, or a score is NaN */
  public ScoredDocument {
    if (document == null) {
      throw new IllegalArgumentException("document is null");
    }
    if (denseScore == null || keywordScore == null || rerankScore == null) {
      throw new IllegalArgumentException("stage scores must be non-null (use OptionalDouble.empty()) for document "
          + document.id());
    }
    if (Float.isNaN(score) || Float.isNaN(firstStageScore) || isNaN(denseScore) || isNaN(keywordScore)
        || isNaN(rerankScore)) {
      throw new IllegalArgumentException("NaN score for document " + document.id());
    }
  }

  /**
   * A dense-only result whose final and first-stage score is {@code score} and whose dense score is
   * {@code firstStageScore}, with no rerank score unless they differ.
   */
  public ScoredDocument(Document document, float score, float firstStageScore) {
    this(document, score, firstStageScore, OptionalDouble.of(firstStageScore), OptionalDouble.empty(),
        score == firstStageScore ? OptionalDouble.empty() : OptionalDouble.of(score));
  }

  /** A first-stage vector-search result: score, first-stage score and dense score are {@code score}. */
  public static ScoredDocument firstStage(Document document, float score) {
    return new ScoredDocument(document, score, score, OptionalDouble.of(score), OptionalDouble.empty(),
        OptionalDouble.empty());
  }

  /** The same document and stage scores with a new final score, recorded as the rerank score. */
  public ScoredDocument rescored(float newScore) {
    return new ScoredDocument(document, newScore, firstStageScore, denseScore, keywordScore,
        OptionalDouble.of(newScore));
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
        && Float.compare(score, s.score) == 0 && Float.compare(firstStageScore, s.firstStageScore) == 0
        && denseScore.equals(s.denseScore) && keywordScore.equals(s.keywordScore)
        && rerankScore.equals(s.rerankScore);
  }

  @Override
  public int hashCode() {
    return Objects.hash(document, score, firstStageScore, denseScore, keywordScore, rerankScore);
  }

  private static boolean isNaN(OptionalDouble d) {
    return d.isPresent() && Double.isNaN(d.getAsDouble());
  }
}
