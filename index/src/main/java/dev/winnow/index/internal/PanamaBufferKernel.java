package dev.winnow.index.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link PanamaKernel} that also scores floats in place in a memory-mapped file, without first copying them to the
 * heap ({@code FloatVector.fromByteBuffer}). That method exists in the Vector API of Java 16 to 18 only (19 replaced
 * it with {@code fromMemorySegment}), so {@link VectorOps} loads this class on those versions and checks it once;
 * elsewhere mapped vectors are copied to a scratch array per score. Stateless.
 */
final class PanamaBufferKernel extends PanamaKernel {
  private static final VectorSpecies<Float> S = PanamaKernel.S;
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

  @Override
  boolean direct() {
    return true;
  }

  @Override
  float dot(float[] a, ByteBuffer b, int off, int n) {
    FloatVector acc0 = FloatVector.zero(S);
    FloatVector acc1 = FloatVector.zero(S);
    int step = S.length();
    int bytes = 4 * step;
    int i = 0;
    int bound2 = n - 2 * step;
    for (; i <= bound2; i += 2 * step) {
      int at = off + 4 * i;
      acc0 = FloatVector.fromArray(S, a, i).fma(FloatVector.fromByteBuffer(S, b, at, LE), acc0);
      acc1 = FloatVector.fromArray(S, a, i + step).fma(FloatVector.fromByteBuffer(S, b, at + bytes, LE), acc1);
    }
    for (; i <= n - step; i += step) {
      acc0 = FloatVector.fromArray(S, a, i).fma(FloatVector.fromByteBuffer(S, b, off + 4 * i, LE), acc0);
    }
    float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      s += a[i] * b.getFloat(off + 4 * i);
    }
    return s;
  }

  @Override
  float squareDistance(float[] a, ByteBuffer b, int off, int n) {
    FloatVector acc0 = FloatVector.zero(S);
    FloatVector acc1 = FloatVector.zero(S);
    int step = S.length();
    int bytes = 4 * step;
    int i = 0;
    int bound2 = n - 2 * step;
    for (; i <= bound2; i += 2 * step) {
      int at = off + 4 * i;
      FloatVector d0 = FloatVector.fromArray(S, a, i).sub(FloatVector.fromByteBuffer(S, b, at, LE));
      FloatVector d1 = FloatVector.fromArray(S, a, i + step).sub(FloatVector.fromByteBuffer(S, b, at + bytes, LE));
      acc0 = d0.fma(d0, acc0);
      acc1 = d1.fma(d1, acc1);
    }
    for (; i <= n - step; i += step) {
      FloatVector d = FloatVector.fromArray(S, a, i).sub(FloatVector.fromByteBuffer(S, b, off + 4 * i, LE));
      acc0 = d.fma(d, acc0);
    }
    float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      float d = a[i] - b.getFloat(off + 4 * i);
      s += d * d;
    }
    return s;
  }
}
