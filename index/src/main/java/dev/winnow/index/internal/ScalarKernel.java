package dev.winnow.index.internal;

/**
 * Plain Java kernels with four independent accumulators (C2 does not vectorize float reductions; four chains
 * hide the add latency). The fallback when the Vector API is not enabled. Stateless.
 */
final class ScalarKernel extends Kernel {
  @Override
  float dot(float[] a, float[] b, int off, int n) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    int upper = n & ~3;
    for (; i < upper; i += 4) {
      s0 += a[i] * b[off + i];
      s1 += a[i + 1] * b[off + i + 1];
      s2 += a[i + 2] * b[off + i + 2];
      s3 += a[i + 3] * b[off + i + 3];
    }
    for (; i < n; i++) {
      s0 += a[i] * b[off + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  float squareDistance(float[] a, float[] b, int off, int n) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    int upper = n & ~3;
    for (; i < upper; i += 4) {
      float d0 = a[i] - b[off + i];
      float d1 = a[i + 1] - b[off + i + 1];
      float d2 = a[i + 2] - b[off + i + 2];
      float d3 = a[i + 3] - b[off + i + 3];
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    for (; i < n; i++) {
      float d = a[i] - b[off + i];
      s0 += d * d;
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  float dotBytes(float[] a, byte[] b, int off, int n) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    int upper = n & ~3;
    for (; i < upper; i += 4) {
      s0 += a[i] * b[off + i];
      s1 += a[i + 1] * b[off + i + 1];
      s2 += a[i + 2] * b[off + i + 2];
      s3 += a[i + 3] * b[off + i + 3];
    }
    for (; i < n; i++) {
      s0 += a[i] * b[off + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  String name() {
    return "scalar";
  }
}
