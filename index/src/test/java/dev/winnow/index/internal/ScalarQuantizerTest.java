package dev.winnow.index.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.Similarity;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScalarQuantizerTest {
  /** Decoding is within half a step of the value in range, clamps outside it; scores follow from the decoded vector. */
  @Test
  void codesDecodeWithinHalfAStepAndScoresMatchTheDecodedVector() {
    Random r = new Random(1);
    int d = 37;
    float[][] sample = new float[4000][d];
    for (float[] row : sample) {
      for (int i = 0; i < d; i++) {
        row[i] = (float) (r.nextGaussian() * (1 + i % 5));
      }
    }
    ScalarQuantizer q = ScalarQuantizer.train(sample, d);
    float[] lo = q.lo();
    float[] step = q.step();
    byte[] codes = new byte[d];
    for (int t = 0; t < 200; t++) {
      float[] v = sample[t];
      float norm = q.encode(v, codes, 0);
      float[] decoded = new float[d];
      double n2 = 0;
      for (int i = 0; i < d; i++) {
        decoded[i] = lo[i] + step[i] * (codes[i] + 128);
        n2 += (double) decoded[i] * decoded[i];
        float hi = lo[i] + 255 * step[i];
        float clamped = Math.max(lo[i], Math.min(hi, v[i]));
        assertTrue(Math.abs(decoded[i] - clamped) <= step[i] / 2 + 1e-5, "dimension " + i);
      }
      assertEquals(n2, norm, 1e-3 * n2);
      float[] query = sample[3999 - t];
      float[] prepared = new float[d];
      float bias = q.prepare(query, prepared);
      float dot = ScalarQuantizer.score(Similarity.DOT_PRODUCT, prepared, bias, 0, codes, 0, norm);
      assertEquals(VectorOps.dot(query, decoded), dot, 1e-3 * (1 + Math.abs(dot)));
      float qn = VectorOps.dot(query, query);
      float eu = ScalarQuantizer.score(Similarity.EUCLIDEAN, prepared, bias, qn, codes, 0, norm);
      assertEquals(1f / (1f + VectorOps.squareDistance(query, decoded)), eu, 1e-4);
    }
  }

  @Test
  void quantilesIgnoreOutliersAndConstantDimensionsWork() {
    float[][] sample = new float[10_000][2];
    for (int i = 0; i < sample.length; i++) {
      sample[i][0] = i % 100 / 100f;
      sample[i][1] = 3f;
    }
    sample[0][0] = 1e6f; // one outlier must not stretch the range
    ScalarQuantizer q = ScalarQuantizer.train(sample, 2);
    assertTrue(q.lo()[0] + 255 * q.step()[0] < 1.01f, "range top " + (q.lo()[0] + 255 * q.step()[0]));
    assertEquals(0f, q.step()[1]);
    byte[] c = new byte[2];
    q.encode(new float[] {0.5f, 3f}, c, 0);
    assertEquals(3f, q.lo()[1] + q.step()[1] * (c[1] + 128));
  }

  @Test
  void rejectsBadParameters() {
    assertThrows(IllegalArgumentException.class, () -> ScalarQuantizer.of(new float[] {0}, new float[] {-1}));
    assertThrows(IllegalArgumentException.class, () -> ScalarQuantizer.of(new float[] {Float.NaN}, new float[] {1}));
    assertThrows(IllegalArgumentException.class, () -> ScalarQuantizer.train(new float[0][], 3));
  }

  /** The Vector API float-by-byte kernel equals the scalar one, for every length around the lane counts. */
  @Test
  void byteKernelMatchesScalar() {
    Random r = new Random(2);
    for (int n = 1; n < 200; n++) {
      float[] a = new float[n];
      byte[] b = new byte[n + 5];
      for (int i = 0; i < n; i++) {
        a[i] = (float) r.nextGaussian();
      }
      r.nextBytes(b);
      float expected = VectorOps.scalarDotBytes(a, b, 5, n);
      assertEquals(expected, VectorOps.dotBytes(a, b, 5, n), 1e-3 * (1 + Math.abs(expected)), "n " + n);
    }
  }
}
