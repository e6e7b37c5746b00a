package dev.winnow.train;

/**
 * Retrieval quality of a dual encoder on a dev split: each question ranks all distinct dev answers by
 * similarity; its own answer is the single relevant one. Immutable.
 *
 * @param recallAt1 share of questions whose answer ranks first
 * @param recallAt10 share of questions whose answer is in the top 10
 * @param mrrAt10 mean reciprocal rank of the answer, 0 when below rank 10
 * @param questions number of questions
 * @param candidates number of distinct answers ranked
 */
public record RetrievalMetrics(double recallAt1, double recallAt10, double mrrAt10, int questions,
    int candidates) {

  /**
   * Scores questions against candidates by dot product (cosine for normalized vectors).
   *
   * @param gold for question i, the row of its answer in {@code answers}
   */
  public static RetrievalMetrics of(float[][] questions, float[][] answers, int[] gold) {
    if (questions.length != gold.length) {
      throw new IllegalArgumentException("questions " + questions.length + " != gold " + gold.length);
    }
    double r1 = 0;
    double r10 = 0;
    double mrr = 0;
    for (int i = 0; i < questions.length; i++) {
      double target = dot(questions[i], answers[gold[i]]);
      int rank = 1; // ties count against the question: rank = 1 + #candidates scoring >= target, gold excluded
      for (int j = 0; j < answers.length; j++) {
        if (j != gold[i] && dot(questions[i], answers[j]) >= target) {
          rank++;
        }
      }
      r1 += rank == 1 ? 1 : 0;
      r10 += rank <= 10 ? 1 : 0;
      mrr += rank <= 10 ? 1.0 / rank : 0;
    }
    int n = Math.max(1, questions.length);
    return new RetrievalMetrics(r1 / n, r10 / n, mrr / n, questions.length, answers.length);
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "R@1 %.3f  R@10 %.3f  MRR@10 %.3f  (%d questions, %d answers)",
        recallAt1, recallAt10, mrrAt10, questions, candidates);
  }
}
