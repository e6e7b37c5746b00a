package dev.winnow.index;

import dev.winnow.Similarity;
import dev.winnow.index.internal.VectorOps;

/**
 * The float kernels Winnow's indexes score with, for checking which implementation a JVM got and for measuring
 * them. The Vector API kernels need {@code --add-modules jdk.incubator.vector} at run time (about 2x faster for
 * 384-d dot products than the scalar fallback, see docs/benchmarks.md); {@code -Dwinnow.vector=scalar} forces the
 * fallback.
 *
 * <pre>{@code
 * System.out.println(Kernels.implementation());   // "vector-api-256bit" or "scalar"
 * float s = Kernels.dot(a, b);
 * }</pre>
 *
 * Stateless and thread-safe.
 */
public final class Kernels {
  private Kernels() {}

  /** Which kernels are in use: "scalar" or "vector-api-&lt;bits&gt;bit". */
  public static String implementation() {
    return VectorOps.implementation();
  }

  /** Dot product of two vectors of equal length. */
  public static float dot(float[] a, float[] b) {
    if (a == null || b == null) {
      throw new IllegalArgumentException((a == null ? "a" : "b") + " is null");
    }
    if (a.length != b.length) {
      throw new IllegalArgumentException("a.length " + a.length + " != b.length " + b.length);
    }
    return VectorOps.dot(a, b);
  }

  /** Squared Euclidean distance of two vectors of equal length. */
  public static float squareDistance(float[] a, float[] b) {
    if (a == null || b == null) {
      throw new IllegalArgumentException((a == null ? "a" : "b") + " is null");
    }
    if (a.length != b.length) {
      throw new IllegalArgumentException("a.length " + a.length + " != b.length " + b.length);
    }
    return VectorOps.squareDistance(a, b);
  }

  /** The form an index of {@code similarity} stores {@code v} in: unit length for COSINE, a copy otherwise. */
  public static float[] stored(Similarity similarity, float[] v) {
    if (similarity == null || v == null) {
      throw new IllegalArgumentException((similarity == null ? "similarity" : "v") + " is null");
    }
    return VectorOps.stored(similarity, v);
  }
}
