package dev.winnow.bench.micro;

import dev.winnow.index.Kernels;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * 384-d distance kernels of the index module through its public {@link Kernels}: the Vector API kernel
 * ({@code kernel=vector}; the fork runs with {@code --add-modules jdk.incubator.vector}) against the scalar
 * fallback ({@code kernel=scalar}: {@code -Dwinnow.vector=scalar}, set before the kernels load; JMH gives each
 * parameter value its own fork).
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

  @Param({"vector", "scalar"})
  public String kernel;

  private float[][] a;
  private float[][] b;
  private int i;

  @Setup
  public void setup() {
    if ("scalar".equals(kernel)) {
      System.setProperty("winnow.vector", "scalar");
    }
    String got = Kernels.implementation();
    if ("scalar".equals(kernel) != "scalar".equals(got)) {
      throw new IllegalStateException("asked for " + kernel + " kernels, got " + got);
    }
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
  public float dot() {
    int p = next();
    return Kernels.dot(a[p], b[p]);
  }

  @Benchmark
  public float cosine() {
    int p = next();
    float[] x = a[p];
    float[] y = b[p];
    return (float) (Kernels.dot(x, y) / Math.sqrt((double) Kernels.dot(x, x) * Kernels.dot(y, y)));
  }

  @Benchmark
  public float l2() {
    int p = next();
    return Kernels.squareDistance(a[p], b[p]);
  }
}
