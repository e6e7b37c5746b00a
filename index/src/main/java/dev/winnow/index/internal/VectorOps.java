package dev.winnow.index.internal;

import dev.winnow.Similarity;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Float kernels and the score conventions of {@link Similarity}. The kernels come from the Vector API when the
 * JVM runs with {@code --add-modules jdk.incubator.vector} (measured about 2x faster for 384-d dot products, see
 * docs/benchmarks.md), otherwise from plain Java; {@code -Dwinnow.vector=scalar} forces the latter. On Java 16-18
 * the Vector API kernels also score the floats of a memory-mapped index in place ({@link PanamaBufferKernel});
 * elsewhere, or with {@code -Dwinnow.vector=array}, a mapped vector is copied to a scratch array per score. The
 * choice is made once, logged at DEBUG (INFO with a hint when falling back). Stateless.
 */
public final class VectorOps {
  private static final Kernel K = pick();
  /** Whether {@link #score(Similarity, float[], ByteBuffer, int)} reads mapped floats in place. */
  public static final boolean DIRECT = K.direct();

  private VectorOps() {}

  private static Kernel pick() {
    System.Logger log = System.getLogger("dev.winnow.index");
    boolean wanted = !"scalar".equals(System.getProperty("winnow.vector"));
    if (wanted && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      try {
        Kernel k = Runtime.version().feature() <= 18 && !"array".equals(System.getProperty("winnow.vector"))
            ? bufferKernel(log) : null;
        if (k == null) {
          k = VectorApiKernels.arrays();
        }
        log.log(System.Logger.Level.DEBUG, "Winnow index kernels: " + k.name() + (k.direct() ? ", in place on mapped"
            + " files" : ", mapped vectors copied per score"));
        return k;
      } catch (LinkageError | RuntimeException e) {
        log.log(System.Logger.Level.INFO, "Winnow index: Vector API unusable (" + e + "); using scalar kernels");
        return new ScalarKernel();
      }
    }
    if (wanted) {
      log.log(System.Logger.Level.INFO, "Winnow index: scalar kernels; add --add-modules jdk.incubator.vector for"
          + " faster HNSW build and search");
    }
    return new ScalarKernel();
  }

  /**
   * The Vector API kernels that also read mapped files in place (Java 16-18 only), checked once against the array
   * kernels on a small buffer; null if unusable here.
   */
  private static Kernel bufferKernel(System.Logger log) {
    try {
      Kernel k = VectorApiKernels.buffers();
      int n = 67;
      float[] a = new float[n];
      float[] b = new float[n];
      ByteBuffer buf = ByteBuffer.allocateDirect(4 * n + 4).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < n; i++) {
        a[i] = (i % 7) - 3;
        b[i] = (i % 5) * 0.5f;
        buf.putFloat(4 + 4 * i, b[i]);
      }
      if (k.dot(a, buf, 4, n) != k.dot(a, b, 0, n) || k.squareDistance(a, buf, 4, n) != k.squareDistance(a, b, 0, n)) {
        log.log(System.Logger.Level.INFO, "Winnow index: buffer kernels disagree with array kernels; copying mapped"
            + " vectors");
        return null;
      }
      return k;
    } catch (LinkageError | RuntimeException e) {
      log.log(System.Logger.Level.DEBUG, "Winnow index: no in-place buffer kernels (" + e + ")");
      return null;
    }
  }

  /** Which kernels are in use: "scalar" or "vector-api-&lt;bits&gt;bit". */
  public static String implementation() {
    return K.name();
  }

  public static float dot(float[] a, float[] b) {
    return K.dot(a, b, 0, a.length);
  }

  /** Dot product of {@code a} with {@code b[off, off + n)}. */
  public static float dot(float[] a, float[] b, int off, int n) {
    return K.dot(a, b, off, n);
  }

  public static float squareDistance(float[] a, float[] b) {
    return K.squareDistance(a, b, 0, a.length);
  }

  /** Squared Euclidean distance of {@code a} and {@code b[off, off + a.length)}. */
  public static float squareDistance(float[] a, float[] b, int off, int n) {
    return K.squareDistance(a, b, off, n);
  }

  /** Dot product of float {@code a[0, n)} with the signed bytes {@code b[off, off + n)}. */
  public static float dotBytes(float[] a, byte[] b, int off, int n) {
    return K.dotBytes(a, b, off, n);
  }

  /** Scalar float-by-byte dot product, for tests comparing kernels. */
  public static float scalarDotBytes(float[] a, byte[] b, int off, int n) {
    return new ScalarKernel().dotBytes(a, b, off, n);
  }

  /** Scalar dot product, for tests comparing kernels. */
  public static float scalarDot(float[] a, float[] b) {
    return new ScalarKernel().dot(a, b, 0, a.length);
  }

  /** Scalar squared distance, for tests comparing kernels. */
  public static float scalarSquareDistance(float[] a, float[] b) {
    return new ScalarKernel().squareDistance(a, b, 0, a.length);
  }

  /**
   * The form in which {@code similarity} stores a vector: a unit-length copy for COSINE (a zero vector stays zero,
   * so it scores 0 against everything, as {@link Similarity#COSINE} defines), a plain copy otherwise.
   *
   * <p>COSINE scales in double precision, so every non-zero finite vector gets a finite unit-length form, even one
   * whose squared norm underflows in float (all components 1e-40, or one subnormal): the reciprocal norm, up to
   * about 1e45, would be Infinity as a float (issue 10, item 4). The sum of squares cannot overflow a double for
   * finite floats and dimensions up to 65536.
   */
  public static float[] stored(Similarity similarity, float[] v) {
    float[] copy = v.clone();
    if (similarity == Similarity.COSINE) {
      double n = 0;
      for (float x : copy) {
        n += (double) x * x;
      }
      if (n > 0) {
        double inv = 1 / Math.sqrt(n);
        for (int i = 0; i < copy.length; i++) {
          copy[i] = (float) (copy[i] * inv);
        }
      }
    }
    return copy;
  }

  /** Score (higher is better) of a stored-form query against a stored-form vector. */
  public static float score(Similarity similarity, float[] q, float[] v) {
    return similarity == Similarity.EUCLIDEAN ? 1f / (1f + squareDistance(q, v)) : dot(q, v);
  }

  /**
   * Score against the {@code q.length} little-endian floats of {@code data} from byte {@code off}, read in place;
   * only when {@link #DIRECT}.
   */
  public static float score(Similarity similarity, float[] q, ByteBuffer data, int off) {
    return similarity == Similarity.EUCLIDEAN
        ? 1f / (1f + K.squareDistance(q, data, off, q.length))
        : K.dot(q, data, off, q.length);
  }

  /** Score against {@code data[off, off + q.length)}. */
  public static float score(Similarity similarity, float[] q, float[] data, int off) {
    return similarity == Similarity.EUCLIDEAN
        ? 1f / (1f + squareDistance(q, data, off, q.length))
        : dot(q, data, off, q.length);
  }
}
