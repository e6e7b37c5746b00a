package dev.winnow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;
import dev.winnow.train.internal.Layers;

/**
 * The in-batch negatives (multiple negatives ranking) loss of a dual encoder. For a batch of N
 * (question, answer) pairs with question vectors Q [N,D] and answer vectors A [N,D], the logits are
 * {@code scale · Q·Aᵀ} [N,N] and the loss is the cross-entropy of each row against its own column
 * (targets 0..N-1): each question's answer is its positive, the other N-1 answers its negatives. With hard
 * negatives H [N,D] the candidates are {@code [A; H]} (logits [N,2N]). The symmetric variant averages this
 * with the answer-to-question loss on {@code scale · A·Qᵀ}.
 *
 * <p>Predictions: {@code (Q, A)} or {@code (Q, A, H)}; labels are ignored (the targets are the diagonal).
 * Immutable, thread-safe.
 */
public final class InBatchNegativesLoss extends Loss {
  private final float scale;
  private final boolean symmetric;

  /**
   * @param scale multiplies similarities before the softmax (1/temperature): 20 for cosine (normalized)
   *     vectors as in sentence-transformers, 1 for raw dot products; finite and > 0
   * @param symmetric whether to add the answer-to-question term
   */
  public InBatchNegativesLoss(float scale, boolean symmetric) {
    super("in_batch_negatives");
    if (!(scale > 0) || !Float.isFinite(scale)) {
      throw new IllegalArgumentException("scale must be finite and > 0, got " + scale);
    }
    this.scale = scale;
    this.symmetric = symmetric;
  }

  /** The scale (1/temperature). */
  public float scale() {
    return scale;
  }

  /** Whether the answer-to-question term is added. */
  public boolean symmetric() {
    return symmetric;
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    if (predictions.size() != 2 && predictions.size() != 3) {
      throw new IllegalArgumentException("predictions must be (questions, answers[, hard negatives]), got "
          + predictions.size() + " arrays");
    }
    NDArray q = predictions.get(0);
    NDArray a = predictions.get(1);
    NDArray candidates = predictions.size() == 3 ? a.concat(predictions.get(2), 0) : a;
    // scalars via Layers (libtorch-allocated): NDArray.mul(Number) would leave autograd holding a freed buffer
    NDArray loss = diagonalCrossEntropy(Layers.mul(q.matMul(candidates.transpose()), scale));
    if (symmetric) {
      loss = Layers.div(loss.add(diagonalCrossEntropy(Layers.mul(a.matMul(q.transpose()), scale))), 2f);
    }
    return loss;
  }

  /**
   * Mean cross-entropy of each row of {@code logits} [N, M ≥ N] against target column i for row i, i.e.
   * {@code mean_i(logsumexp(logits[i,:]) − logits[i,i])}.
   */
  public static NDArray diagonalCrossEntropy(NDArray logits) {
    if (logits.getShape().dimension() != 2 || logits.getShape().get(1) < logits.getShape().get(0)) {
      throw new IllegalArgumentException("logits must be [N, M] with M >= N, got " + logits.getShape());
    }
    int n = (int) logits.getShape().get(0);
    int m = (int) logits.getShape().get(1);
    NDArray eye = logits.getManager().eye(n, m, 0, DataType.FLOAT32).toDevice(logits.getDevice(), false);
    return logits.logSoftmax(1).mul(eye).sum(new int[] {1}).neg().mean();
  }
}
