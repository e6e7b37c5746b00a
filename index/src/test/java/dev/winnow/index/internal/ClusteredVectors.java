package dev.winnow.index.internal;

import dev.winnow.Similarity;
import java.util.Random;

/** Test vectors around 30 Gaussian centres (spread 0.3), in stored cosine form; clustered sets stress pruning. */
final class ClusteredVectors {
  private ClusteredVectors() {}

  static float[][] of(int n, int dim, long seed) {
    Random r = new Random(seed);
    float[][] centres = new float[30][dim];
    for (float[] c : centres) {
      for (int j = 0; j < dim; j++) {
        c[j] = (float) r.nextGaussian();
      }
    }
    float[][] v = new float[n][dim];
    for (int i = 0; i < n; i++) {
      float[] c = centres[r.nextInt(centres.length)];
      for (int j = 0; j < dim; j++) {
        v[i][j] = c[j] + 0.3f * (float) r.nextGaussian();
      }
      v[i] = VectorOps.stored(Similarity.COSINE, v[i]);
    }
    return v;
  }
}
