package dev.winnow.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.Document;
import dev.winnow.Filter;
import dev.winnow.Hit;
import dev.winnow.SearchOptions;
import dev.winnow.Similarity;
import dev.winnow.VectorIndex;
import dev.winnow.testing.VectorIndexContract;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The {@link VectorIndex} contract for an INT8 {@link HnswVectorIndex} that quantizes from its first node, and what
 * quantization adds: training at {@code quantizeAfter}, exact (rescored) scores, the codes saved and mapped, a
 * compaction that retrains, and adds that cross the training point while other threads search.
 */
class HnswInt8VectorIndexTest extends VectorIndexContract {
  @Override
  protected VectorIndex create(int dimension, Similarity similarity) {
    return HnswVectorIndex.builder(dimension, similarity).initialCapacity(64).quantization(Quantization.INT8)
        .quantizeAfter(1).build();
  }

  @Override
  protected VectorIndex open(Path path) throws IOException {
    return HnswVectorIndex.open(path);
  }

  @Override
  protected boolean isExact() {
    return false;
  }

  private static HnswVectorIndex int8(int dim, Similarity sim, int quantizeAfter) {
    return HnswVectorIndex.builder(dim, sim).quantization(Quantization.INT8).quantizeAfter(quantizeAfter)
        .buildThreads(2).build();
  }

  @Test
  void trainsWhenTheGraphReachesQuantizeAfter() {
    Random r = new Random(1);
    float[][] v = clustered(r, 300, DIM);
    try (HnswVectorIndex index = int8(DIM, Similarity.COSINE, 100)) {
      for (int i = 0; i < 99; i++) {
        index.add(doc(i), v[i]);
      }
      assertFalse(index.quantized(), "99 nodes: float only");
      assertEquals(Quantization.INT8, index.quantization());
      index.add(doc(99), v[99]);
      assertTrue(index.quantized(), "trained at the 100th node");
      List<Document> docs = new ArrayList<>();
      for (int i = 100; i < 300; i++) {
        docs.add(doc(i));
      }
      index.addAll(docs, java.util.Arrays.copyOfRange(v, 100, 300));
      assertEquals(300, index.size());
      for (int i = 0; i < 300; i += 7) {
        assertEquals("doc-" + i, index.search(v[i], 1).get(0).id(), "a stored vector finds itself");
      }
    }
    try (HnswVectorIndex index = int8(DIM, Similarity.COSINE, 100)) {
      List<Document> docs = new ArrayList<>();
      for (int i = 0; i < 150; i++) {
        docs.add(doc(i));
      }
      index.addAll(docs, java.util.Arrays.copyOf(v, 150));
      assertTrue(index.quantized(), "a batch that crosses quantizeAfter trains first, from its own rows");
    }
    try (HnswVectorIndex index = HnswVectorIndex.builder(DIM, Similarity.COSINE).build()) {
      fill(index, v);
      assertFalse(index.quantized(), "NONE never quantizes");
    }
  }

  /** Scores come from the float vectors (rescored), for every similarity; the top 10 matches brute force closely. */
  @Test
  void scoresAreExactAndRecallHolds() {
    Random r = new Random(2);
    int n = 2000;
    int dim = 32;
    float[][] v = clustered(r, n, dim);
    for (Similarity sim : Similarity.values()) {
      try (HnswVectorIndex index = int8(dim, sim, 500)) {
        fill(index, v);
        assertTrue(index.quantized());
        Map<String, float[]> live = new HashMap<>();
        Map<String, Document> docs = new HashMap<>();
        for (int i = 0; i < n; i++) {
          live.put("doc-" + i, v[i]);
          docs.put("doc-" + i, doc(i));
        }
        int found = 0;
        for (int q = 0; q < 50; q++) {
          float[] query = clustered(new Random(100 + q), 1, dim)[0];
          List<Hit> hits = index.search(query, 10);
          assertBestFirst(hits);
          for (Hit h : hits) {
            int i = Integer.parseInt(h.id().substring(4));
            assertEquals(sim.score(query, v[i]), h.score(), 1e-4, sim + " score of " + h.id());
          }
          found += intersect(ids(hits), ids(bruteForce(sim, live, docs, query, 10, null)));
        }
        assertTrue(found >= 0.95 * 500, sim + ": recall@10 " + found / 500.0);
      }
    }
  }

  private static int intersect(java.util.Set<String> a, java.util.Set<String> b) {
    int c = 0;
    for (String s : a) {
      if (b.contains(s)) {
        c++;
      }
    }
    return c;
  }

  @Test
  void codesAreSavedAndMappedAndSearchTheSame() throws IOException {
    Random r = new Random(3);
    int n = 5000; // two full pages of 2048 nodes, mapped, and a partial one copied to the heap to take new nodes
    float[][] v = clustered(r, n, DIM);
    Path file = tmp.resolve("int8.winnow");
    List<List<Hit>> before = new ArrayList<>();
    try (HnswVectorIndex index = int8(DIM, Similarity.DOT_PRODUCT, 200)) {
      fill(index, v);
      for (int q = 0; q < 20; q++) {
        before.add(index.search(v[q * 13], 10));
      }
      index.save(file);
    }
    try (HnswVectorIndex back = HnswVectorIndex.open(file)) {
      assertTrue(back.quantized());
      assertEquals(Quantization.INT8, back.quantization());
      for (int q = 0; q < 20; q++) {
        assertEquals(before.get(q), back.search(v[q * 13], 10), "query " + q);
      }
      long onePage = 2048L * (4 * DIM + 4 * 33 + 1 + DIM + 4) + n; // + the levels of every node
      assertTrue(back.graphHeapBytes() <= onePage, "only the partial page is on the heap: " + back.graphHeapBytes());
      // more nodes after open get codes too, and survive a second save
      back.add(doc(5000), v[0]);
      assertEquals("doc-5000", back.search(v[0], 2, SearchOptions.DEFAULTS.withFilter(Filter.eq("big", 5000L * 1_000_000_007L)))
          .get(0).id());
      back.save(file);
    }
    try (HnswVectorIndex again = HnswVectorIndex.open(file)) {
      assertEquals(n + 1, again.size());
      assertTrue(again.quantized());
    }
  }

  /** An INT8 index saved before it had enough nodes to train keeps its setting and trains after opening. */
  @Test
  void untrainedIndexKeepsItsSettingAcrossSave() throws IOException {
    Random r = new Random(4);
    float[][] v = clustered(r, 200, DIM);
    Path file = tmp.resolve("untrained.winnow");
    try (HnswVectorIndex index = HnswVectorIndex.builder(DIM, Similarity.COSINE).quantization(Quantization.INT8)
        .quantizeAfter(150).rescoreOversample(5).build()) {
      for (int i = 0; i < 100; i++) {
        index.add(doc(i), v[i]);
      }
      index.save(file);
    }
    try (HnswVectorIndex back = HnswVectorIndex.open(file)) {
      assertFalse(back.quantized());
      assertEquals(5, back.rescoreOversample());
      for (int i = 100; i < 200; i++) {
        back.add(doc(i), v[i]);
      }
      assertTrue(back.quantized(), "trained at 150 nodes after opening");
      assertEquals("doc-7", back.search(v[7], 1).get(0).id());
    }
  }

  @Test
  void compactionRetrainsAndKeepsResults() {
    Random r = new Random(5);
    float[][] v = clustered(r, 1200, DIM);
    try (HnswVectorIndex index = HnswVectorIndex.builder(DIM, Similarity.COSINE).quantization(Quantization.INT8)
        .quantizeAfter(100).compactionThreshold(0.2).build()) {
      fill(index, v);
      for (int i = 0; i < 400; i++) {
        index.delete("doc-" + i);
      }
      assertTrue(index.graphSize() < 1200, "compacted: " + index.graphSize());
      assertTrue(index.quantized(), "the rebuilt graph is quantized");
      for (int i = 400; i < 1200; i += 11) {
        assertEquals("doc-" + i, index.search(v[i], 1).get(0).id());
      }
    }
  }

  /**
   * A compaction that leaves fewer live documents than {@code quantizeAfter} keeps the index quantized (with the
   * ranges it had): it must not fall back to float search, nor save a float-only file.
   */
  @Test
  void compactionBelowQuantizeAfterStaysQuantized() throws IOException {
    Random r = new Random(7);
    float[][] v = clustered(r, 600, DIM);
    Path file = tmp.resolve("compacted-int8.winnow");
    try (HnswVectorIndex index = HnswVectorIndex.builder(DIM, Similarity.COSINE).quantization(Quantization.INT8)
        .quantizeAfter(400).compactionThreshold(0.5).build()) {
      fill(index, v);
      assertTrue(index.quantized());
      for (int i = 0; i < 350; i++) {
        index.delete("doc-" + i); // crosses the threshold: 250 live documents, fewer than quantizeAfter
      }
      assertTrue(index.graphSize() < 600, "compacted: " + index.graphSize());
      assertTrue(index.quantized(), "the rebuilt graph is still quantized");
      for (int i = 350; i < 600; i += 7) {
        assertEquals("doc-" + i, index.search(v[i], 1).get(0).id());
      }
      index.save(file);
    }
    try (HnswVectorIndex back = HnswVectorIndex.open(file)) {
      assertTrue(back.quantized(), "saved with its codes");
      assertEquals("doc-357", back.search(v[357], 1).get(0).id());
    }
  }

  /**
   * Vectors whose squared norm exceeds the float range (finite components, as {@code add} accepts) still give a
   * file that opens: the decoded norm kept beside the codes must stay finite.
   */
  @Test
  void hugeVectorsSaveAndOpen() throws IOException {
    Random r = new Random(8);
    Path file = tmp.resolve("huge.winnow");
    try (HnswVectorIndex index = HnswVectorIndex.builder(DIM, Similarity.DOT_PRODUCT).quantization(Quantization.INT8)
        .quantizeAfter(1).build()) {
      for (int i = 0; i < 50; i++) {
        float[] x = new float[DIM];
        for (int j = 0; j < DIM; j++) {
          x[j] = (float) (r.nextGaussian() * 1e19); // |x|^2 about 1.6e39 > Float.MAX_VALUE
        }
        index.add(doc(i), x);
      }
      index.save(file);
    }
    try (HnswVectorIndex back = HnswVectorIndex.open(file)) {
      assertEquals(50, back.size());
      assertTrue(back.quantized());
    }
  }

  /** Writers cross the training point while readers search: no exception, and every added row is found. */
  @Test
  void trainingWhileSearching() throws Exception {
    Random r = new Random(6);
    int n = 3000;
    float[][] v = clustered(r, n, DIM);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try (HnswVectorIndex index = int8(DIM, Similarity.COSINE, 1000)) {
      AtomicBoolean stop = new AtomicBoolean();
      List<Future<?>> readers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int seed = t;
        readers.add(pool.submit(() -> {
          Random qr = new Random(seed);
          while (!stop.get()) {
            List<Hit> hits = index.search(v[qr.nextInt(n)], 5);
            assertBestFirst(hits);
          }
          return null;
        }));
      }
      Future<?> writer = pool.submit(() -> {
        for (int i = 0; i < n; i++) {
          index.add(doc(i), v[i]);
        }
        return null;
      });
      writer.get(60, TimeUnit.SECONDS);
      stop.set(true);
      for (Future<?> f : readers) {
        f.get(60, TimeUnit.SECONDS);
      }
      assertTrue(index.quantized());
      int self = 0;
      for (int i = 0; i < n; i++) {
        if (index.search(v[i], 1).get(0).id().equals("doc-" + i)) {
          self++;
        }
      }
      assertTrue(self >= 0.99 * n, self + " of " + n + " find themselves");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void builderRejectsBadSettings() {
    HnswVectorIndex.Builder b = HnswVectorIndex.builder(DIM, Similarity.COSINE);
    assertThrows(IllegalArgumentException.class, () -> b.quantization(null));
    assertThrows(IllegalArgumentException.class, () -> b.rescoreOversample(0));
    assertThrows(IllegalArgumentException.class, () -> b.rescoreOversample(101));
    assertThrows(IllegalArgumentException.class, () -> b.quantizeAfter(0));
    b.quantization(Quantization.INT8);
    assertThrows(IllegalStateException.class, () -> b.quantization(Quantization.NONE));
  }

  /**
   * quantizeAfter(1) trains on one vector: one range for all dimensions (a range per dimension from one vector
   * would be empty, giving every node the same codes: 3 of 500 found themselves). Ranges from one vector still
   * clip many components (454 of 500 measured), which is why the default trains on 10,000.
   */
  @Test
  void trainingOnOneVectorStillSeparatesNodes() {
    Random r = new Random(8);
    int n = 500;
    float[][] v = clustered(r, n, DIM);
    try (HnswVectorIndex index = int8(DIM, Similarity.COSINE, 1)) {
      for (int i = 0; i < n; i++) {
        index.add(doc(i), v[i]);
      }
      assertTrue(index.quantized());
      int self = 0;
      for (int i = 0; i < n; i++) {
        self += index.search(v[i], 1).get(0).id().equals("doc-" + i) ? 1 : 0;
      }
      assertTrue(self >= 0.85 * n, self + " of " + n + " find themselves");
    }
  }

  /** An index that only changes by upserts still reaches quantizeAfter and trains. */
  @Test
  void upsertsAloneTrain() {
    Random r = new Random(9);
    float[][] v = clustered(r, 200, DIM);
    try (HnswVectorIndex index = HnswVectorIndex.builder(DIM, Similarity.COSINE).quantization(Quantization.INT8)
        .quantizeAfter(150).compactionThreshold(1.0).build()) {
      for (int i = 0; i < 100; i++) {
        index.upsert(doc(i), v[i]);
      }
      for (int i = 0; i < 60; i++) {
        index.upsert(doc(i), v[100 + i]); // replacements: the graph grows past 150 nodes
      }
      assertTrue(index.quantized(), "graph of " + index.graphSize() + " nodes");
    }
  }
}
