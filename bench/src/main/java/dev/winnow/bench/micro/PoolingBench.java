package dev.winnow.bench.micro;

import dev.winnow.encoders.Pooling;
import dev.winnow.encoders.runtime.Pooler;
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
 * DjlEncoder's pooling ({@link Pooler}) over a [32, 64, 384] hidden state with real-looking lengths (rows use
 * 8-64 of the 64 positions, seeded), followed by L2 normalization as the default encoder does. Run through
 * {@link dev.winnow.bench.MicroBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class PoolingBench {
  private static final int ROWS = 32;
  private static final int SEQ = 64;
  private static final int HIDDEN = 384;

  @Param({"MEAN", "MAX", "CLS"})
  public Pooling pooling;

  private float[] hidden;
  private int[] lengths;

  @Setup
  public void setup() {
    Random r = new Random(11);
    hidden = new float[ROWS * SEQ * HIDDEN];
    for (int j = 0; j < hidden.length; j++) {
      hidden[j] = (float) r.nextGaussian();
    }
    lengths = new int[ROWS];
    for (int j = 0; j < ROWS; j++) {
      lengths[j] = 8 + r.nextInt(SEQ - 7);
    }
    lengths[0] = SEQ; // the longest row sets the padded length
  }

  @Benchmark
  public float[][] pool() {
    return Pooler.pool(pooling, true, hidden, SEQ, HIDDEN, null, lengths);
  }
}
