package dev.winnow.eval;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ranking metrics of one query, as trec_eval / pytrec_eval (and so BEIR) define them. A ranking is the list of
 * retrieved document ids, best first; judgments map document ids to graded relevance, where a grade {@code > 0}
 * is relevant and unjudged documents count as grade 0.
 *
 * <ul>
 *   <li>Recall@k = relevant in the top k / all relevant.
 *   <li>Precision@k = relevant in the top k / k (k, not the number retrieved: trec_eval's P_k).
 *   <li>MRR@k = 1 / rank of the first relevant document within the top k, else 0.
 *   <li>nDCG@k = DCG@k / IDCG@k with gain = grade and discount log2(rank + 1); IDCG sorts all judged grades.
 *   <li>AP@k (MAP@k averaged) = sum of Precision@i at each relevant rank i ≤ k / all relevant (trec_eval's
 *       map_cut).
 * </ul>
 *
 * <p>A query with no relevant document scores 0 on every metric (as in trec_eval); evaluators decide whether to
 * count it. Stateless and thread-safe.
 */
public final class IrMetrics {
  private IrMetrics() {}

  public static double recall(List<String> ranking, Map<String, Integer> judgments, int k) {
    check(ranking, judgments, k);
    int relevant = relevantCount(judgments);
    return relevant == 0 ? 0 : (double) hits(ranking, judgments, k) / relevant;
  }

  public static double precision(List<String> ranking, Map<String, Integer> judgments, int k) {
    check(ranking, judgments, k);
    return (double) hits(ranking, judgments, k) / k;
  }

  public static double reciprocalRank(List<String> ranking, Map<String, Integer> judgments, int k) {
    check(ranking, judgments, k);
    for (int i = 0; i < Math.min(k, ranking.size()); i++) {
      if (grade(judgments, ranking.get(i)) > 0) {
        return 1.0 / (i + 1);
      }
    }
    return 0;
  }

  public static double ndcg(List<String> ranking, Map<String, Integer> judgments, int k) {
    check(ranking, judgments, k);
    double dcg = 0;
    for (int i = 0; i < Math.min(k, ranking.size()); i++) {
      int g = grade(judgments, ranking.get(i));
      if (g > 0) {
        dcg += g / log2(i + 2);
      }
    }
    List<Integer> ideal = new ArrayList<>();
    for (int g : judgments.values()) {
      if (g > 0) {
        ideal.add(g);
      }
    }
    ideal.sort((a, b) -> Integer.compare(b, a));
    double idcg = 0;
    for (int i = 0; i < Math.min(k, ideal.size()); i++) {
      idcg += ideal.get(i) / log2(i + 2);
    }
    return idcg == 0 ? 0 : dcg / idcg;
  }

  public static double averagePrecision(List<String> ranking, Map<String, Integer> judgments, int k) {
    check(ranking, judgments, k);
    int relevant = relevantCount(judgments);
    if (relevant == 0) {
      return 0;
    }
    double sum = 0;
    int found = 0;
    for (int i = 0; i < Math.min(k, ranking.size()); i++) {
      if (grade(judgments, ranking.get(i)) > 0) {
        found++;
        sum += (double) found / (i + 1);
      }
    }
    return sum / relevant;
  }

  private static int hits(List<String> ranking, Map<String, Integer> judgments, int k) {
    int hits = 0;
    for (int i = 0; i < Math.min(k, ranking.size()); i++) {
      if (grade(judgments, ranking.get(i)) > 0) {
        hits++;
      }
    }
    return hits;
  }

  private static int relevantCount(Map<String, Integer> judgments) {
    int n = 0;
    for (int g : judgments.values()) {
      if (g > 0) {
        n++;
      }
    }
    return n;
  }

  private static int grade(Map<String, Integer> judgments, String id) {
    Integer g = judgments.get(id);
    return g == null ? 0 : g;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  private static void check(List<String> ranking, Map<String, Integer> judgments, int k) {
    if (ranking == null || judgments == null) {
      throw new IllegalArgumentException((ranking == null ? "ranking" : "judgments") + " is null");
    }
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    Set<String> seen = new HashSet<>();
    for (String id : ranking) {
      if (id == null || !seen.add(id)) {
        throw new IllegalArgumentException("ranking holds " + (id == null ? "a null id" : "'" + id + "' twice"));
      }
    }
  }
}
