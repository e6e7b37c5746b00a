package dev.winnow.index.internal;

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

  abstract String name();
}
