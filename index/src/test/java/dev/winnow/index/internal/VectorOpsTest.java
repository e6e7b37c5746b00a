package dev.winnow.index.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.Similarity;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import dev.winnow.testing.Seeds;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VectorOpsTest {
  @Test
  void activeKernelsAgreeWithScalarOnEveryLength() {
    long seed = Seeds.seed("kernels");
    Random r = new Random(seed);
    System.out.println("kernels: " + VectorOps.implementation());
    for (int n = 1; n <= 130; n++) {
      float[] a = new float[n];
      float[] b = new float[n + 7];
      for (int i = 0; i < n; i++) {
        a[i] = (float) r.nextGaussian();
      }
      for (int i = 0; i < b.length; i++) {
        b[i] = (float) r.nextGaussian();
      }
      float[] bAligned = java.util.Arrays.copyOfRange(b, 7, 7 + n);
      double exactDot = 0;
      double exactL2 = 0;
      for (int i = 0; i < n; i++) {
        exactDot += (double) a[i] * bAligned[i];
        exactL2 += ((double) a[i] - bAligned[i]) * ((double) a[i] - bAligned[i]);
      }
      double tol = 1e-4 * (1 + n);
      assertEquals(exactDot, VectorOps.dot(a, bAligned), tol, "dot n=" + n + " seed " + seed);
      assertEquals(exactDot, VectorOps.dot(a, b, 7, n), tol, "dot offset n=" + n);
      assertEquals(exactDot, VectorOps.scalarDot(a, bAligned), tol);
      assertEquals(exactL2, VectorOps.squareDistance(a, b, 7, n), tol, "l2 n=" + n);
      assertEquals(exactL2, VectorOps.scalarSquareDistance(a, bAligned), tol);
    }
  }

  @Test
  void bufferKernelsScoreMappedFloatsExactlyAsTheArrayKernels() {
    // Java 16-18 with the Vector API reads mapped floats in place; the scores must equal the array path bit for bit,
    // since an opened index and the index it was saved from must rank identically
    if (Runtime.version().feature() <= 18 && VectorOps.implementation().startsWith("vector-api")
        && !"array".equals(System.getProperty("winnow.vector"))) {
      assertTrue(VectorOps.DIRECT, "Java " + Runtime.version().feature() + " with the Vector API should read buffers");
    }
    if (!VectorOps.DIRECT) {
      return;
    }
    long seed = Seeds.seed("buffer-kernels");
    Random r = new Random(seed);
    for (int n = 1; n <= 130; n++) {
      float[] a = new float[n];
      float[] b = new float[n];
      ByteBuffer buf = ByteBuffer.allocateDirect(4 * n + 12).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < n; i++) {
        a[i] = (float) r.nextGaussian();
        b[i] = (float) r.nextGaussian();
        buf.putFloat(12 + 4 * i, b[i]);
      }
      for (Similarity s : Similarity.values()) {
        assertEquals(VectorOps.score(s, a, b, 0), VectorOps.score(s, a, buf, 12), 0f, s + " n=" + n + " seed " + seed);
      }
    }
  }
}
