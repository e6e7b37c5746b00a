package dev.winnow.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.Document;
import dev.winnow.Hit;
import dev.winnow.IndexFormatException;
import dev.winnow.SearchOptions;
import dev.winnow.Similarity;
import dev.winnow.VectorIndex;
import dev.winnow.testing.Seeds;
import dev.winnow.testing.VectorIndexContract;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class HnswVectorIndexTest extends VectorIndexContract {
  @Override
  protected VectorIndex create(int dimension, Similarity similarity) {
    return HnswVectorIndex.builder(dimension, similarity).initialCapacity(64).build();
  }

  @Override
  protected VectorIndex open(Path path) throws IOException {
    return HnswVectorIndex.open(path);
  }

  @Override
  protected boolean isExact() {
    return false;
  }

  @Test
  void builderValidatesAtOnceAndOnce() {
    HnswVectorIndex.Builder b = HnswVectorIndex.builder(8, Similarity.COSINE);
    assertThrows(IllegalArgumentException.class, () -> b.m(1));
    assertThrows(IllegalArgumentException.class, () -> b.efConstruction(0));
    assertThrows(IllegalArgumentException.class, () -> b.compactionThreshold(0));
    assertThrows(IllegalArgumentException.class, () -> b.defaultEf(-1));
    b.m(8);
    assertThrows(IllegalStateException.class, () -> b.m(12));
    b.build().close();
    assertThrows(IllegalStateException.class, b::build);
    assertThrows(IllegalArgumentException.class, () -> HnswVectorIndex.builder(0, Similarity.COSINE));
    assertThrows(IllegalArgumentException.class, () -> HnswVectorIndex.builder(8, null));
  }

  @Test
  void capacityGrowsInsteadOfFailing() {
    float[][] v = clustered(new Random(7), 1000, DIM);
    try (HnswVectorIndex index = HnswVectorIndex.builder(DIM, Similarity.COSINE).initialCapacity(4).build()) {
      for (int i = 0; i < 500; i++) {
        index.add(doc(i), v[i]);
      }
      List<Document> rest = new ArrayList<>();
      for (int i = 500; i < 1000; i++) {
        rest.add(doc(i));
      }
      index.addAll(rest, java.util.Arrays.copyOfRange(v, 500, 1000));
      assertEquals(1000, index.size());
      assertTrue(index.capacity() >= 1000, "capacity " + index.capacity());
      assertEquals("doc-999", index.search(v[999], 1).get(0).id());
    }
  }

  @Test
  void compactionDropsTombstonesAndKeepsTheLiveSet() {
    long seed = Seeds.seed("compaction");
    Random r = new Random(seed);
    float[][] v = clustered(r, 2000, DIM);
    try (HnswVectorIndex index = HnswVectorIndex.builder(DIM, Similarity.COSINE).compactionThreshold(1.0).build()) {
      fill(index, v);
      Set<String> deleted = new HashSet<>();
      for (int i = 0; i < 2000; i++) {
        if (i % 5 != 0) {
          index.delete("doc-" + i);
          deleted.add("doc-" + i);
        }
      }
      assertEquals(400, index.size());
      assertEquals(2000, index.graphSize(), "threshold 1.0: no automatic compaction");
      index.compact();
      assertEquals(400, index.size());
      assertEquals(400, index.graphSize(), "tombstones dropped");
      assertTrue(index.capacity() <= 2048, "capacity shrank to one page: " + index.capacity());
      int selfFirst = 0;
      for (int i = 0; i < 2000; i += 5) {
        List<Hit> hits = index.search(v[i], 10);
        assertEquals(10, hits.size());
        for (Hit h : hits) {
          assertFalse(deleted.contains(h.id()), h.id() + " deleted; seed " + seed);
        }
        selfFirst += hits.get(0).id().equals("doc-" + i) ? 1 : 0;
      }
      assertTrue(selfFirst >= 396, "self first " + selfFirst + "/400 after compaction; seed " + seed);
    }
  }

  @Test
  void deletesPastTheThresholdCompactAutomatically() {
    float[][] v = clustered(new Random(8), 1000, DIM);
    try (HnswVectorIndex index = HnswVectorIndex.builder(DIM, Similarity.COSINE).compactionThreshold(0.2).build()) {
      fill(index, v);
      for (int i = 0; i < 600; i++) {
        index.delete("doc-" + i);
      }
      assertEquals(400, index.size());
      assertTrue(index.graphSize() <= 400 + 0.2 * index.graphSize() + 1,
          "graph " + index.graphSize() + " keeps at most 20% tombstones");
      assertTrue(index.graphSize() < 1000);
    }
  }

  @Test
  void compactionRunningDuringWritesKeepsEveryChange() throws Exception {
    long seed = Seeds.seed("compactionDuringWrites");
    Random r = new Random(seed);
    float[][] v = clustered(r, 4000, DIM);
    try (HnswVectorIndex index = HnswVectorIndex.builder(DIM, Similarity.COSINE).compactionThreshold(1.0).build()) {
      fill(index, java.util.Arrays.copyOf(v, 2000));
      Set<String> expected = java.util.concurrent.ConcurrentHashMap.newKeySet();
      for (int i = 0; i < 2000; i++) {
        expected.add("doc-" + i);
      }
      List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread writer = new Thread(() -> {
        try {
          for (int i = 2000; i < 4000; i++) {
            index.add(doc(i), v[i]);
            expected.add("doc-" + i);
            String victim = "doc-" + (i - 2000);
            index.delete(victim);
            expected.remove(victim);
            if (i % 10 == 0) {
              index.upsert(doc(i - 1), v[i - 1]); // replace with the same vector: a new node, same answer
            }
          }
        } catch (Throwable t) {
          errors.add(t);
        }
      });
      writer.start();
      int compactions = 0;
      while (writer.isAlive()) {
        index.compact();
        compactions++;
      }
      writer.join();
      assertTrue(errors.isEmpty(), errors.toString());
      assertTrue(compactions >= 2, "compactions overlapping the writer: " + compactions);
      assertEquals(expected.size(), index.size());
      for (int i = 0; i < 4000; i++) {
        assertEquals(expected.contains("doc-" + i), index.contains("doc-" + i), "doc-" + i);
      }
      int selfFirst = 0;
      for (int i = 2000; i < 4000; i += 4) {
        List<Hit> hits = index.search(v[i], 5);
        for (Hit h : hits) {
          assertTrue(expected.contains(h.id()), h.id() + " is not live; seed " + seed);
        }
        selfFirst += hits.get(0).id().equals("doc-" + i) ? 1 : 0;
      }
      assertTrue(selfFirst >= 495, "live documents findable after concurrent compactions: " + selfFirst + "/500");
      index.compact();
      assertEquals(index.size(), index.graphSize(), "a final compaction leaves no tombstones");
    }
  }

  /**
   * An index opened from a file (vectors and layer-0 links memory-mapped) keeps answering while it takes writes and
   * saves new generations over the very file it maps (the atomic rename leaves the mapped old file intact).
   */
  @Test
  void anOpenedIndexRanksExactlyAsTheIndexItWasSavedFrom() throws IOException {
    // the opened index scores mapped vectors (in place where the kernels can, else through a copy), the built one
    // heap arrays: same hits, same scores to the bit, over several full mapped pages and the partial last one
    Random r = new Random(Seeds.seed("mappedSameRanking"));
    float[][] v = clustered(r, 5000, DIM);
    for (Similarity sim : Similarity.values()) {
      Path file = tmp.resolve("same-" + sim + ".winnow");
      try (HnswVectorIndex built = HnswVectorIndex.builder(DIM, sim).build()) {
        for (int i = 0; i < v.length; i++) {
          built.add(doc(i), v[i]);
        }
        built.save(file);
        try (HnswVectorIndex opened = HnswVectorIndex.open(file)) {
          for (int qi = 0; qi < 50; qi++) {
            float[] q = v[r.nextInt(v.length)].clone();
            q[qi % DIM] += 0.3f;
            SearchOptions o = SearchOptions.DEFAULTS.withEf(16 + qi);
            List<Hit> a = built.search(q, 10, o);
            List<Hit> b = opened.search(q, 10, o);
            assertEquals(a.size(), b.size(), sim + " query " + qi);
            for (int i = 0; i < a.size(); i++) {
              assertEquals(a.get(i).id(), b.get(i).id(), sim + " query " + qi + " rank " + i);
              assertEquals(Float.floatToIntBits(a.get(i).score()), Float.floatToIntBits(b.get(i).score()),
                  sim + " query " + qi + " rank " + i);
            }
          }
        }
      }
    }
  }

  @Test
  void aMappedIndexSearchesWhileNewGenerationsAreSavedOverItsFile() throws Exception {
    Random r = new Random(Seeds.seed("mappedSave"));
    float[][] v = clustered(r, 6000, DIM);
    Path file = tmp.resolve("mapped.winnow");
    try (HnswVectorIndex built = HnswVectorIndex.builder(DIM, Similarity.COSINE).build()) {
      for (int i = 0; i < 4000; i++) {
        built.add(doc(i), v[i]);
      }
      built.save(file);
    }
    List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    AtomicInteger searches = new AtomicInteger();
    try (HnswVectorIndex mapped = HnswVectorIndex.open(file)) {
      List<Thread> readers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        Random lr = new Random(t);
        Thread th = new Thread(() -> {
          try {
            while (!stop.get()) {
              float[] q = v[lr.nextInt(4000)];
              List<Hit> hits = mapped.search(q, 10);
              assertEquals(10, hits.size());
              searches.incrementAndGet();
            }
          } catch (Throwable e) {
            errors.add(e);
          }
        });
        th.start();
        readers.add(th);
      }
      for (int round = 0; round < 4; round++) {
        for (int i = 4000 + round * 500; i < 4500 + round * 500; i++) {
          mapped.add(doc(i), v[i]);
        }
        mapped.delete("doc-" + round);
        mapped.save(file);
      }
      stop.set(true);
      for (Thread th : readers) {
        th.join();
      }
      assertTrue(errors.isEmpty(), errors.toString());
      assertTrue(searches.get() > 0);
      assertEquals(5996, mapped.size());
    }
    try (HnswVectorIndex again = HnswVectorIndex.open(file)) {
      assertEquals(5996, again.size());
      assertEquals("doc-5999", again.search(v[5999], 1).get(0).id());
      assertFalse(again.contains("doc-0"));
    }
  }

  @Test
  void aStreamedIterableIsIndexedInBatchesWithProgress() {
    float[][] v = clustered(new Random(5), 2500, DIM);
    List<java.util.Map.Entry<Document, float[]>> rows = new ArrayList<>();
    for (int i = 0; i < v.length; i++) {
      rows.add(java.util.Map.entry(doc(i), v[i]));
    }
    List<dev.winnow.IngestProgress> seen = new ArrayList<>();
    try (HnswVectorIndex index = HnswVectorIndex.builder(DIM, Similarity.COSINE).build()) {
      index.addAll(rows, rows.size(), seen::add);
      assertEquals(2500, index.size());
      assertEquals(3, seen.size(), "one report per batch of 1024");
      assertEquals(2500, seen.get(2).done());
      assertEquals("doc-2499", index.search(v[2499], 1).get(0).id());
      // a bad row fails with its position in the stream; the batches before it stay
      List<java.util.Map.Entry<Document, float[]>> more = new ArrayList<>();
      for (int i = 0; i < 1100; i++) {
        more.add(java.util.Map.entry(doc(10_000 + i), i == 1050 ? new float[DIM + 1] : v[i]));
      }
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> index.addAll(more, 0, null));
      assertTrue(e.getMessage().startsWith("rows from 1024: vectors[26]"), e.getMessage());
      assertEquals(2500 + 1024, index.size());
    }
  }

  @Test
  void perCallEfChangesWorkNotTheIndex() {
    long seed = Seeds.seed("perCallEf");
    Random r = new Random(seed);
    float[][] v = clustered(r, 3000, DIM);
    try (HnswVectorIndex index = HnswVectorIndex.builder(DIM, Similarity.COSINE).m(8).efConstruction(32).build();
        FlatVectorIndex flat = new FlatVectorIndex(DIM, Similarity.COSINE)) {
      fill(index, v);
      fill(flat, v);
      double low = 0;
      double high = 0;
      for (int t = 0; t < 100; t++) {
        float[] q = clustered(r, 1, DIM)[0];
        Set<String> truth = ids(flat.search(q, 10));
        low += overlap(truth, index.search(q, 10, SearchOptions.DEFAULTS.withEf(10)));
        high += overlap(truth, index.search(q, 10, SearchOptions.DEFAULTS.withEfPerK(40)));
      }
      assertTrue(high >= low, "ef 400 recall " + high / 1000 + " < ef 10 recall " + low / 1000 + "; seed " + seed);
      assertTrue(high / 1000 >= 0.95, "recall at ef 400: " + high / 1000 + "; seed " + seed);
      assertEquals(100, index.defaultEf(), "the index default is untouched by per-call options");
    }
  }

  private static int overlap(Set<String> truth, List<Hit> hits) {
    int n = 0;
    for (Hit h : hits) {
      n += truth.contains(h.id()) ? 1 : 0;
    }
    return n;
  }

  /**
   * Hostile files: the checksum is recomputed after the damage, so only the parser's own validation stands between
   * the bytes and the graph. Every outcome must be a clean open or an IndexFormatException.
   */
  @Test
  void hostileFilesWithValidChecksumsAreRejectedOrSafe() throws IOException {
    long seed = Seeds.seed("hostile");
    Random r = new Random(seed);
    Path file = tmp.resolve("good.winnow");
    try (VectorIndex index = fill(create(4, Similarity.COSINE), clustered(r, 200, 4))) {
      index.save(file);
    }
    byte[] good = Files.readAllBytes(file);
    Path bad = tmp.resolve("hostile.winnow");
    int rejected = 0;
    for (int t = 0; t < 300; t++) {
      byte[] b = good.clone();
      int at = 24 + r.nextInt(b.length - 24 - 16);
      if (r.nextBoolean()) {
        b[at] ^= (byte) (1 << r.nextInt(8));
      } else if (at + 4 < b.length - 16) {
        ByteBuffer.wrap(b, at, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(r.nextBoolean() ? Integer.MAX_VALUE : -1 - r.nextInt(5));
      }
      fixChecksum(b);
      Files.write(bad, b);
      try (VectorIndex back = open(bad)) {
        back.search(new float[] {1, 0, 0, 0}, 5); // whatever loaded must be usable
      } catch (IndexFormatException expected) {
        rejected++;
      } catch (Throwable other) {
        throw new AssertionError("byte " + at + ": expected IndexFormatException, got " + other + "; seed " + seed, other);
      }
    }
    assertTrue(rejected > 50, "only " + rejected + " of 300 hostile files rejected; seed " + seed);
  }

  static void fixChecksum(byte[] b) {
    CRC32C crc = new CRC32C();
    crc.update(b, 0, b.length - 8);
    ByteBuffer.wrap(b, b.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());
  }

  /** A Java-serialization gadget-style payload (as a raw stream and inside a valid container) is never deserialized. */
  @Test
  void javaSerializationPayloadsAreNeverDeserialized() throws IOException {
    AtomicInteger deserializations = new AtomicInteger();
    ObjectInputFilter spy = info -> {
      deserializations.incrementAndGet();
      return ObjectInputFilter.Status.REJECTED;
    };
    boolean installed;
    try {
      ObjectInputFilter.Config.setSerialFilter(spy);
      installed = true;
    } catch (IllegalStateException alreadySet) {
      installed = false;
    }
    Path payload = tmp.resolve("gadget.winnow");
    var bytes = new java.io.ByteArrayOutputStream();
    try (ObjectOutputStream oos = new ObjectOutputStream(bytes)) {
      oos.writeObject(new java.util.HashMap<>(java.util.Map.of("gadget", new java.util.PriorityQueue<>(List.of(1, 2)))));
    }
    Files.write(payload, bytes.toByteArray());
    assertThrows(IndexFormatException.class, () -> open(payload));
    // the same payload inside a well-formed container, where a document or graph section would be
    Path file = tmp.resolve("ok.winnow");
    try (VectorIndex index = fill(create(4, Similarity.COSINE), clustered(new Random(9), 10, 4))) {
      index.save(file);
    }
    byte[] good = Files.readAllBytes(file);
    byte[] ser = bytes.toByteArray();
    byte[] mixed = new byte[good.length + ser.length];
    System.arraycopy(good, 0, mixed, 0, 60);
    System.arraycopy(ser, 0, mixed, 60, ser.length);
    System.arraycopy(good, 60, mixed, 60 + ser.length, good.length - 60);
    ByteBuffer.wrap(mixed, mixed.length - 16, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(mixed.length - 16);
    fixChecksum(mixed);
    Files.write(payload, mixed);
    assertThrows(IndexFormatException.class, () -> open(payload));
    try (VectorIndex back = open(file)) {
      assertEquals(10, back.size());
    }
    if (installed) {
      assertEquals(0, deserializations.get(), "opening index files must not run Java deserialization");
    }
  }

  /**
   * Texts stay in the file after open (ids and metadata on the heap): whole documents come back from get, after a
   * compaction of the opened index, and after saving it and opening again.
   */
  @Test
  void textsReadFromTheFileSurviveCompactionAndSave() throws IOException {
    Random r = new Random(11);
    int n = 600;
    float[][] v = clustered(r, n, DIM);
    Path file = tmp.resolve("texts.winnow");
    try (HnswVectorIndex index = HnswVectorIndex.builder(DIM, Similarity.COSINE).compactionThreshold(0.2).build()) {
      for (int i = 0; i < n; i++) {
        String text = i % 10 == 0 ? "" : "passage " + i + " \u00e9\u6f22 " + "x".repeat(i % 50);
        index.add(new Document("doc-" + i, text, doc(i).metadata()), v[i]);
      }
      index.save(file);
    }
    try (HnswVectorIndex back = HnswVectorIndex.open(file)) {
      assertEquals("passage 7 \u00e9\u6f22 " + "x".repeat(7), back.get("doc-7").orElseThrow().text());
      assertEquals("", back.get("doc-10").orElseThrow().text());
      assertEquals(doc(7).metadata(), back.get("doc-7").orElseThrow().metadata());
      assertEquals("doc-7", back.search(v[7], 1).get(0).id());
      for (int i = 0; i < 200; i++) {
        back.delete("doc-" + i); // crosses the compaction threshold: the rebuilt generation keeps texts in the file
      }
      assertTrue(back.graphSize() < n, "compacted");
      assertEquals("passage 321 \u00e9\u6f22 " + "x".repeat(321 % 50), back.get("doc-321").orElseThrow().text());
      back.save(file);
    }
    try (HnswVectorIndex again = HnswVectorIndex.open(file)) {
      assertEquals(n - 200, again.size());
      for (int i = 200; i < n; i += 37) {
        String expected = i % 10 == 0 ? "" : "passage " + i + " \u00e9\u6f22 " + "x".repeat(i % 50);
        assertEquals(expected, again.get("doc-" + i).orElseThrow().text());
      }
    }
  }

  /**
   * A get racing an upsert (or delete) of a document whose text stayed in the file returns the whole document or
   * nothing, never the document with its text missing (the tombstone's text position must outlive its stub).
   */
  @Test
  void getDuringUpsertOfAStoredDocumentKeepsItsText() throws Exception {
    int n = 256;
    float[][] v = clustered(new Random(12), n, DIM);
    Path file = tmp.resolve("race.winnow");
    try (HnswVectorIndex index = HnswVectorIndex.builder(DIM, Similarity.COSINE).m(2).efConstruction(4)
        .compactionThreshold(1.0).build()) {
      for (int i = 0; i < n; i++) {
        index.add(new Document("doc-" + i, "text " + i), v[i]);
      }
      index.save(file);
    }
    AtomicInteger target = new AtomicInteger();
    AtomicInteger torn = new AtomicInteger();
    long end = System.nanoTime() + 2_000_000_000L; // fails within a few rounds when the race is there
    while (System.nanoTime() < end && torn.get() == 0) {
      try (HnswVectorIndex back = HnswVectorIndex.open(file)) {
        AtomicBoolean stop = new AtomicBoolean();
        Thread reader = new Thread(() -> {
          while (!stop.get()) {
            int i = target.get();
            Optional<Document> d = back.get("doc-" + i);
            if (d.isPresent() && !d.get().text().equals("text " + i)) {
              torn.incrementAndGet();
            }
          }
        });
        reader.start();
        try {
          for (int i = 0; i < n; i++) {
            target.set(i);
            for (int spin = 0; spin < 2000; spin++) {
              Thread.onSpinWait(); // let the reader start on this id
            }
            if (i % 2 == 0) {
              back.upsert(new Document("doc-" + i, "text " + i), v[i]);
            } else {
              back.delete("doc-" + i);
            }
          }
        } finally {
          stop.set(true);
          reader.join();
        }
      }
    }
    assertEquals(0, torn.get(), "gets that returned a document without its text");
  }
}
