package dev.winnow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The cross-encoder training losses over groups of {@code 1 + n} pairs of one query: the judged positive first,
 * then {@code n} hard negatives. Logits arrive as [groups, 1 + n]. Stateless, thread-safe.
 */
public enum CrossEncoderLoss {
  /**
   * Pointwise binary cross-entropy with logits: label 1 for the positive, 0 for each negative, averaged over all
   * pairs: {@code mean(−y·log σ(x) − (1−y)·log σ(−x))}. Sentence-transformers' default for one-label
   * cross-encoders; scores become (uncalibrated) probabilities.
   */
  POINTWISE_BCE,
  /**
   * Listwise (in-query) softmax cross-entropy: {@code mean over groups of −log softmax(row)[0]}, the positive
   * against its own query's negatives only. Scores are comparable within a query, not across queries.
   */
  LISTWISE_SOFTMAX;

  /**
   * The mean loss of {@code logits} [groups, 1 + n] (column 0 = the positive), as a 0-d array; differentiable.
   *
   * @throws IllegalArgumentException if {@code logits} is not 2-d with at least 2 columns
   */
  public NDArray evaluate(NDArray logits) {
    Shape s = logits.getShape();
    if (s.dimension() != 2 || s.get(1) < 2) {
      throw new IllegalArgumentException("logits must be [groups, 1 + negatives] with negatives >= 1, got " + s);
    }
    NDManager m = logits.getManager();
    if (this == LISTWISE_SOFTMAX) {
      return logits.logSoftmax(1).get(":, 0").neg().mean();
    }
    // log σ(x) and log σ(−x) as the log-softmax of [0, x]: column 1 is log σ(x), column 0 is log σ(−x)
    NDArray x = logits.reshape(-1);
    NDArray logSig = NDArrays.stack(new NDList(x.zerosLike(), x), 1).logSoftmax(1);
    float[] target = new float[(int) x.size() * 2];
    for (int i = 0; i < x.size(); i++) {
      boolean positive = i % s.get(1) == 0;
      target[i * 2 + (positive ? 1 : 0)] = 1f;
    }
    try (NDArray t = m.create(target, new Shape(x.size(), 2)).toDevice(logits.getDevice(), false)) {
      return logSig.mul(t).sum(new int[] {1}).neg().mean();
    }
  }
}
