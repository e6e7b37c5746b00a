package dev.winnow.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.Document;
import dev.winnow.Hit;
import dev.winnow.Similarity;
import dev.winnow.VectorIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Golden files of format version 1 ({@code src/test/resources/golden/}): this build must keep reading them. They
 * were written by {@link #main} (run it only when a new format version adds new golden files).
 */
class GoldenFormatTest {
  private static final int N = 30;
  private static final int DIM = 4;

  static Document doc(int i) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("s", "value " + i + " \u00e9\u6f22");
    meta.put("b", i % 2 == 0);
    meta.put("i", i);
    meta.put("l", i * 10_000_000_000L);
    meta.put("f", i / 4f);
    meta.put("d", i / 3.0);
    return new Document("g" + i, "golden text " + i, meta);
  }

  static float[][] vectors() {
    Random r = new Random(7);
    float[][] v = new float[N][DIM];
    for (float[] row : v) {
      for (int j = 0; j < DIM; j++) {
        row[j] = (float) r.nextGaussian();
      }
    }
    return v;
  }

  @Test
  void flatVersion1StillReads() throws IOException {
    try (VectorIndex index = FlatVectorIndex.open(golden("flat-v1.winnow"))) {
      check(index, Similarity.EUCLIDEAN);
    }
  }

  @Test
  void hnswVersion1StillReads() throws IOException {
    try (VectorIndex index = HnswVectorIndex.open(golden("hnsw-v1.winnow"))) {
      check(index, Similarity.COSINE);
    }
  }

  private static void check(VectorIndex index, Similarity sim) {
    assertEquals(N, index.size());
    assertEquals(DIM, index.dimension());
    assertEquals(sim, index.similarity());
    float[][] v = vectors();
    for (int i = 0; i < N; i++) {
      assertEquals(doc(i), index.get("g" + i).orElseThrow());
    }
    for (int q = 0; q < N; q++) {
      List<Hit> expected = new ArrayList<>();
      for (int i = 0; i < N; i++) {
        expected.add(new Hit("g" + i, sim.score(v[q], v[i])));
      }
      expected.sort(Comparator.naturalOrder());
      List<Hit> actual = index.search(v[q], 5);
      assertEquals(expected.subList(0, 5).stream().map(Hit::id).toList(), actual.stream().map(Hit::id).toList());
      assertTrue(Math.abs(expected.get(0).score() - actual.get(0).score()) < 1e-5);
    }
  }

  private static Path golden(String name) {
    return Paths.get("src/test/resources/golden", name);
  }

  /** Writes the golden files (from the index module folder). */
  public static void main(String[] args) throws IOException {
    float[][] v = vectors();
    try (FlatVectorIndex flat = new FlatVectorIndex(DIM, Similarity.EUCLIDEAN);
        HnswVectorIndex hnsw = HnswVectorIndex.builder(DIM, Similarity.COSINE).m(4).efConstruction(20).build()) {
      for (int i = 0; i < N; i++) {
        flat.add(doc(i), v[i]);
        hnsw.add(doc(i), v[i]);
      }
      hnsw.add(new Document("deleted", "a tombstone in the golden graph"), new float[] {1, 2, 3, 4});
      hnsw.delete("deleted");
      Files.createDirectories(golden("x").getParent());
      flat.save(golden("flat-v1.winnow"));
      hnsw.save(golden("hnsw-v1.winnow"));
    }
  }
}
