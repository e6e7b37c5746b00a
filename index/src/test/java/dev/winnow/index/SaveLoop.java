package dev.winnow.index;

import dev.winnow.Document;
import dev.winnow.Similarity;
import dev.winnow.VectorIndex;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * Child-JVM helper for {@link CrashSafeSaveIT}: saves an index to {@code args[0]} once, prints READY, then keeps
 * growing and re-saving it until killed. {@code args[1]} is "hnsw" or "flat".
 */
public final class SaveLoop {
  private SaveLoop() {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    Random r = new Random(42);
    int dim = 32;
    try (VectorIndex index = args[1].equals("hnsw")
        ? HnswVectorIndex.builder(dim, Similarity.COSINE).build() : new FlatVectorIndex(dim, Similarity.COSINE)) {
      int n = 0;
      for (; n < 3000; n++) {
        index.add(new Document("d" + n, "text " + n, Map.of("n", n)), vector(r, dim));
      }
      index.save(path);
      System.out.println("READY");
      System.out.flush();
      while (true) {
        for (int i = 0; i < 100; i++, n++) {
          index.add(new Document("d" + n, "text " + n, Map.of("n", n)), vector(r, dim));
        }
        index.save(path);
      }
    }
  }

  private static float[] vector(Random r, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }
}
