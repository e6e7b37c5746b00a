package dev.winnow.eval;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Mean IR metrics over judged queries: nDCG@10, MRR@10, Recall@1/10/100, MAP@100, Precision@10.
 *
 * <pre>{@code
 * RetrievalEvaluation.Result r = RetrievalEvaluation.evaluate(data.judgedQueries(), data.qrels(),
 *     query -> retriever.retrieve(query, 100).results().stream().map(ScoredDocument::id).toList());
 * }</pre>
 *
 * <p>Every query in {@code queries} is evaluated (pass only judged ones); a query without a relevant document
 * scores 0 and counts. Stateless.
 */
public final class RetrievalEvaluation {
  private RetrievalEvaluation() {}

  /** Means over the evaluated queries. Immutable. */
  public record Result(int queries, double ndcgAt10, double mrrAt10, double recallAt1, double recallAt10,
      double recallAt100, double mapAt100, double precisionAt10) {}

  /**
   * @param queries query id → text, the queries to evaluate
   * @param qrels query id → (document id → grade); a query missing here has no relevant document
   * @param search query text → ranked document ids, best first (at least 100 for Recall@100 / MAP@100)
   */
  public static Result evaluate(Map<String, String> queries, Map<String, Map<String, Integer>> qrels,
      Function<String, List<String>> search) {
    if (queries == null || qrels == null || search == null) {
      throw new IllegalArgumentException("queries, qrels and search must be non-null");
    }
    double ndcg = 0, mrr = 0, r1 = 0, r10 = 0, r100 = 0, map = 0, p10 = 0;
    for (Map.Entry<String, String> q : queries.entrySet()) {
      List<String> ranking = search.apply(q.getValue());
      Map<String, Integer> j = qrels.getOrDefault(q.getKey(), Map.of());
      ndcg += IrMetrics.ndcg(ranking, j, 10);
      mrr += IrMetrics.reciprocalRank(ranking, j, 10);
      r1 += IrMetrics.recall(ranking, j, 1);
      r10 += IrMetrics.recall(ranking, j, 10);
      r100 += IrMetrics.recall(ranking, j, 100);
      map += IrMetrics.averagePrecision(ranking, j, 100);
      p10 += IrMetrics.precision(ranking, j, 10);
    }
    int n = queries.size();
    if (n == 0) {
      return new Result(0, 0, 0, 0, 0, 0, 0, 0);
    }
    return new Result(n, ndcg / n, mrr / n, r1 / n, r10 / n, r100 / n, map / n, p10 / n);
  }
}
