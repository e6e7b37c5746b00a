package dev.winnow.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.Document;
import dev.winnow.Filter;
import dev.winnow.Hit;
import dev.winnow.SearchOptions;
import dev.winnow.Similarity;
import dev.winnow.VectorIndex;
import dev.winnow.testing.Seeds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Concurrency soak (docs/reliability.md): more threads than processors run a mix of add, addAll, upsert and
 * delete (each writer on its own ids, keeping an exact model), unfiltered and filtered searches, saves with a
 * re-open of each snapshot, and (HNSW) compactions, for a few seconds in the normal build and a minute per index
 * with {@code -Preliability}. A watchdog fails the test with a thread dump if no operation completes for 15 s.
 * Afterwards the index must equal the union of the writers' models exactly (ids, documents, vectors), before and
 * after a save and re-open.
 */
class IndexSoakTest {
  static final int DIM = 8;
  static final String[] OPS = {"add", "addAll", "upsert", "delete", "search", "filtered search", "save+open",
      "compact"};

  @TempDir Path tmp;

  record Entry(Document document, float[] vector) {}

  @ParameterizedTest
  @ValueSource(strings = {"hnsw", "flat"})
  void mixedOperationsStayLiveAndExact(String kind) throws Exception {
    long seed = Seeds.seed("soak-" + kind);
    int cores = Runtime.getRuntime().availableProcessors();
    int writers = Math.min(32, Math.max(8, 2 * cores));
    int searchers = 2;
    long millis = Reliability.count(3_000, 60_000);
    VectorIndex index = kind.equals("hnsw")
        ? HnswVectorIndex.builder(DIM, Similarity.EUCLIDEAN).m(4).efConstruction(64).compactionThreshold(0.3).build()
        : new FlatVectorIndex(DIM, Similarity.EUCLIDEAN);
    AtomicLong progress = new AtomicLong();
    AtomicLongArray counts = new AtomicLongArray(OPS.length);
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    Set<String> issued = ConcurrentHashMap.newKeySet();
    List<Map<String, Entry>> models = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    long until = System.nanoTime() + millis * 1_000_000;
    for (int w = 0; w < writers; w++) {
      int me = w;
      Map<String, Entry> model = new java.util.HashMap<>();
      models.add(model);
      threads.add(daemon("writer-" + w, errors, () -> {
        Random r = new Random(seed * 31 + me);
        List<String> mine = new ArrayList<>();
        int next = 0;
        while (System.nanoTime() < until) {
          double dice = r.nextDouble();
          int op;
          if (mine.size() < 20 || dice < 0.35) {
            Entry e = entry(r, "w" + me + "-" + next++, me);
            issued.add(e.document().id());
            index.add(e.document(), e.vector());
            model.put(e.document().id(), e);
            mine.add(e.document().id());
            op = 0;
          } else if (dice < 0.45) {
            List<Document> docs = new ArrayList<>();
            float[][] vectors = new float[3][];
            for (int i = 0; i < 3; i++) {
              Entry e = entry(r, "w" + me + "-" + next++, me);
              issued.add(e.document().id());
              docs.add(e.document());
              vectors[i] = e.vector();
              model.put(e.document().id(), e);
              mine.add(e.document().id());
            }
            index.addAll(docs, vectors);
            op = 1;
          } else if (dice < 0.75) {
            Entry e = entry(r, mine.get(r.nextInt(mine.size())), me);
            assertTrue(index.upsert(e.document(), e.vector()), e.document().id());
            model.put(e.document().id(), e);
            op = 2;
          } else {
            int at = r.nextInt(mine.size());
            String id = mine.get(at);
            mine.set(at, mine.get(mine.size() - 1));
            mine.remove(mine.size() - 1);
            assertTrue(index.delete(id), id);
            model.remove(id);
            op = 3;
          }
          counts.incrementAndGet(op);
          progress.incrementAndGet();
        }
      }));
    }
    for (int s = 0; s < searchers; s++) {
      int me = s;
      threads.add(daemon("searcher-" + s, errors, () -> {
        Random r = new Random(seed * 17 + me);
        while (System.nanoTime() < until) {
          float[] q = entry(r, "q", 0).vector();
          boolean filtered = r.nextBoolean() && index.size() > 0;
          int owner = r.nextInt(writers);
          List<Hit> hits;
          try {
            hits = index.search(q, 10, filtered ? SearchOptions.DEFAULTS.withFilter(Filter.eq("owner", owner))
                : SearchOptions.DEFAULTS);
          } catch (IllegalArgumentException unknownField) {
            continue; // no document has "owner" yet
          }
          Set<String> seen = new HashSet<>();
          for (int i = 0; i < hits.size(); i++) {
            Hit h = hits.get(i);
            assertTrue(issued.contains(h.id()), "search returned an id never added: " + h.id());
            assertTrue(seen.add(h.id()), "duplicate " + h.id());
            assertTrue(i == 0 || hits.get(i - 1).score() >= h.score(), "not best-first: " + hits);
            if (filtered) {
              assertTrue(h.id().startsWith("w" + owner + "-"), h.id() + " does not pass owner = " + owner);
            }
          }
          assertTrue(hits.size() <= 10);
          counts.incrementAndGet(filtered ? 5 : 4);
          progress.incrementAndGet();
        }
      }));
    }
    threads.add(daemon("saver", errors, () -> {
      int n = 0;
      while (System.nanoTime() < until) {
        Path file = tmp.resolve("snapshot-" + (n++ % 2) + ".winnow");
        index.save(file);
        try (VectorIndex snapshot = open(kind, file)) {
          assertTrue(snapshot.size() <= issued.size(), "snapshot larger than all ids ever added");
          snapshot.search(new float[DIM], 5);
        }
        counts.incrementAndGet(6);
        progress.incrementAndGet();
        if (index instanceof HnswVectorIndex h && n % 3 == 0) {
          h.compact();
          counts.incrementAndGet(7);
          progress.incrementAndGet();
        }
      }
    }));
    boolean finished = false;
    try {
      threads.forEach(Thread::start);
      Watchdog.await(threads, progress, 15_000, millis + 120_000, kind + " soak with " + threads.size()
          + " threads on " + cores + " processors, seed " + seed);
      finished = true;
      if (!errors.isEmpty()) {
        AssertionError e = new AssertionError(errors.size() + " errors in " + kind + " soak, seed " + seed, errors.get(0));
        errors.stream().skip(1).limit(5).forEach(e::addSuppressed);
        throw e;
      }
      Map<String, Entry> expected = new java.util.HashMap<>();
      models.forEach(expected::putAll);
      checkExactly(index, expected, kind + " after the soak, seed " + seed);
      Path last = tmp.resolve("final.winnow");
      index.save(last);
      try (VectorIndex back = open(kind, last)) {
        checkExactly(back, expected, kind + " after save and open, seed " + seed);
      }
      StringBuilder summary = new StringBuilder("IndexSoakTest " + kind + ": " + threads.size() + " threads on "
          + cores + " processors, " + millis / 1000.0 + " s, " + progress.get() + " operations (");
      for (int i = 0; i < OPS.length; i++) {
        summary.append(i == 0 ? "" : ", ").append(OPS[i]).append(' ').append(counts.get(i));
      }
      System.out.println(summary.append("); end state ").append(expected.size()).append(" documents, exact"));
      assertTrue(counts.get(6) > 0 && counts.get(4) > 0 && counts.get(3) > 0, summary.toString());
    } finally {
      if (finished) {
        index.close();
      }
    }
  }

  private static void checkExactly(VectorIndex index, Map<String, Entry> expected, String where) {
    assertEquals(expected.size(), index.size(), where);
    int selfFirst = 0;
    int checked = 0;
    for (Map.Entry<String, Entry> e : expected.entrySet()) {
      assertEquals(e.getValue().document(), index.get(e.getKey()).orElse(null), where + ": " + e.getKey());
      assertArrayEquals(e.getValue().vector(), index.vector(e.getKey()).orElseThrow(), where + ": " + e.getKey());
      if (checked++ < 200) {
        selfFirst += index.search(e.getValue().vector(), 1).get(0).id().equals(e.getKey()) ? 1 : 0;
      }
    }
    assertTrue(selfFirst >= Math.min(checked, 200) * 0.95, where + ": self first " + selfFirst + " of " + Math.min(checked, 200));
  }

  private static VectorIndex open(String kind, Path file) throws java.io.IOException {
    return kind.equals("hnsw") ? HnswVectorIndex.open(file) : FlatVectorIndex.open(file);
  }

  private static Entry entry(Random r, String id, int owner) {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return new Entry(new Document(id, "text " + r.nextInt(), Map.of("owner", owner, "bucket", r.nextInt(10))), v);
  }

  /** Work that may throw anything. */
  interface Work {
    void run() throws Exception;
  }

  private static Thread daemon(String name, List<Throwable> errors, Work work) {
    Thread t = new Thread(() -> {
      try {
        work.run();
      } catch (Throwable e) {
        errors.add(e);
      }
    }, name);
    t.setDaemon(true);
    return t;
  }
}
