package dev.winnow.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Metrics against values computed by hand (each derivation in a comment). */
class IrMetricsTest {
  // relevant: d2 (grade 1, rank 2), d4 (grade 2, rank 4), d9 (grade 1, not retrieved); d1 judged 0
  static final List<String> RANKING = List.of("d1", "d2", "d3", "d4", "d5");
  static final Map<String, Integer> JUDGMENTS = Map.of("d1", 0, "d2", 1, "d4", 2, "d9", 1);

  @Test
  void recallAndPrecision() {
    assertEquals(0.0, IrMetrics.recall(RANKING, JUDGMENTS, 1));
    assertEquals(1.0 / 3, IrMetrics.recall(RANKING, JUDGMENTS, 3), 1e-12);
    assertEquals(2.0 / 3, IrMetrics.recall(RANKING, JUDGMENTS, 5), 1e-12);
    assertEquals(2.0 / 3, IrMetrics.recall(RANKING, JUDGMENTS, 100), 1e-12, "d9 is never retrieved");
    assertEquals(1.0 / 3, IrMetrics.precision(RANKING, JUDGMENTS, 3), 1e-12);
    assertEquals(0.4, IrMetrics.precision(RANKING, JUDGMENTS, 5), 1e-12);
    assertEquals(0.2, IrMetrics.precision(RANKING, JUDGMENTS, 10), 1e-12, "divides by k, not by 5 retrieved");
  }

  @Test
  void reciprocalRank() {
    assertEquals(0.0, IrMetrics.reciprocalRank(RANKING, JUDGMENTS, 1));
    assertEquals(0.5, IrMetrics.reciprocalRank(RANKING, JUDGMENTS, 10), 1e-12);
  }

  @Test
  void ndcgUsesGradesAndLog2Discount() {
    // DCG@5 = 1/log2(3) + 2/log2(5); IDCG@5 over grades [2, 1, 1] = 2/log2(2) + 1/log2(3) + 1/log2(4)
    assertEquals(0.47662611018851303, IrMetrics.ndcg(RANKING, JUDGMENTS, 5), 1e-12);
    // @1: d1 is not relevant
    assertEquals(0.0, IrMetrics.ndcg(RANKING, JUDGMENTS, 1));
    // a perfect ranking scores 1, and so does one with equal grades swapped (ties in the ideal order)
    assertEquals(1.0, IrMetrics.ndcg(List.of("a", "b"), Map.of("a", 1, "b", 1), 10), 1e-12);
    assertEquals(1.0, IrMetrics.ndcg(List.of("b", "a"), Map.of("a", 1, "b", 1), 10), 1e-12);
    // graded: the grade-2 document second instead of first: (1 + 2/log2 3) / (2 + 1/log2 3)
    assertEquals(0.8597186998521972, IrMetrics.ndcg(List.of("a", "b"), Map.of("a", 1, "b", 2), 10), 1e-12);
  }

  @Test
  void averagePrecisionDividesByAllRelevant() {
    // relevant at ranks 2 and 4: (1/2 + 2/4) / 3 relevant
    assertEquals(1.0 / 3, IrMetrics.averagePrecision(RANKING, JUDGMENTS, 5), 1e-12);
    // cut at 3: only rank 2 counts: (1/2) / 3
    assertEquals(1.0 / 6, IrMetrics.averagePrecision(RANKING, JUDGMENTS, 3), 1e-12);
  }

  @Test
  void queriesWithoutRelevantDocumentsScoreZero() {
    Map<String, Integer> none = Map.of("d1", 0);
    assertEquals(0.0, IrMetrics.recall(RANKING, none, 10));
    assertEquals(0.0, IrMetrics.ndcg(RANKING, none, 10));
    assertEquals(0.0, IrMetrics.averagePrecision(RANKING, none, 10));
    assertEquals(0.0, IrMetrics.reciprocalRank(RANKING, Map.of(), 10));
    assertEquals(0.0, IrMetrics.recall(List.of(), Map.of("x", 1), 10), "nothing retrieved");
  }

  @Test
  void badInput() {
    assertThrows(IllegalArgumentException.class, () -> IrMetrics.recall(RANKING, JUDGMENTS, 0));
    assertThrows(IllegalArgumentException.class, () -> IrMetrics.ndcg(List.of("a", "a"), JUDGMENTS, 10));
    assertThrows(IllegalArgumentException.class, () -> IrMetrics.ndcg(Arrays.asList("a", null), JUDGMENTS, 10));
    assertThrows(IllegalArgumentException.class, () -> IrMetrics.precision(null, JUDGMENTS, 10));
  }

  @Test
  void evaluationAveragesOverGivenQueries() {
    Map<String, String> queries = Map.of("q1", "first", "q2", "second");
    Map<String, Map<String, Integer>> qrels = Map.of("q1", Map.of("a", 1), "q2", Map.of("a", 1, "b", 2));
    RetrievalEvaluation.Result r = RetrievalEvaluation.evaluate(queries, qrels, q -> List.of("a", "b", "c"));
    assertEquals(2, r.queries());
    assertEquals((1 + 0.8597186998521972) / 2, r.ndcgAt10(), 1e-12);
    assertEquals(1.0, r.mrrAt10(), 1e-12);
    assertEquals((1 + 0.5) / 2, r.recallAt1(), 1e-12);
    assertEquals(1.0, r.recallAt10(), 1e-12);
    assertEquals(1.0, r.mapAt100(), 1e-12);
    assertEquals((0.1 + 0.2) / 2, r.precisionAt10(), 1e-12);
  }
}
