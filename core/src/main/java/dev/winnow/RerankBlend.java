package dev.winnow;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Combines first-stage and reranker scores of one query's candidates:
 * {@code weight · minmax(rerank) + (1 − weight) · minmax(firstStage)}, each min-max normalised over the
 * candidates (a constant list maps to 0.5). {@code weight = 1} is a pure rerank, {@code 0} keeps the first-stage
 * order. A modest reranker often helps only in combination: the first stage knows things the cross-encoder
 * misses (BM25's exact terms, the bi-encoder's training). Tune the weight on a dev split
 * (docs/training.md); {@link Retriever.Builder#rerankWeight(double)} applies it. Stateless, thread-safe.
 *
 * <pre>{@code
 * float[] combined = RerankBlend.blend(firstStageScores, rerankerScores, 0.6);
 * }</pre>
 */
public final class RerankBlend {
  private RerankBlend() {}

  /**
   * The combined scores, {@code [i]} for candidate i.
   *
   * @throws IllegalArgumentException if an array is null, they differ in length, a score is not finite, or
   *     {@code weight} is outside [0, 1]
   */
  public static float[] blend(float[] firstStage, float[] rerank, double weight) {
    checkWeight(weight);
    if (firstStage == null || rerank == null) {
      throw new IllegalArgumentException((firstStage == null ? "firstStage" : "rerank") + " is null");
    }
    if (firstStage.length != rerank.length) {
      throw new IllegalArgumentException("firstStage has " + firstStage.length + " scores but rerank has "
          + rerank.length);
    }
    float[] a = minMax(firstStage, "firstStage");
    float[] b = minMax(rerank, "rerank");
    float[] out = new float[a.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) ((1 - weight) * a[i] + weight * b[i]);
    }
    return out;
  }

  /**
   * Re-sorts reranked candidates by the blend of their {@link ScoredDocument#firstStageScore()} and
   * {@link ScoredDocument#score()} (the reranker's): each keeps its stage scores, its score becomes the blend.
   *
   * @return the best {@code topK}, best first, ties by id
   * @throws IllegalArgumentException if an argument is null, {@code topK < 1} or the weight is outside [0, 1]
   */
  public static List<ScoredDocument> rerank(List<ScoredDocument> reranked, double weight, int topK) {
    if (reranked == null) {
      throw new IllegalArgumentException("reranked is null");
    }
    if (topK < 1) {
      throw new IllegalArgumentException("topK must be >= 1, got " + topK);
    }
    float[] first = new float[reranked.size()];
    float[] second = new float[reranked.size()];
    for (int i = 0; i < first.length; i++) {
      first[i] = reranked.get(i).firstStageScore();
      second[i] = reranked.get(i).score();
    }
    float[] s = blend(first, second, weight);
    List<ScoredDocument> out = new ArrayList<>(s.length);
    for (int i = 0; i < s.length; i++) {
      ScoredDocument d = reranked.get(i);
      out.add(new ScoredDocument(d.document(), s[i], d.firstStageScore(), d.denseScore(), d.keywordScore(),
          d.rerankScore().isPresent() ? d.rerankScore() : OptionalDouble.of(d.score())));
    }
    out.sort(null);
    return out.size() > topK ? List.copyOf(out.subList(0, topK)) : List.copyOf(out);
  }

  static void checkWeight(double weight) {
    if (!(weight >= 0 && weight <= 1)) {
      throw new IllegalArgumentException("rerank weight must be in [0, 1], got " + weight);
    }
  }

  private static float[] minMax(float[] s, String name) {
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < s.length; i++) {
      if (!Float.isFinite(s[i])) {
        throw new IllegalArgumentException(name + "[" + i + "] is " + s[i] + "; scores must be finite");
      }
      lo = Math.min(lo, s[i]);
      hi = Math.max(hi, s[i]);
    }
    float[] r = new float[s.length];
    for (int i = 0; i < s.length; i++) {
      r[i] = hi > lo ? (s[i] - lo) / (hi - lo) : 0.5f;
    }
    return r;
  }
}
