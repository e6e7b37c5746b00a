package dev.winnow.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.Document;
import dev.winnow.IndexFormatException;
import dev.winnow.Similarity;
import dev.winnow.VectorIndex;
import dev.winnow.index.internal.IndexFile;
import dev.winnow.testing.Seeds;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fuzzes both index readers (docs/reliability.md). From a valid file of each kind: truncations at every byte
 * offset (so at every section boundary), once as a plain cut and once with a valid trailer and checksum after the
 * cut (so the parser, not the checksum, meets the short body); random bit flips; and hostile edits whose checksum
 * is recomputed (bit flips, extreme 32-bit values, byte runs). Every open must end in an
 * {@link IndexFormatException} or a usable index (searches, saves, reopens), never another exception, an error,
 * more than {@link IndexReadBoundsTest#allowance} of allocation, or more than 10 s. Counts are larger with
 * {@code -Preliability}.
 */
class IndexFuzzTest {
  static final int HEADER = IndexFile.HEADER_BYTES;
  static ExecutorService worker;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fuzz-open");
      t.setDaemon(true);
      return t;
    });
  }

  @AfterAll
  static void stop() {
    worker.shutdownNow();
  }

  /** What one open did. */
  enum Outcome { REJECTED, OPENED }

  @ParameterizedTest
  @ValueSource(strings = {"flat", "hnsw", "hnsw-int8"})
  void everyDamagedFileIsRefusedOrSafe(String kind) throws Exception {
    long seed = Seeds.seed("indexFuzz-" + kind);
    Random r = new Random(seed);
    int docs = Reliability.count(24, 300);
    byte[] good = source(kind, docs, r);
    Map<String, int[]> counts = new TreeMap<>();
    // 1. plain truncation: every length near either end, and random lengths between (the container check)
    int cuts = Reliability.count(400, good.length);
    for (int t = 0; t < cuts; t++) {
      int len = t < 64 ? t : t < 128 ? good.length - 128 + t : Reliability.longRun() ? t : r.nextInt(good.length);
      expect(kind, Arrays.copyOf(good, len), "truncated to " + len, counts, "truncation", true, seed);
    }
    // 2. the body cut at every offset, then a valid trailer: the parser meets the short body
    for (int len = HEADER; len < good.length - 16; len++) {
      byte[] b = Arrays.copyOf(good, len + 16);
      ByteBuffer.wrap(b, len, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(len);
      System.arraycopy("XEND".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, b, len + 12, 4);
      IndexBytes.fixChecksum(b);
      expect(kind, b, "body cut at " + len + " with a valid trailer", counts, "cut body, valid checksum", true, seed);
    }
    // 3. random bit flips: the checksum refuses them
    int flips = Reliability.count(300, 3000);
    for (int t = 0; t < flips; t++) {
      byte[] b = good.clone();
      StringBuilder what = new StringBuilder("flipped");
      for (int f = 1 + r.nextInt(3); f > 0 || Arrays.equals(b, good); f--) { // two flips of one bit cancel
        int at = r.nextInt(b.length);
        b[at] ^= (byte) (1 << r.nextInt(8));
        what.append(' ').append(at);
      }
      expect(kind, b, what.toString(), counts, "bit flips", true, seed);
    }
    // 4. hostile edits with a recomputed checksum: refused, or opened and usable
    int hostile = Reliability.count(1500, 20_000);
    for (int t = 0; t < hostile; t++) {
      byte[] b = good.clone();
      String what = edit(b, r);
      IndexBytes.fixChecksum(b);
      expect(kind, b, what, counts, "hostile, valid checksum", false, seed);
    }
    StringBuilder summary = new StringBuilder("IndexFuzzTest " + kind + ": " + good.length + "-byte source, " + docs
        + " documents;");
    int total = 0;
    for (Map.Entry<String, int[]> e : counts.entrySet()) {
      summary.append(' ').append(e.getKey()).append(": ").append(e.getValue()[0] + e.getValue()[1]).append(" files (")
          .append(e.getValue()[0]).append(" refused, ").append(e.getValue()[1]).append(" opened);");
      total += e.getValue()[0] + e.getValue()[1];
    }
    System.out.println(summary + " total " + total + " opens; most allocated by one open: " + maxBytes[0] + " bytes ("
        + maxRatio[0] + "x its " + maxBytes[1] + "-byte file)");
    assertTrue(counts.get("hostile, valid checksum")[0] > hostile / 10, "hostile edits mostly refused: " + summary);
  }

  private final double[] maxRatio = {0};
  private final long[] maxBytes = {0, 0};

  /** Opens {@code bytes} on the worker thread with a time limit and checks the outcome. */
  private void expect(String kind, byte[] bytes, String what, Map<String, int[]> counts, String group,
      boolean mustRefuse, long seed) throws Exception {
    Path file = tmp.resolve("fuzz.winnow");
    Files.write(file, bytes);
    Future<Object[]> f = worker.submit(() -> {
      com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long before = mx.getCurrentThreadAllocatedBytes();
      Outcome outcome;
      try (VectorIndex index = kind.startsWith("hnsw") ? HnswVectorIndex.open(file) : FlatVectorIndex.open(file)) {
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        useAndRoundTrip(index, kind, file.resolveSibling("again.winnow"));
        return new Object[] {Outcome.OPENED, allocated};
      } catch (IndexFormatException e) {
        if (!e.getMessage().contains("fuzz.winnow")) {
          throw new AssertionError("message does not name the file: " + e.getMessage());
        }
        outcome = Outcome.REJECTED;
      }
      return new Object[] {outcome, mx.getCurrentThreadAllocatedBytes() - before};
    });
    Object[] result;
    try {
      result = f.get(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(kind + ", " + what + ": open still running after 10 s; seed " + seed + "\n"
          + Watchdog.dump());
    } catch (ExecutionException e) {
      throw new AssertionError(kind + ", " + what + ": expected IndexFormatException or a usable index, got "
          + e.getCause() + "; seed " + seed, e.getCause());
    }
    Outcome outcome = (Outcome) result[0];
    long allocated = (Long) result[1];
    if (outcome == Outcome.OPENED && mustRefuse) {
      throw new AssertionError(kind + ", " + what + ": a damaged file opened; seed " + seed);
    }
    if (allocated > maxBytes[0]) {
      maxBytes[0] = allocated;
      maxBytes[1] = bytes.length;
      maxRatio[0] = Math.round(10.0 * allocated / Math.max(1, bytes.length)) / 10.0;
    }
    assertTrue(allocated <= IndexReadBoundsTest.allowance(bytes.length),
        kind + ", " + what + ": " + allocated + " bytes allocated for a " + bytes.length + "-byte file; seed " + seed);
    counts.computeIfAbsent(group, g -> new int[2])[outcome == Outcome.REJECTED ? 0 : 1]++;
  }

  /** An opened file must be usable: search, save, and the saved file opens with the same contents. */
  private static void useAndRoundTrip(VectorIndex index, String kind, Path again) throws IOException {
    float[] q = new float[index.dimension()];
    Arrays.fill(q, 0.5f);
    assertTrue(index.search(q, 5).size() <= 5);
    index.save(again);
    try (VectorIndex back = kind.startsWith("hnsw") ? HnswVectorIndex.open(again) : FlatVectorIndex.open(again)) {
      assertEquals(index.size(), back.size());
      assertEquals(index.search(q, 5), back.search(q, 5));
    }
  }

  /** One hostile edit of the body, described. */
  private static String edit(byte[] b, Random r) {
    int bodyEnd = b.length - 16;
    int at = HEADER - 12 + r.nextInt(bodyEnd - HEADER + 12);
    switch (r.nextInt(4)) {
      case 0 -> {
        b[at] ^= (byte) (1 << r.nextInt(8));
        return "hostile bit flip at " + at;
      }
      case 1 -> {
        at = Math.min(at, bodyEnd - 4);
        int[] extremes = {Integer.MAX_VALUE, Integer.MIN_VALUE, -1, 0, 1, 255, 256, 65_536, 1 << 30, b.length,
            Integer.MAX_VALUE - 64};
        int v = extremes[r.nextInt(extremes.length)];
        ByteBuffer.wrap(b, at, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(v);
        return "i32 " + v + " at " + at;
      }
      case 2 -> {
        int n = Math.min(1 + r.nextInt(16), bodyEnd - at);
        byte fill = (byte) (r.nextBoolean() ? 0xff : r.nextInt(256));
        Arrays.fill(b, at, at + n, fill);
        return n + " bytes of " + (fill & 0xff) + " at " + at;
      }
      default -> {
        at = Math.min(at, bodyEnd - 8);
        float[] odd = {Float.NaN, Float.POSITIVE_INFINITY, 1e-40f, -0f, Float.MAX_VALUE};
        float v = odd[r.nextInt(odd.length)];
        ByteBuffer.wrap(b, at, 4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v);
        return "f32 " + v + " at " + at;
      }
    }
  }

  /** A valid file with every feature: all metadata types, unicode, empty text, tombstones and upper levels. */
  private byte[] source(String kind, int n, Random r) throws IOException {
    Path file = tmp.resolve("source-" + kind + ".winnow");
    int dim = 4;
    try (VectorIndex index = kind.equals("hnsw-int8")
        ? HnswVectorIndex.builder(dim, Similarity.COSINE).m(2).efConstruction(8).compactionThreshold(1.0)
            .quantization(Quantization.INT8).quantizeAfter(2).build()
        : kind.equals("hnsw")
        ? HnswVectorIndex.builder(dim, Similarity.COSINE).m(2).efConstruction(8).compactionThreshold(1.0).build()
        : new FlatVectorIndex(dim, Similarity.COSINE)) {
      for (int i = 0; i < n; i++) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("s", "v" + i + " é漢");
        meta.put("b", i % 2 == 0);
        meta.put("i", i);
        meta.put("l", i * 10_000_000_000L);
        meta.put("f", i / 4f);
        meta.put("d", i / 3.0);
        float[] v = new float[dim];
        for (int j = 0; j < dim; j++) {
          v[j] = (float) r.nextGaussian();
        }
        index.add(new Document("id-" + i, i % 5 == 0 ? "" : "text " + i + " ünïcødé", i % 7 == 0 ? Map.of() : meta), v);
      }
      for (int i = 0; i < n; i += 6) {
        index.delete("id-" + i); // tombstones in the HNSW graph
      }
      index.save(file);
    }
    return Files.readAllBytes(file);
  }

}
