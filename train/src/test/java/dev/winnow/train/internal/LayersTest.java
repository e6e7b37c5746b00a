package dev.winnow.train.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** Scalar operations that autograd records must not depend on a buffer the JVM may free before backward. */
class LayersTest {
  @Test
  void scalarOperandsSurviveGarbageCollectionBeforeBackward() throws InterruptedException {
    // d/dx sum(x * 3) = 3, d/dx sum(x / 4) = 0.25, d/dx sum(max(x, 0.5)) = [0, 1] for x = [0.25, 2]
    assertArrayEquals(new float[] {3f, 3f}, gradient(Layers::mul, 3f));
    assertArrayEquals(new float[] {0.25f, 0.25f}, gradient(Layers::div, 4f));
    assertArrayEquals(new float[] {0f, 1f}, gradient(Layers::maximum, 0.5f));
  }

  static float[] gradient(BiFunction<NDArray, Float, NDArray> op, float value) throws InterruptedException {
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      NDArray x = m.create(new float[] {0.25f, 2f}, new Shape(2));
      x.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray y = op.apply(x, value).sum();
        churn();
        gc.backward(y);
      }
      return x.getGradient().toFloatArray();
    }
  }

  /** Collects garbage (freeing unreachable direct buffers) and reuses the freed native memory. */
  private static void churn() throws InterruptedException {
    for (int round = 0; round < 3; round++) {
      System.gc();
      Thread.sleep(50);
      List<ByteBuffer> spray = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        ByteBuffer b = ByteBuffer.allocateDirect(4);
        b.putInt(0, 0x7fc00000); // NaN
        spray.add(b);
      }
      spray.clear();
    }
  }
}
