package dev.winnow.index.internal;

import dev.winnow.Similarity;
import java.util.Arrays;

/**
 * int8 scalar quantization with one range per dimension: component {@code i} of a stored vector becomes the signed
 * byte {@code c = round((x - lo[i]) / step[i]) - 128}, clamped to [-128, 127], which stands for
 * {@code lo[i] + step[i] * (c + 128)}. The ranges are quantiles of a sample ({@link #train}), not its extremes, so
 * one outlier does not coarsen a whole dimension; values outside are clamped.
 *
 * <p>Per dimension rather than one global range because it costs nothing at query time: the query is scaled by
 * {@code step} once ({@link #prepare}), and a score is then one float-by-byte dot product plus a constant. On the
 * MiniLM sentence vectors the per-dimension ranges differ by up to 3x, which a global range would spend bits on.
 * A sample of fewer than {@link #MIN_PER_DIMENSION} vectors gets one range for all dimensions instead.
 * Only the vectors are quantized; queries stay float, which halves the error of quantizing both sides.
 *
 * <p>Euclidean scores need the squared norm of each decoded vector, which {@link #encode} returns for the caller to
 * keep beside the codes. Immutable and thread-safe.
 */
public final class ScalarQuantizer {
  /** Fraction of a dimension's sample below {@code lo} (and above the top of the range). */
  static final double TAIL = 0.0005;
  /** Smallest sample that gets a range per dimension; smaller ones get one range for all dimensions. */
  static final int MIN_PER_DIMENSION = 64;

  private final float[] lo;
  private final float[] step;

  ScalarQuantizer(float[] lo, float[] step) {
    if (lo.length != step.length) {
      throw new IllegalArgumentException("lo and step lengths differ");
    }
    for (int i = 0; i < lo.length; i++) {
      if (!Float.isFinite(lo[i]) || !Float.isFinite(step[i]) || step[i] < 0) {
        throw new IllegalArgumentException("dimension " + i + ": range start " + lo[i] + " or step " + step[i]
            + " is not finite and non-negative");
      }
    }
    this.lo = lo;
    this.step = step;
  }

  /** A quantizer from stored parameters (a file); validates them. */
  public static ScalarQuantizer of(float[] lo, float[] step) {
    return new ScalarQuantizer(lo.clone(), step.clone());
  }

  /**
   * Learns the ranges from {@code sample} (stored-form vectors, at least one): per dimension, the values between the
   * {@link #TAIL} and {@code 1 - TAIL} quantiles map onto the 256 codes.
   */
  public static ScalarQuantizer train(float[][] sample, int dimension) {
    if (sample.length == 0) {
      throw new IllegalArgumentException("sample is empty");
    }
    float[] lo = new float[dimension];
    float[] step = new float[dimension];
    if (sample.length < MIN_PER_DIMENSION) {
      // too few vectors to estimate a range per dimension (one vector gives every dimension a zero range, and every
      // node the same codes): one range over all components, the same quantiles
      float[] all = new float[sample.length * dimension];
      for (int r = 0; r < sample.length; r++) {
        System.arraycopy(sample[r], 0, all, r * dimension, dimension);
      }
      Arrays.sort(all);
      int cut = (int) Math.floor(TAIL * (all.length - 1));
      float a = all[cut];
      float b = all[all.length - 1 - cut];
      Arrays.fill(lo, a);
      Arrays.fill(step, (float) (((double) b - a) / 255));
      return new ScalarQuantizer(lo, step);
    }
    float[] column = new float[sample.length];
    int cut = (int) Math.floor(TAIL * (sample.length - 1));
    for (int i = 0; i < dimension; i++) {
      for (int r = 0; r < sample.length; r++) {
        column[r] = sample[r][i];
      }
      Arrays.sort(column);
      float a = column[cut];
      float b = column[sample.length - 1 - cut];
      lo[i] = a;
      step[i] = (float) (((double) b - a) / 255);
    }
    return new ScalarQuantizer(lo, step);
  }

  public int dimension() {
    return lo.length;
  }

  /** Range starts, one per dimension (a copy). */
  public float[] lo() {
    return lo.clone();
  }

  /** Code widths, one per dimension (a copy). */
  public float[] step() {
    return step.clone();
  }

  /**
   * Writes the codes of {@code v} (stored form) to {@code out[off, off + dimension)}.
   *
   * @return the squared norm of the decoded vector (what Euclidean scores need), at most {@link Float#MAX_VALUE}
   *     (finite components can square to more; a file keeps only finite norms)
   */
  public float encode(float[] v, byte[] out, int off) {
    double norm = 0;
    for (int i = 0; i < lo.length; i++) {
      int c;
      if (step[i] == 0) {
        c = -128;
      } else {
        long r = Math.round((v[i] - lo[i]) / step[i]);
        c = (int) Math.max(0, Math.min(255, r)) - 128;
      }
      out[off + i] = (byte) c;
      double x = lo[i] + (double) step[i] * (c + 128);
      norm += x * x;
    }
    return (float) Math.min(norm, Float.MAX_VALUE);
  }

  /**
   * Scales {@code q} (stored form) into {@code into[0, dimension)} for {@link #score}.
   *
   * @return the constant the byte dot product is offset by: {@code sum q[i] * (lo[i] + 128 step[i])}
   */
  public float prepare(float[] q, float[] into) {
    double bias = 0;
    for (int i = 0; i < lo.length; i++) {
      into[i] = q[i] * step[i];
      bias += (double) q[i] * (lo[i] + 128.0 * step[i]);
    }
    return (float) bias;
  }

  /**
   * The approximate score of a prepared query against codes {@code codes[off, off + dimension)}, on the scale of
   * {@link VectorOps#score}: the dot product for COSINE and DOT_PRODUCT, {@code 1 / (1 + squared distance)} for
   * EUCLIDEAN (which needs the query's squared norm and the node's decoded squared norm).
   */
  public static float score(Similarity similarity, float[] prepared, float bias, float queryNorm, byte[] codes,
      int off, float norm) {
    float dot = bias + VectorOps.dotBytes(prepared, codes, off, prepared.length);
    if (similarity != Similarity.EUCLIDEAN) {
      return dot;
    }
    float d = Math.max(0f, queryNorm - 2 * dot + norm);
    return 1f / (1f + d);
  }
}
