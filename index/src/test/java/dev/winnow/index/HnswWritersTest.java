package dev.winnow.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.Document;
import dev.winnow.Similarity;
import dev.winnow.testing.Seeds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Many more writing threads than processors. hnswlib 1.2.1 keeps one visited set per processor and an insert
 * borrows one while holding its new node's monitor; before writers were bounded, threads waiting on that monitor
 * held every visited set and the index hung for good (issue 10, item 1). A watchdog turns a hang into a failure
 * with a thread dump.
 */
class HnswWritersTest {
  static final int DIM = 8;

  @Test
  void moreWritersThanProcessorsNeverHang() throws Exception {
    long seed = Seeds.seed("hnswWriters");
    int cores = Runtime.getRuntime().availableProcessors();
    int writers = Math.min(64, Math.max(8, 4 * cores));
    long runMillis = 3_000;
    // not try-with-resources: after a stall, close() would wait for the stuck writers forever
    HnswVectorIndex index = HnswVectorIndex.builder(DIM, Similarity.EUCLIDEAN).m(4).efConstruction(64)
        .compactionThreshold(1.0).initialCapacity(1 << 16).build();
    boolean finished = false;
    try {
      AtomicLong ops = new AtomicLong();
      List<Throwable> errors = new CopyOnWriteArrayList<>();
      Map<String, float[]> model = new ConcurrentHashMap<>();
      List<Thread> threads = new ArrayList<>();
      long until = System.nanoTime() + runMillis * 1_000_000;
      for (int w = 0; w < writers; w++) {
        int me = w;
        Thread t = new Thread(() -> {
          Random r = new Random(seed + me);
          Map<String, float[]> mine = new HashMap<>();
          List<String> ids = new ArrayList<>();
          try {
            for (int i = 0; System.nanoTime() < until; i++) {
              double dice = r.nextDouble();
              if (ids.isEmpty() || dice < 0.6) {
                String id = "w" + me + "-" + i;
                float[] v = random(r);
                index.add(new Document(id, "t"), v);
                mine.put(id, v);
                ids.add(id);
              } else if (dice < 0.85) {
                String id = ids.get(r.nextInt(ids.size()));
                float[] v = random(r);
                assertTrue(index.upsert(new Document(id, "u"), v), id);
                mine.put(id, v);
              } else {
                String id = ids.remove(r.nextInt(ids.size()));
                assertTrue(index.delete(id), id);
                mine.remove(id);
              }
              ops.incrementAndGet();
            }
            model.putAll(mine);
          } catch (Throwable e) {
            errors.add(e);
          }
        }, "writer-" + w);
        t.setDaemon(true);
        threads.add(t);
      }
      threads.forEach(Thread::start);
      Watchdog.await(threads, ops, 10_000, runMillis + 60_000, writers + " writers on " + cores + " processors, seed " + seed);
      finished = true;
      assertTrue(errors.isEmpty(), "seed " + seed + ": " + errors);
      System.out.println("HnswWritersTest: " + writers + " writers, " + cores + " processors, " + ops.get() + " operations");
      assertEquals(model.size(), index.size(), "seed " + seed);
      for (Map.Entry<String, float[]> e : model.entrySet()) {
        assertArrayEquals(e.getValue(), index.vector(e.getKey()).orElseThrow(), e.getKey());
      }
      assertFalse(index.search(random(new Random(seed)), 10).isEmpty());
    } finally {
      if (finished) {
        index.close();
      }
    }
  }

  static float[] random(Random r) {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }
}
