package dev.winnow.train;

import dev.winnow.eval.IrMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reranking quality over dev queries: MAP (over the whole candidate list; judged passages the first stage
 * missed count as not found), MRR@10 and nDCG@10, each the mean over queries with at least one judged passage
 * ({@link IrMetrics}). Immutable.
 */
public record RerankMetrics(int queries, double map, double mrrAt10, double ndcgAt10) {

  /**
   * Ranks each query's candidates by {@code scores.get(q)} (higher first, ties by first-stage order) and
   * averages the metrics.
   *
   * @throws IllegalArgumentException if the lists differ in size or a score row does not match its candidates
   */
  public static RerankMetrics of(List<RerankQuery> dev, List<float[]> scores) {
    if (dev == null || scores == null || dev.size() != scores.size()) {
      throw new IllegalArgumentException("dev and scores must pair up: " + (dev == null ? null : dev.size())
          + " queries, " + (scores == null ? null : scores.size()) + " score rows");
    }
    double map = 0;
    double mrr = 0;
    double ndcg = 0;
    int n = 0;
    for (int q = 0; q < dev.size(); q++) {
      RerankQuery rq = dev.get(q);
      float[] s = scores.get(q);
      if (s == null || s.length != rq.passages().size()) {
        throw new IllegalArgumentException("query " + q + " has " + rq.passages().size() + " candidates but "
            + (s == null ? null : s.length) + " scores");
      }
      if (rq.judged() == 0) {
        continue;
      }
      Map<String, Integer> judgments = new HashMap<>();
      int positives = 0;
      for (int i = 0; i < s.length; i++) {
        if (rq.labels().get(i) > 0) {
          judgments.put("c" + i, rq.labels().get(i));
          positives++;
        }
      }
      for (int i = positives; i < rq.judged(); i++) {
        judgments.put("missed" + i, 1);
      }
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < s.length; i++) {
        order.add(i);
      }
      order.sort((a, b) -> {
        int c = Float.compare(s[b], s[a]);
        return c != 0 ? c : Integer.compare(a, b);
      });
      List<String> ranking = order.stream().map(i -> "c" + i).toList();
      map += IrMetrics.averagePrecision(ranking, judgments, Math.max(1, ranking.size()));
      mrr += IrMetrics.reciprocalRank(ranking, judgments, 10);
      ndcg += IrMetrics.ndcg(ranking, judgments, 10);
      n++;
    }
    return n == 0 ? new RerankMetrics(0, 0, 0, 0) : new RerankMetrics(n, map / n, mrr / n, ndcg / n);
  }

  /** The first stage's own ranking: candidates in their given order. */
  public static RerankMetrics firstStage(List<RerankQuery> dev) {
    List<float[]> scores = new ArrayList<>();
    for (RerankQuery q : dev) {
      float[] s = new float[q.passages().size()];
      for (int i = 0; i < s.length; i++) {
        s[i] = -i;
      }
      scores.add(s);
    }
    return of(dev, scores);
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "MAP %.4f MRR@10 %.4f nDCG@10 %.4f (%d queries)", map, mrrAt10,
        ndcgAt10, queries);
  }
}
