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
 * Golden files ({@code src/test/resources/golden/}): format version 1 (flat, and HNSW as Winnow 0.1 wrote it with
 * hnswlib's graph), version 2 (HNSW, Winnow's own graph, written by {@link #main} since issue 11) and version 3
 * (version 2 plus int8 quantization: an INT8 index with its ranges, codes and norms). This build must keep reading
 * them all. Run {@link #main} only when a new format version adds new golden files.
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

  @Test
  void hnswVersion2StillReads() throws IOException {
    Path file = golden("hnsw-v2.winnow");
    byte[] head = Files.readAllBytes(file);
    assertEquals(2, java.nio.ByteBuffer.wrap(head, 8, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(),
        "the golden file is format version 2");
    try (HnswVectorIndex index = HnswVectorIndex.open(file)) {
      check(index, Similarity.COSINE);
      assertEquals(N + 1, index.graphSize(), "the tombstone is kept");
      assertEquals(4, index.m());
      assertEquals(20, index.efConstruction());
    }
  }

  @Test
  void hnswVersion3Int8Reads() throws IOException {
    Path file = golden("hnsw-v3-int8.winnow");
    byte[] head = Files.readAllBytes(file);
    assertEquals(3, java.nio.ByteBuffer.wrap(head, 8, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(),
        "the golden file is format version 3");
    try (HnswVectorIndex index = HnswVectorIndex.open(file)) {
      assertEquals(Quantization.INT8, index.quantization());
      assertTrue(index.quantized(), "the ranges and codes were saved");
      assertEquals(2, index.rescoreOversample());
      check(index, Similarity.COSINE);
      assertEquals(N + 1, index.graphSize(), "the tombstone is kept");
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
    Files.createDirectories(golden("x").getParent());
    // flat-v1.winnow, hnsw-v1.winnow and hnsw-v2.winnow were written by earlier builds and stay as they are
    try (HnswVectorIndex hnsw = HnswVectorIndex.builder(DIM, Similarity.COSINE).m(4).efConstruction(20).seed(7)
        .buildThreads(1).quantization(Quantization.INT8).quantizeAfter(N / 2).rescoreOversample(2).build()) {
      for (int i = 0; i < N; i++) {
        hnsw.add(doc(i), v[i]);
      }
      hnsw.add(new Document("deleted", "a tombstone in the golden graph"), new float[] {1, 2, 3, 4});
      hnsw.delete("deleted");
      hnsw.save(golden("hnsw-v3-int8.winnow"));
    }
  }
}
