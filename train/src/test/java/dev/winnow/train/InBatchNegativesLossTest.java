package dev.winnow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;

/** The seed's 4×4 example: known losses, through the static function and through Q·Aᵀ. */
class InBatchNegativesLossTest {
  static final float[][] SEED = {
      {4.3f, 1.2f, 0.05f, 1.07f}, {0.18f, 3.2f, 0.09f, 0.05f},
      {0.85f, 0.27f, 2.2f, 1.03f}, {0.23f, 0.57f, 0.12f, 5.1f}};

  static float[][] improve(float[][] m) {
    float[][] out = new float[4][4];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        out[i][j] = i == j ? m[i][j] + 0.5f : m[i][j] - 0.02f;
      }
    }
    return out;
  }

  @Test
  void seedMatrixLosses() {
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      float[][] once = improve(SEED);
      float[][] twice = improve(once);
      assertEquals(0.19658, loss(m, SEED), 1e-5);
      assertEquals(0.12602, loss(m, once), 1e-5);
      assertEquals(0.07889, loss(m, twice), 1e-5);
      // the same through the Loss: Q = the matrix, A = identity, so Q·Aᵀ is the matrix
      NDArray q = m.create(SEED);
      NDArray a = m.eye(4, 4, 0, DataType.FLOAT32);
      assertEquals(0.19658, new InBatchNegativesLoss(1f, false).evaluate(null, new NDList(q, a)).getFloat(), 1e-5);
      // scale multiplies the logits
      NDArray scaled = m.create(SEED).mul(2f);
      assertEquals(InBatchNegativesLoss.diagonalCrossEntropy(scaled).getFloat(),
          new InBatchNegativesLoss(2f, false).evaluate(null, new NDList(q, a)).getFloat(), 1e-6);
    }
  }

  @Test
  void symmetricAndHardNegatives() {
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      NDArray q = m.create(SEED);
      NDArray a = m.eye(4, 4, 0, DataType.FLOAT32);
      // A·Qᵀ = Mᵀ: the symmetric loss is the mean of the row-wise and column-wise losses
      float rows = InBatchNegativesLoss.diagonalCrossEntropy(q).getFloat();
      float cols = InBatchNegativesLoss.diagonalCrossEntropy(q.transpose()).getFloat();
      assertEquals((rows + cols) / 2,
          new InBatchNegativesLoss(1f, true).evaluate(null, new NDList(q, a)).getFloat(), 1e-6);
      // a hard negative column adds candidates, so the loss can only grow
      NDArray h = m.eye(4, 4, 0, DataType.FLOAT32);
      float withNeg = new InBatchNegativesLoss(1f, false).evaluate(null, new NDList(q, a, h)).getFloat();
      assertEquals(InBatchNegativesLoss.diagonalCrossEntropy(q.concat(q, 1)).getFloat(), withNeg, 1e-6);
    }
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> new InBatchNegativesLoss(0f, false));
    assertThrows(IllegalArgumentException.class, () -> new InBatchNegativesLoss(Float.NaN, false));
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      assertThrows(IllegalArgumentException.class,
          () -> InBatchNegativesLoss.diagonalCrossEntropy(m.ones(new ai.djl.ndarray.types.Shape(3, 2))));
    }
  }

  static float loss(NDManager m, float[][] matrix) {
    return InBatchNegativesLoss.diagonalCrossEntropy(m.create(matrix)).getFloat();
  }
}
