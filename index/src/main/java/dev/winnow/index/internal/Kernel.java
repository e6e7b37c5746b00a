package dev.winnow.index.internal;

import java.nio.ByteBuffer;

/**
 * The kernels everything else is built on. {@link VectorOps} picks one implementation at class
 * initialization: {@link PanamaKernel} (Vector API) when {@code jdk.incubator.vector} is enabled, else
 * {@link ScalarKernel}. Stateless and thread-safe.
 */
abstract class Kernel {
  /** Dot product of {@code a[0, n)} with {@code b[off, off + n)}. */
  abstract float dot(float[] a, float[] b, int off, int n);

  /** Squared Euclidean distance of {@code a[0, n)} and {@code b[off, off + n)}. */
  abstract float squareDistance(float[] a, float[] b, int off, int n);

  /** Dot product of float {@code a[0, n)} with the signed bytes {@code b[off, off + n)} (int8 codes). */
  abstract float dotBytes(float[] a, byte[] b, int off, int n);

  /**
   * Whether this kernel scores floats in place in a (memory-mapped) little-endian {@link ByteBuffer}
   * ({@link #dot(float[], ByteBuffer, int, int)}); otherwise callers copy the floats to an array first.
   */
  boolean direct() {
    return false;
  }

  /** Dot product of {@code a[0, n)} with the {@code n} little-endian floats of {@code b} from byte {@code off}. */
  float dot(float[] a, ByteBuffer b, int off, int n) {
    throw new UnsupportedOperationException(name() + " does not read buffers");
  }

  /**
   * Squared Euclidean distance of {@code a[0, n)} and the {@code n} little-endian floats of {@code b} from byte
   * {@code off}.
   */
  float squareDistance(float[] a, ByteBuffer b, int off, int n) {
    throw new UnsupportedOperationException(name() + " does not read buffers");
  }

  abstract String name();
}
