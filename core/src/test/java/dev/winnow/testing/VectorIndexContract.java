package dev.winnow.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.winnow.Document;
import dev.winnow.Filter;
import dev.winnow.Hit;
import dev.winnow.IndexFormatException;
import dev.winnow.SearchOptions;
import dev.winnow.Similarity;
import dev.winnow.VectorIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The behaviour every {@link VectorIndex} promises. Implementations extend this class and supply a factory and a
 * reader; exact indexes additionally get exact-result checks ({@link #isExact()}). Randomized cases print their
 * seed ({@link Seeds}).
 */
public abstract class VectorIndexContract {
  protected static final int DIM = 16;

  @TempDir protected Path tmp;

  /** A new empty index. */
  protected abstract VectorIndex create(int dimension, Similarity similarity);

  /** Reads what {@link VectorIndex#save} wrote. */
  protected abstract VectorIndex open(Path path) throws IOException;

  /**
   * How often the save-under-load test reopens what it saved: 1 (every save) unless opening is a full rebuild
   * (an index that saves documents and vectors only), where reopening every 20 ms would starve the writers.
   */
  protected int opensEverySaves() {
    return 1;
  }

  /**
   * Whether {@code open} restores the saved graph exactly (then results after open must equal those before); false
   * for an index that saves documents and vectors and rebuilds on open.
   */
  protected boolean openRestoresTheGraph() {
    return true;
  }

  /**
   * The file of a saved index that the damage test truncates and flips: {@code saved} itself, or, for an index
   * that saves a folder (a sharded index), the folder's commit file whose checks must catch any damage.
   */
  protected Path damageable(Path saved) {
    return saved;
  }

  /** Whether search results are exact (then they are compared to brute force for equality). */
  protected abstract boolean isExact();

  // ---------------------------------------------------------------- fixtures

  /** Clustered vectors (embedding-like): 20 gaussian centres plus noise. */
  public static float[][] clustered(Random r, int n, int dim) {
    return clustered(r, n, dim, 20, 0.4f);
  }

  /** Clustered vectors: {@code centreCount} N(0,1) centres, each vector a random centre plus N(0, noise²) per component. */
  public static float[][] clustered(Random r, int n, int dim, int centreCount, float noise) {
    float[][] centres = new float[centreCount][dim];
    for (float[] c : centres) {
      for (int j = 0; j < dim; j++) {
        c[j] = (float) r.nextGaussian();
      }
    }
    float[][] out = new float[n][dim];
    for (int i = 0; i < n; i++) {
      float[] c = centres[r.nextInt(centres.length)];
      for (int j = 0; j < dim; j++) {
        out[i][j] = c[j] + noise * (float) r.nextGaussian();
      }
    }
    return out;
  }

  protected static Document doc(int i) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("bucket", i % 100);           // 1% selective per value
    meta.put("parity", i % 2 == 0 ? "even" : "odd");
    meta.put("big", (long) i * 1_000_000_007L);
    meta.put("weight", i / 7.0);
    meta.put("flag", i % 3 == 0);
    return new Document("doc-" + i, "text of " + i, meta);
  }

  protected static VectorIndex fill(VectorIndex index, float[][] vectors) {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < vectors.length; i++) {
      docs.add(doc(i));
    }
    index.addAll(docs, vectors);
    return index;
  }

  /** Brute-force top-k over the given live vectors, ordered like {@link Hit}. */
  protected static List<Hit> bruteForce(Similarity sim, Map<String, float[]> live, Map<String, Document> docs,
      float[] q, int k, Filter filter) {
    List<Hit> all = new ArrayList<>();
    for (Map.Entry<String, float[]> e : live.entrySet()) {
      if (filter == null || filter.test(docs.get(e.getKey()).metadata())) {
        all.add(new Hit(e.getKey(), sim.score(q, e.getValue())));
      }
    }
    all.sort(Comparator.naturalOrder());
    return all.subList(0, Math.min(k, all.size()));
  }

  protected static Set<String> ids(List<Hit> hits) {
    Set<String> out = new HashSet<>();
    for (Hit h : hits) {
      out.add(h.id());
    }
    return out;
  }

  protected static void assertBestFirst(List<Hit> hits) {
    for (int i = 1; i < hits.size(); i++) {
      assertTrue(hits.get(i - 1).score() >= hits.get(i).score(), "not best-first at " + i + ": " + hits);
    }
    assertEquals(hits.size(), ids(hits).size(), "duplicate ids in " + hits);
  }

  // ---------------------------------------------------------------- basics

  @Test
  void emptyIndexSearchesToEmptyList() {
    try (VectorIndex index = create(DIM, Similarity.COSINE)) {
      assertEquals(0, index.size());
      List<Hit> hits = index.search(new float[DIM], 5);
      assertNotNull(hits);
      assertTrue(hits.isEmpty());
    }
  }

  @ParameterizedTest
  @EnumSource(Similarity.class)
  void eachVectorFindsItselfFirstWithTheSimilarityScore(Similarity sim) {
    long seed = Seeds.seed("findsItself-" + sim);
    Random r = new Random(seed);
    float[][] v = clustered(r, 500, DIM);
    try (VectorIndex index = fill(create(DIM, sim), v)) {
      assertEquals(500, index.size());
      assertEquals(DIM, index.dimension());
      assertEquals(sim, index.similarity());
      int selfFirst = 0;
      for (int i = 0; i < 100; i++) {
        List<Hit> hits = index.search(v[i], 10);
        assertEquals(10, hits.size(), "seed " + seed);
        assertBestFirst(hits);
        for (Hit h : hits) {
          int j = Integer.parseInt(h.id().substring(4));
          assertEquals(sim.score(v[i], v[j]), h.score(), 1e-4, "score of " + h.id() + " seed " + seed);
        }
        if (hits.get(0).id().equals("doc-" + i)) {
          selfFirst++;
        }
      }
      // DOT_PRODUCT: a longer vector in the same direction may legitimately beat the query's own vector
      int expected = sim == Similarity.DOT_PRODUCT ? 1 : 100;
      assertTrue(selfFirst >= expected, sim + ": self first " + selfFirst + "/100, seed " + seed);
    }
  }

  @Test
  void resultsMatchBruteForce() {
    long seed = Seeds.seed("resultsMatchBruteForce");
    Random r = new Random(seed);
    float[][] v = clustered(r, 2000, DIM);
    Map<String, float[]> live = new HashMap<>();
    Map<String, Document> docs = new HashMap<>();
    for (int i = 0; i < v.length; i++) {
      live.put("doc-" + i, v[i]);
      docs.put("doc-" + i, doc(i));
    }
    try (VectorIndex index = fill(create(DIM, Similarity.COSINE), v)) {
      int found = 0;
      for (int t = 0; t < 50; t++) {
        float[] q = clustered(r, 1, DIM)[0];
        List<Hit> expected = bruteForce(Similarity.COSINE, live, docs, q, 10, null);
        List<Hit> actual = index.search(q, 10);
        assertBestFirst(actual);
        if (isExact()) {
          assertEquals(expected.stream().map(Hit::id).toList(), actual.stream().map(Hit::id).toList(), "seed " + seed);
        }
        Set<String> a = ids(actual);
        for (Hit h : expected) {
          found += a.contains(h.id()) ? 1 : 0;
        }
      }
      double recall = found / 500.0;
      assertTrue(recall >= (isExact() ? 1.0 : 0.95), "recall@10 " + recall + " seed " + seed);
    }
  }

  @Test
  void kLargerThanSizeReturnsEverything() {
    try (VectorIndex index = fill(create(DIM, Similarity.EUCLIDEAN), clustered(new Random(1), 7, DIM))) {
      assertEquals(7, index.search(new float[DIM], 100).size());
    }
  }

  /**
   * A huge {@code k} is bounded by what the index holds (issue 10, item 5): no allocation sized by k, so it is as
   * fast as any search and returns every live document.
   */
  @Test
  void hugeKIsBoundedByTheIndexSize() {
    float[][] v = clustered(new Random(11), 300, DIM);
    try (VectorIndex index = fill(create(DIM, Similarity.COSINE), v)) {
      index.delete("doc-0");
      org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () -> {
        for (int k : new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE - 1, 1 << 30}) {
          List<Hit> all;
          try {
            all = index.search(v[1], k);
          } catch (OutOfMemoryError e) {
            throw new AssertionError("k = " + k + " sized an allocation by k: " + e);
          }
          assertEquals(299, all.size(), "k = " + k);
          assertBestFirst(all);
          assertEquals(299, index.search(v[1], k, SearchOptions.DEFAULTS.withEfPerK(1000)).size(), "efPerK, k = " + k);
          assertEquals(299, index.search(v[1], k, SearchOptions.DEFAULTS.withEf(100_000)).size(), "ef, k = " + k);
          List<Hit> odd = index.search(v[1], k, SearchOptions.DEFAULTS.withFilter(Filter.eq("parity", "odd")));
          assertEquals(150, odd.size(), "filtered, k = " + k);
        }
      });
    }
    try (VectorIndex empty = create(DIM, Similarity.COSINE)) {
      assertTrue(empty.search(new float[DIM], Integer.MAX_VALUE - 1).isEmpty());
    }
  }

  /**
   * COSINE vectors whose squared norm underflows in float (every component 1e-40, or a single subnormal) are
   * normalized in double precision: they are accepted by add, upsert and addAll, score finitely, and the saved
   * file opens again (issue 10, item 4: they used to normalize to Infinity and make the file unreadable).
   */
  @Test
  void tinyCosineVectorsNormalizeFinitelyAndRoundTrip() throws IOException {
    float[] tiny = new float[DIM];
    java.util.Arrays.fill(tiny, 1e-40f);
    float[] single = new float[DIM];
    single[3] = Float.MIN_VALUE;
    float[][] v = clustered(new Random(12), 40, DIM);
    Path file = tmp.resolve("tiny.winnow");
    try (VectorIndex index = fill(create(DIM, Similarity.COSINE), v)) {
      index.add(new Document("tiny", "t"), tiny);
      index.upsert(new Document("single", "s"), single);
      index.addAll(List.of(new Document("tiny-batch", "b")), new float[][] {tiny.clone()});
      index.upsert(doc(5), tiny);
      for (String id : List.of("tiny", "single", "tiny-batch", "doc-5")) {
        float[] stored = index.vector(id).orElseThrow();
        double norm = 0;
        for (float x : stored) {
          assertTrue(Float.isFinite(x), id + ": stored component " + x);
          norm += (double) x * x;
        }
        assertEquals(1.0, norm, 1e-5, id + ": stored vector is unit length");
      }
      List<Hit> hits = index.search(tiny, 3);
      assertEquals(3, hits.size());
      assertEquals(Set.of("tiny", "tiny-batch", "doc-5"), ids(hits));
      for (Hit h : hits) {
        assertEquals(1f, h.score(), 1e-5, h.toString());
      }
      Hit s = index.search(single, 1).get(0);
      assertEquals("single", s.id());
      assertEquals(1f, s.score(), 1e-5);
      index.save(file);
      try (VectorIndex back = open(file)) {
        assertEquals(index.size(), back.size());
        assertEquals(hits, back.search(tiny, 3));
      }
    }
  }

  @Test
  void getContainsAndDocumentsRoundTrip() {
    try (VectorIndex index = fill(create(DIM, Similarity.COSINE), clustered(new Random(2), 50, DIM))) {
      assertTrue(index.contains("doc-7"));
      assertFalse(index.contains("nope"));
      assertEquals(doc(7), index.get("doc-7").orElseThrow());
      assertTrue(index.get("nope").isEmpty());
    }
  }

  @ParameterizedTest
  @EnumSource(Similarity.class)
  void vectorGivesBackTheStoredVectorAsACopy(Similarity sim) {
    float[][] v = clustered(new Random(5), 30, DIM);
    try (VectorIndex index = fill(create(DIM, sim), v)) {
      float[] got = index.vector("doc-11").orElseThrow();
      double norm = 0;
      for (float x : v[11]) {
        norm += x * x;
      }
      float scale = sim == Similarity.COSINE ? (float) (1 / Math.sqrt(norm)) : 1f;
      for (int j = 0; j < DIM; j++) {
        assertEquals(v[11][j] * scale, got[j], 1e-5, sim + " component " + j);
      }
      got[0] = 1e6f;
      assertEquals(v[11][0] * scale, index.vector("doc-11").orElseThrow()[0], 1e-5, "vector() must return a copy");
      assertTrue(index.vector("nope").isEmpty());
      assertTrue(index.delete("doc-11"));
      assertTrue(index.vector("doc-11").isEmpty(), "deleted document still has a vector");
      index.upsert(doc(12), v[3]);
      float[] up = index.vector("doc-12").orElseThrow();
      double n3 = 0;
      for (float x : v[3]) {
        n3 += x * x;
      }
      float scale3 = sim == Similarity.COSINE ? (float) (1 / Math.sqrt(n3)) : 1f;
      for (int j = 0; j < DIM; j++) {
        assertEquals(v[3][j] * scale3, up[j], 1e-5, "upserted vector component " + j);
      }
      assertThrows(IllegalArgumentException.class, () -> index.vector(null));
    }
  }

  @Test
  void vectorsAreCopiedOnTheWayIn() {
    try (VectorIndex index = create(DIM, Similarity.DOT_PRODUCT)) {
      float[] v = new float[DIM];
      v[0] = 1;
      index.add(doc(0), v);
      v[0] = -1;
      assertEquals(1f, index.search(new float[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 1).get(0).score(), 1e-6);
    }
  }

  // ---------------------------------------------------------------- bad input

  @Test
  void badInputIsRejectedWithClearMessages() {
    try (VectorIndex index = fill(create(DIM, Similarity.COSINE), clustered(new Random(3), 20, DIM))) {
      float[] ok = new float[DIM];
      assertMessage(() -> index.add(doc(100), new float[DIM + 1]), "dimension 17", "expects 16");
      float[] nan = ok.clone();
      nan[3] = Float.NaN;
      assertMessage(() -> index.add(doc(100), nan), "vector[3]", "NaN", "finite");
      float[] inf = ok.clone();
      inf[5] = Float.POSITIVE_INFINITY;
      assertMessage(() -> index.upsert(doc(100), inf), "vector[5]", "Infinity");
      assertMessage(() -> index.add(null, ok), "document is null");
      assertMessage(() -> index.add(doc(100), null), "vector is null");
      assertMessage(() -> index.add(doc(3), ok), "doc-3", "already present", "upsert");
      assertMessage(() -> index.delete(null), "id is null");
      assertMessage(() -> index.get(null), "id is null");
      assertMessage(() -> index.search(ok, 0), "k must be > 0", "0");
      assertMessage(() -> index.search(ok, -3), "k must be > 0", "-3");
      assertMessage(() -> index.search(new float[3], 5), "query", "dimension 3");
      assertMessage(() -> index.search(ok, 5, null), "options is null");
      assertMessage(() -> index.search(ok, 5, SearchOptions.DEFAULTS.withFilter(Filter.eq("colour", "red"))),
          "filter field 'colour'", "unknown");
      assertMessage(() -> index.addAll(List.of(doc(200), doc(200)), new float[][] {ok, ok}), "repeated");
      assertMessage(() -> index.addAll(List.of(doc(200)), new float[][] {ok, ok}), "!=");
      assertEquals(20, index.size(), "failed calls must not change the index");
      assertFalse(index.contains("doc-200"));
    }
  }

  private static void assertMessage(Runnable call, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "'");
    }
  }

  @Test
  void closedIndexThrowsIllegalState() {
    VectorIndex index = fill(create(DIM, Similarity.COSINE), clustered(new Random(4), 10, DIM));
    index.close();
    index.close(); // idempotent
    assertThrows(IllegalStateException.class, () -> index.search(new float[DIM], 3));
    assertThrows(IllegalStateException.class, () -> index.vector("doc-0"));
    assertThrows(IllegalStateException.class, () -> index.add(doc(99), new float[DIM]));
    assertThrows(IllegalStateException.class, () -> index.save(tmp.resolve("x")));
  }

  // ---------------------------------------------------------------- upsert and delete

  @Test
  void upsertReplacesDocumentAndVector() {
    float[][] v = clustered(new Random(5), 100, DIM);
    try (VectorIndex index = fill(create(DIM, Similarity.COSINE), v)) {
      Document replacement = new Document("doc-1", "new text", Map.of("bucket", 999));
      assertTrue(index.upsert(replacement, v[50]));
      assertFalse(index.upsert(new Document("fresh", "x"), v[60]));
      assertEquals(101, index.size());
      assertEquals(replacement, index.get("doc-1").orElseThrow());
      List<Hit> hits = index.search(v[50], 3);
      assertTrue(ids(hits).contains("doc-1") && ids(hits).contains("doc-50"), hits.toString());
      assertBestFirst(hits);
      List<Hit> filtered = index.search(v[1], 5, SearchOptions.DEFAULTS.withFilter(Filter.eq("bucket", 999)));
      assertEquals(List.of("doc-1"), filtered.stream().map(Hit::id).toList());
    }
  }

  @Test
  void deletedIdsNeverComeBack() {
    long seed = Seeds.seed("deletedIdsNeverComeBack");
    Random r = new Random(seed);
    float[][] v = clustered(r, 1500, DIM);
    try (VectorIndex index = fill(create(DIM, Similarity.COSINE), v)) {
      Set<String> deleted = new HashSet<>();
      for (int i = 0; i < v.length; i++) {
        if (r.nextDouble() < 0.4) {
          assertTrue(index.delete("doc-" + i));
          deleted.add("doc-" + i);
        }
      }
      assertFalse(index.delete("doc-" + deleted.iterator().next().substring(4)), "second delete returns false");
      assertEquals(v.length - deleted.size(), index.size());
      for (String id : deleted) {
        assertFalse(index.contains(id));
      }
      int returned = 0;
      for (int i = 0; i < v.length; i += 15) {
        List<Hit> hits = index.search(v[i], 20);
        assertEquals(20, hits.size(), "seed " + seed);
        for (Hit h : hits) {
          assertFalse(deleted.contains(h.id()), h.id() + " was deleted; seed " + seed);
          returned++;
        }
        if (deleted.contains("doc-" + i)) {
          assertFalse(ids(hits).contains("doc-" + i));
        }
      }
      assertTrue(returned > 0);
      List<Hit> all = index.search(v[0], v.length);
      assertEquals(index.size(), all.size(), "a k >= size search returns every live document");
    }
  }

  // ---------------------------------------------------------------- filters

  @Test
  void selectiveFilterGivesExactFilteredTopK() {
    long seed = Seeds.seed("selectiveFilter");
    Random r = new Random(seed);
    float[][] v = clustered(r, 3000, DIM);
    Map<String, float[]> live = new HashMap<>();
    Map<String, Document> docs = new HashMap<>();
    for (int i = 0; i < v.length; i++) {
      live.put("doc-" + i, v[i]);
      docs.put("doc-" + i, doc(i));
    }
    try (VectorIndex index = fill(create(DIM, Similarity.COSINE), v)) {
      for (int t = 0; t < 20; t++) {
        Filter onePercent = Filter.eq("bucket", r.nextInt(100));   // 30 of 3000 documents
        float[] q = clustered(r, 1, DIM)[0];
        List<Hit> expected = bruteForce(Similarity.COSINE, live, docs, q, 10, onePercent);
        List<Hit> actual = index.search(q, 10, SearchOptions.DEFAULTS.withFilter(onePercent));
        assertEquals(10, actual.size());
        assertEquals(expected.stream().map(Hit::id).toList(), actual.stream().map(Hit::id).toList(), "seed " + seed);
        for (int i = 0; i < 10; i++) {
          assertEquals(expected.get(i).score(), actual.get(i).score(), 1e-4);
        }
      }
    }
  }

  @Test
  void everyFilterKindReturnsOnlyMatchesAndKWhenKMatch() {
    long seed = Seeds.seed("filterKinds");
    Random r = new Random(seed);
    float[][] v = clustered(r, 2000, DIM);
    Map<String, float[]> live = new HashMap<>();
    Map<String, Document> docs = new HashMap<>();
    for (int i = 0; i < v.length; i++) {
      live.put("doc-" + i, v[i]);
      docs.put("doc-" + i, doc(i));
    }
    List<Filter> filters = List.of(
        Filter.eq("parity", "even"),
        Filter.eq("bucket", 7L),                       // Long matches Integer metadata
        Filter.in("bucket", List.of(1, 2, 3)),
        Filter.range("weight", 10.0, 20),
        Filter.greaterThan("big", 1_000_000_007L * 1500),
        Filter.and(Filter.eq("flag", true), Filter.lessThan("bucket", 50)),
        Filter.or(Filter.eq("bucket", 5), Filter.eq("bucket", 6)),
        Filter.not(Filter.eq("parity", "odd")),
        Filter.range("parity", "a", "f"),
        Filter.contains("parity", "ve"),                 // substring of a string value
        Filter.and(Filter.contains("parity", "d"), Filter.not(Filter.contains("parity", "e"))));
    try (VectorIndex index = fill(create(DIM, Similarity.DOT_PRODUCT), v)) {
      for (Filter f : filters) {
        long matching = docs.values().stream().filter(d -> f.test(d.metadata())).count();
        assertTrue(matching >= 10, f + " matches only " + matching);
        float[] q = clustered(r, 1, DIM)[0];
        List<Hit> hits = index.search(q, 10, SearchOptions.DEFAULTS.withFilter(f));
        assertEquals(10, hits.size(), f + " seed " + seed);
        for (Hit h : hits) {
          assertTrue(f.test(docs.get(h.id()).metadata()), h.id() + " fails " + f);
        }
        if (isExact()) {
          assertEquals(bruteForce(Similarity.DOT_PRODUCT, live, docs, q, 10, f).stream().map(Hit::id).toList(),
              hits.stream().map(Hit::id).toList());
        }
      }
      Filter none = Filter.eq("bucket", 12345);
      assertTrue(index.search(v[0], 10, SearchOptions.DEFAULTS.withFilter(none)).isEmpty());
    }
  }

  // ---------------------------------------------------------------- persistence

  @Test
  void saveAndOpenGiveIdenticalResults() throws IOException {
    long seed = Seeds.seed("saveAndOpen");
    Random r = new Random(seed);
    float[][] v = clustered(r, 1200, DIM);
    Path file = tmp.resolve("sub/dir/index.winnow");
    try (VectorIndex index = fill(create(DIM, Similarity.EUCLIDEAN), v)) {
      for (int i = 0; i < 200; i++) {
        index.delete("doc-" + (i * 3));
      }
      index.upsert(new Document("doc-1", "changed", Map.of("k", "v", "n", 3.5f)), v[2]);
      index.save(file);
      try (VectorIndex back = open(file)) {
        assertEquals(index.size(), back.size());
        assertEquals(index.dimension(), back.dimension());
        assertEquals(index.similarity(), back.similarity());
        assertEquals(index.get("doc-1"), back.get("doc-1"));
        assertEquals(index.get("doc-5"), back.get("doc-5"));
        assertFalse(back.contains("doc-3"));
        for (int t = 0; t < 30; t++) {
          float[] q = clustered(r, 1, DIM)[0];
          SearchOptions o = t % 2 == 0 ? SearchOptions.DEFAULTS : SearchOptions.DEFAULTS.withFilter(Filter.eq("flag", true));
          if (openRestoresTheGraph()) {
            assertEquals(index.search(q, 10, o), back.search(q, 10, o), "seed " + seed);
          } else {
            // a rebuilt graph may differ: every hit must still carry its exact score, and most must agree
            List<Hit> before = index.search(q, 10, o);
            List<Hit> after = back.search(q, 10, o);
            assertEquals(before.size(), after.size(), "seed " + seed);
            long same = after.stream().filter(before::contains).count();
            assertTrue(same >= before.size() - 2, same + " of " + before.size() + " hits agree; seed " + seed);
          }
        }
        back.add(new Document("after-open", "x"), v[0]);
        assertTrue(back.contains("after-open"));
      }
    }
    try (FileTree tree = new FileTree(file.getParent())) {
      assertEquals(List.of("index.winnow"), tree.names(), "no temp files left behind");
    }
  }

  /** Lists a folder's entries. */
  private record FileTree(Path dir) implements AutoCloseable {
    List<String> names() throws IOException {
      try (var s = Files.list(dir)) {
        return s.map(p -> p.getFileName().toString()).sorted().toList();
      }
    }

    @Override
    public void close() {}
  }

  @Test
  void emptyIndexRoundTrips() throws IOException {
    Path file = tmp.resolve("empty.winnow");
    try (VectorIndex index = create(DIM, Similarity.DOT_PRODUCT)) {
      index.save(file);
    }
    try (VectorIndex back = open(file)) {
      assertEquals(0, back.size());
      assertEquals(Similarity.DOT_PRODUCT, back.similarity());
      assertTrue(back.search(new float[DIM], 3).isEmpty());
    }
  }

  @Test
  void damagedFilesRaiseIndexFormatExceptionOnly() throws IOException {
    long seed = Seeds.seed("damagedFiles");
    Random r = new Random(seed);
    Path file = tmp.resolve("good.winnow");
    try (VectorIndex index = fill(create(8, Similarity.COSINE), clustered(r, 300, 8))) {
      index.save(file);
    }
    byte[] good = Files.readAllBytes(damageable(file));
    Path bad = tmp.resolve("bad.winnow");
    if (Files.isDirectory(file)) {
      // an index saved as a folder: damage its one file in a copy of the folder
      Files.createDirectories(bad);
      try (var files = Files.list(file)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.copy(f, bad.resolve(f.getFileName().toString()));
        }
      }
    }
    for (int t = 0; t < 150; t++) {
      byte[] b;
      String what;
      if (t % 3 == 0) {
        int len = r.nextInt(good.length);
        b = java.util.Arrays.copyOf(good, len);
        what = "truncated to " + len;
      } else {
        b = good.clone();
        int flips = 1 + r.nextInt(4);
        StringBuilder w = new StringBuilder("flipped");
        for (int f = 0; f < flips; f++) {
          int at = r.nextInt(b.length);
          b[at] ^= (byte) (1 << r.nextInt(8));
          w.append(' ').append(at);
        }
        what = w.toString();
      }
      Files.write(damageable(bad), b);
      try (VectorIndex ignored = open(bad)) {
        fail(what + ": opened a damaged file; seed " + seed);
      } catch (IndexFormatException expected) {
        assertTrue(expected.getMessage().contains("bad.winnow"), expected.getMessage());
      } catch (Throwable other) {
        throw new AssertionError(what + ": expected IndexFormatException, got " + other + "; seed " + seed, other);
      }
    }
    Files.write(damageable(bad), new byte[0]);
    assertThrows(IndexFormatException.class, () -> open(bad));
    Files.writeString(damageable(bad), "hello, this is definitely not an index file at all, padded to be long enough");
    assertThrows(IndexFormatException.class, () -> open(bad));
  }

  // ---------------------------------------------------------------- concurrency

  @Test
  void searchesRunSafelyDuringAddsDeletesAndSaves() throws Exception {
    long seed = Seeds.seed("concurrency");
    Random r = new Random(seed);
    float[][] v = clustered(r, 3000, DIM);
    try (VectorIndex index = create(DIM, Similarity.COSINE)) {
      List<Document> first = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        first.add(doc(i));
      }
      index.addAll(first, java.util.Arrays.copyOf(v, 1000));
      Set<String> deletedForGood = ConcurrentHashMap.newKeySet();
      List<Throwable> errors = new CopyOnWriteArrayList<>();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger searches = new AtomicInteger();
      AtomicInteger searchesDuringWrites = new AtomicInteger();
      AtomicInteger writersRunning = new AtomicInteger(2);
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        int start = 1000 + w * 1000;
        threads.add(new Thread(() -> {
          try {
            while (searches.get() < 5) {
              Thread.onSpinWait(); // start writing once searches are under way
            }
            for (int i = start; i < start + 1000; i++) {
              if (i % 50 == 0) {
                TimeUnit.MILLISECONDS.sleep(1); // let searches interleave even with a fast index
              }
              index.add(doc(i), v[i]);
              if (i % 4 == 0) {
                String victim = "doc-" + (i - start) / 4 * 2; // among the first 1000
                index.delete(victim);
                deletedForGood.add(victim); // only after the delete returned
              }
              if (i % 3 == 0) {
                index.upsert(doc(i), v[(i * 7) % 3000]);
              }
            }
          } catch (Throwable t) {
            errors.add(t);
          } finally {
            writersRunning.decrementAndGet();
          }
        }));
      }
      for (int s = 0; s < 2; s++) {
        threads.add(new Thread(() -> {
          Random lr = new Random(seed + 1);
          try {
            while (!stop.get()) {
              Set<String> before = new HashSet<>(deletedForGood);
              List<Hit> hits = index.search(v[lr.nextInt(3000)], 10,
                  lr.nextBoolean() ? SearchOptions.DEFAULTS : SearchOptions.DEFAULTS.withFilter(Filter.eq("parity", "odd")));
              assertBestFirst(hits);
              for (Hit h : hits) {
                if (before.contains(h.id())) {
                  errors.add(new AssertionError(h.id() + " returned after its delete completed"));
                }
              }
              searches.incrementAndGet();
              if (writersRunning.get() > 0) {
                searchesDuringWrites.incrementAndGet();
              }
            }
          } catch (Throwable t) {
            errors.add(t);
          }
        }));
      }
      threads.forEach(Thread::start);
      Path file = tmp.resolve("live.winnow");
      int saves = 0;
      while (threads.get(0).isAlive() || threads.get(1).isAlive()) {
        index.save(file);
        if (saves % opensEverySaves() == 0) {
          try (VectorIndex snapshot = open(file)) {
            assertTrue(snapshot.size() >= 500 && snapshot.size() <= 3000, "snapshot size " + snapshot.size());
          }
        }
        saves++;
        TimeUnit.MILLISECONDS.sleep(20);
      }
      threads.get(0).join();
      threads.get(1).join();
      stop.set(true);
      threads.get(2).join();
      threads.get(3).join();
      if (!errors.isEmpty()) {
        AssertionError e = new AssertionError(errors.size() + " errors, seed " + seed, errors.get(0));
        throw e;
      }
      assertEquals(3000 - deletedForGood.size(), index.size());
      assertTrue(searchesDuringWrites.get() > 10, "searches overlapping writes: " + searchesDuringWrites.get());
      assertTrue(saves >= 1);
      for (String id : deletedForGood) {
        assertFalse(index.contains(id));
      }
    }
  }
}
