package dev.winnow.bench.micro;

import dev.winnow.index.internal.VectorOps;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * 384-d distance kernels of the index module: the scalar kernel against the active one (the Vector API kernel
 * when the fork runs with {@code --add-modules jdk.incubator.vector}, which this benchmark's fork asks for).
 * Dot product, cosine of raw (not normalized) vectors and squared L2. Each call consumes one pair of 64
 * rotating pairs so that the pair stays in L1 but is not constant-folded. Run through
 * {@link dev.winnow.bench.MicroBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class DistanceBench {
  private static final int DIM = 384;
  private static final int PAIRS = 64;

  private float[][] a;
  private float[][] b;
  private int i;

  @Setup
  public void setup() {
    Random r = new Random(7);
    a = new float[PAIRS][DIM];
    b = new float[PAIRS][DIM];
    for (int p = 0; p < PAIRS; p++) {
      for (int j = 0; j < DIM; j++) {
        a[p][j] = (float) r.nextGaussian();
        b[p][j] = (float) r.nextGaussian();
      }
    }
  }

  private int next() {
    i = (i + 1) & (PAIRS - 1);
    return i;
  }

  @Benchmark
  public float dotScalar() {
    int p = next();
    return VectorOps.scalarDot(a[p], b[p]);
  }

  @Benchmark
  public float dotVector() {
    int p = next();
    return VectorOps.dot(a[p], b[p]);
  }

  @Benchmark
  public float cosineScalar() {
    int p = next();
    float[] x = a[p];
    float[] y = b[p];
    return (float) (VectorOps.scalarDot(x, y) / Math.sqrt((double) VectorOps.scalarDot(x, x) * VectorOps.scalarDot(y, y)));
  }

  @Benchmark
  public float cosineVector() {
    int p = next();
    float[] x = a[p];
    float[] y = b[p];
    return (float) (VectorOps.dot(x, y) / Math.sqrt((double) VectorOps.dot(x, x) * VectorOps.dot(y, y)));
  }

  @Benchmark
  public float l2Scalar() {
    int p = next();
    return VectorOps.scalarSquareDistance(a[p], b[p]);
  }

  @Benchmark
  public float l2Vector() {
    int p = next();
    return VectorOps.squareDistance(a[p], b[p]);
  }
}
