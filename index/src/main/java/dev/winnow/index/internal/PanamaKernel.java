package dev.winnow.index.internal;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels (the approach of hnswlib-core-jdk17's distance functions, which are compiled against
 * hnswlib 1.1.2's interface and cannot be used with 1.2.1 directly): two FMA accumulators of the preferred
 * species. Loaded only when {@code jdk.incubator.vector} is enabled ({@code --add-modules jdk.incubator.vector}).
 * Stateless.
 */
class PanamaKernel extends Kernel {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  /** As many bytes as {@link #S} has float lanes: one load widens to one float vector. */
  private static final VectorSpecies<Byte> B = ByteVector.SPECIES_PREFERRED.withShape(
      VectorShape.forBitSize(Math.max(64, S.length() * 8)));

  @Override
  float dot(float[] a, float[] b, int off, int n) {
    FloatVector acc0 = FloatVector.zero(S);
    FloatVector acc1 = FloatVector.zero(S);
    int step = S.length();
    int i = 0;
    int bound2 = n - 2 * step;
    for (; i <= bound2; i += 2 * step) {
      acc0 = FloatVector.fromArray(S, a, i).fma(FloatVector.fromArray(S, b, off + i), acc0);
      acc1 = FloatVector.fromArray(S, a, i + step).fma(FloatVector.fromArray(S, b, off + i + step), acc1);
    }
    for (; i <= n - step; i += step) {
      acc0 = FloatVector.fromArray(S, a, i).fma(FloatVector.fromArray(S, b, off + i), acc0);
    }
    float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      s += a[i] * b[off + i];
    }
    return s;
  }

  @Override
  float squareDistance(float[] a, float[] b, int off, int n) {
    FloatVector acc0 = FloatVector.zero(S);
    FloatVector acc1 = FloatVector.zero(S);
    int step = S.length();
    int i = 0;
    int bound2 = n - 2 * step;
    for (; i <= bound2; i += 2 * step) {
      FloatVector d0 = FloatVector.fromArray(S, a, i).sub(FloatVector.fromArray(S, b, off + i));
      FloatVector d1 = FloatVector.fromArray(S, a, i + step).sub(FloatVector.fromArray(S, b, off + i + step));
      acc0 = d0.fma(d0, acc0);
      acc1 = d1.fma(d1, acc1);
    }
    for (; i <= n - step; i += step) {
      FloatVector d = FloatVector.fromArray(S, a, i).sub(FloatVector.fromArray(S, b, off + i));
      acc0 = d.fma(d, acc0);
    }
    float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      float d = a[i] - b[off + i];
      s += d * d;
    }
    return s;
  }

  /**
   * Widens {@code S.length()} bytes at a time to floats (one sign-extending conversion) and multiplies them into
   * two FMA accumulators. Measured on random 384-d rows of 42,000 vectors: about 70 ns a score against 210 ns for
   * the float kernel, on Java 17 and 25 alike (a quarter of the memory traffic).
   */
  @Override
  float dotBytes(float[] a, byte[] b, int off, int n) {
    FloatVector acc0 = FloatVector.zero(S);
    FloatVector acc1 = FloatVector.zero(S);
    int step = S.length();
    if (B.length() != step) {
      return scalarDotBytes(a, b, off, n, 0, 0f);
    }
    int i = 0;
    int bound2 = n - 2 * step;
    for (; i <= bound2; i += 2 * step) {
      FloatVector c0 = (FloatVector) ByteVector.fromArray(B, b, off + i).convertShape(VectorOperators.B2F, S, 0);
      FloatVector c1 = (FloatVector) ByteVector.fromArray(B, b, off + i + step).convertShape(VectorOperators.B2F, S, 0);
      acc0 = FloatVector.fromArray(S, a, i).fma(c0, acc0);
      acc1 = FloatVector.fromArray(S, a, i + step).fma(c1, acc1);
    }
    for (; i <= n - step; i += step) {
      FloatVector c0 = (FloatVector) ByteVector.fromArray(B, b, off + i).convertShape(VectorOperators.B2F, S, 0);
      acc0 = FloatVector.fromArray(S, a, i).fma(c0, acc0);
    }
    return scalarDotBytes(a, b, off, n, i, acc0.add(acc1).reduceLanes(VectorOperators.ADD));
  }

  private static float scalarDotBytes(float[] a, byte[] b, int off, int n, int from, float s) {
    for (int i = from; i < n; i++) {
      s += a[i] * b[off + i];
    }
    return s;
  }

  @Override
  String name() {
    return "vector-api-" + S.vectorBitSize() + "bit";
  }
}
