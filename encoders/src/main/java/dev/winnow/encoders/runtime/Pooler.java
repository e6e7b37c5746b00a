package dev.winnow.encoders.runtime;

import dev.winnow.encoders.Pooling;
import java.util.Arrays;

/**
 * Turns a batch's last hidden state into one vector per row: {@link Pooling} over the first {@code lengths[r]}
 * positions of row {@code r} (the positions with attention mask 1), then optional L2 normalization, as
 * sentence-transformers' Pooling and Normalize modules do. {@code DjlEncoder} pools with it.
 *
 * <pre>{@code
 * float[][] v = Pooler.pool(Pooling.MEAN, true, hidden, seqLength, 384, null, new int[] {7, 12});
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class Pooler {
  private Pooler() {}

  /**
   * Pools a row-major {@code [rows, seqLength, hiddenSize]} hidden state.
   *
   * @param hidden the last hidden state, row-major
   * @param pooler the model's {@code [rows, hiddenSize]} pooler output; only read for {@link Pooling#POOLER}
   * @param lengths tokens per row (attention mask 1 exactly on the first {@code lengths[r]} positions)
   * @return {@code lengths.length} new vectors of {@code hiddenSize} floats
   */
  public static float[][] pool(Pooling pooling, boolean normalize, float[] hidden, int seqLength, int hiddenSize,
      float[] pooler, int[] lengths) {
    int h = hiddenSize;
    float[][] result = new float[lengths.length][];
    for (int r = 0; r < lengths.length; r++) {
      int len = lengths[r];
      int base = r * seqLength * h;
      float[] v = new float[h];
      switch (pooling) {
        case CLS -> System.arraycopy(hidden, base, v, 0, h);
        case POOLER -> System.arraycopy(pooler, r * h, v, 0, h);
        case MAX -> {
          Arrays.fill(v, Float.NEGATIVE_INFINITY);
          for (int t = 0; t < len; t++) {
            int o = base + t * h;
            for (int j = 0; j < h; j++) {
              v[j] = Math.max(v[j], hidden[o + j]);
            }
          }
        }
        case MEAN, MEAN_SQRT_LEN -> {
          double[] sum = new double[h];
          for (int t = 0; t < len; t++) {
            int o = base + t * h;
            for (int j = 0; j < h; j++) {
              sum[j] += hidden[o + j];
            }
          }
          double div = pooling == Pooling.MEAN ? len : Math.sqrt(len);
          for (int j = 0; j < h; j++) {
            v[j] = (float) (sum[j] / div);
          }
        }
        default -> throw new AssertionError(pooling);
      }
      if (normalize) {
        double n = 0;
        for (float x : v) {
          n += (double) x * x;
        }
        double scale = 1.0 / Math.max(Math.sqrt(n), 1e-12);
        for (int j = 0; j < h; j++) {
          v[j] = (float) (v[j] * scale);
        }
      }
      result[r] = v;
    }
    return result;
  }
}
