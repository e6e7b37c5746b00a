package dev.winnow.bench;

import dev.winnow.Document;
import dev.winnow.Hit;
import dev.winnow.SearchOptions;
import dev.winnow.Similarity;
import dev.winnow.encoders.DjlEncoder;
import dev.winnow.index.HnswVectorIndex;
import dev.winnow.index.HnswlibVectorIndex;
import dev.winnow.index.Kernels;
import dev.winnow.index.Quantization;
import dev.winnow.testing.RealSentences;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.MMapDirectory;

/**
 * How Winnow's HNSW grows: build rate, QPS at recall, heap while built and after a memory-mapped open, open time
 * and file size at 10k / 100k / 1M vectors (M 16, efConstruction 200, {@code --threads} build threads, one search
 * thread, 1,000 held-out queries, exact ground truth).
 *
 * <p>Peers in the same run ({@code --peers lucene,hnswlib,int8}): Lucene 9.12 HNSW (one indexing thread, one
 * segment, written to an {@link MMapDirectory} and opened from it; a set too large for one writer buffer is flushed
 * in several segments and force-merged into one, inside the build time), hnswlib-java 1.2.1 through
 * {@link HnswlibVectorIndex} (heap only; its file is rebuilt on open, so no open figure), and Winnow INT8. RSS is the
 * process's resident set after the engine's searches (VmRSS; mapped file pages the searches touched included).
 *
 * <p>The set: the first {@code --base} (default 50,000) real all-MiniLM-L6-v2 sentence vectors (cache/vectors, as
 * IndexBenchmark), each also in perturbed copies {@code normalize(v + 0.01 g)} with {@code g} standard gaussian per component
 * (noise norm about 0.2, cosine about 0.98 to its original), so that every point sits where real sentences sit.
 * Queries are 1,000 further real vectors, never in the set. Prints a table and a last-line JSON object; {@code
 * --write} puts the table in the "scale" section of docs/benchmarks.md. Not thread-safe (a main).
 *
 * <pre>
 * bench/run-index-benchmark.sh is the launcher pattern; run with the main class dev.winnow.bench.ScaleBenchmark
 *   [--sizes 10000,100000,1000000] [--threads 2] [--base 50000] [--peers lucene,hnswlib,int8] [--write]
 * </pre>
 */
public final class ScaleBenchmark {
  private static final int M = 16;
  private static final int EFC = 200;
  private static final int K = 10;
  private static final int[] EFS = {10, 20, 40, 80, 160, 320};

  public static void main(String[] args) throws Exception {
    int[] sizes = {10_000, 100_000, 1_000_000};
    int threads = Runtime.getRuntime().availableProcessors();
    boolean write = false;
    int base = 50_000;
    List<String> peers = List.of();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--sizes" -> sizes = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--base" -> base = Integer.parseInt(args[++i]);
        case "--peers" -> peers = List.of(args[++i].split(","));
        case "--write" -> write = true;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; expected --sizes N,N,..., --threads T, --base N, --peers lucene,hnswlib,int8, --write");
      }
    }
    for (String p : peers) {
      if (!List.of("lucene", "hnswlib", "int8").contains(p)) {
        throw new IllegalArgumentException("--peers: unknown engine '" + p + "' (lucene, hnswlib, int8)");
      }
    }
    Path root = Paths.get(System.getProperty("winnow.root", ".")).toAbsolutePath().normalize();
    Path data = Paths.get(System.getProperty("winnow.shared", root.resolve("../shared").toString())).resolve("data");
    int queriesN = 1000;
    List<String> sentences = RealSentences.load(data);
    float[][] real = RealSentences.vectors(sentences, base + queriesN, root.resolve("cache/vectors"),
        DjlEncoder::defaultModel);
    float[][] queries = Arrays.copyOfRange(real, base, base + queriesN);
    StringBuilder table = new StringBuilder("| vectors | engine | build s | build items/s | heap B/vector (built) | file B/vector"
        + " | open s | heap B/vector (after open) | RSS MiB | QPS at recall@10 >= 0.95 | QPS at >= 0.98 | recall at ef 20 / 40 / 80 |\n"
        + "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    StringBuilder ratios = new StringBuilder("| vectors | build items/s Winnow / Lucene | QPS at 0.95 Winnow / Lucene |"
        + " QPS at 0.98 Winnow / Lucene | recall at ef 40 Winnow / Lucene | memory B/vector Winnow (built) / (raw floats +"
        + " layer-0 links) |\n|---|---|---|---|---|---|\n");
    List<String> json = new ArrayList<>();
    for (int n : sizes) {
      float[][] set = build(real, base, n);
      log("== " + n + " vectors");
      int[][] truth = truth(set, queries);
      List<Document> docs = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        docs.add(new Document(Integer.toString(i), ""));
      }
      Row win = null;
      Row luc = null;
      for (String engine : concat("winnow", peers)) {
        Row row = switch (engine) {
          case "winnow" -> winnow(root, n, set, docs, queries, truth, threads, Quantization.NONE);
          case "int8" -> winnow(root, n, set, docs, queries, truth, threads, Quantization.INT8);
          case "lucene" -> lucene(root, n, set, queries, truth);
          default -> hnswlib(n, set, docs, queries, truth);
        };
        if (engine.equals("winnow")) {
          win = row;
        } else if (engine.equals("lucene")) {
          luc = row;
        }
        double[] at95 = first(row.curve(), 0.95);
        double[] at98 = first(row.curve(), 0.98);
        table.append(String.format(Locale.ROOT, "| %,d | %s | %.1f | %.0f | %.0f | %s | %s | %s | %.0f | %s | %s | %.3f / %.3f / %.3f |%n",
            n, row.name(), row.buildS(), n / row.buildS(), (double) row.builtHeap() / n,
            row.fileBytes() < 0 ? "-" : String.format(Locale.ROOT, "%.0f", (double) row.fileBytes() / n),
            row.openS() < 0 ? "-" : String.format(Locale.ROOT, "%.2f", row.openS()),
            row.openHeap() < 0 ? "-" : String.format(Locale.ROOT, "%.0f", (double) row.openHeap() / n), row.rss() / 1048576.0,
            at95 == null ? "never" : String.format(Locale.ROOT, "%.0f (ef %.0f)", at95[2], at95[0]),
            at98 == null ? "never" : String.format(Locale.ROOT, "%.0f (ef %.0f)", at98[2], at98[0]),
            row.curve().get(1)[1], row.curve().get(2)[1], row.curve().get(3)[1]));
        StringBuilder c = new StringBuilder();
        for (double[] p : row.curve()) {
          c.append(c.length() == 0 ? "" : ",").append(String.format(Locale.ROOT, "{\"ef\":%.0f,\"recall\":%.4f,\"qps\":%.1f}",
              p[0], p[1], p[2]));
        }
        json.add(String.format(Locale.ROOT, "{\"n\":%d,\"engine\":\"%s\",\"buildS\":%.2f,\"builtHeapBytesPerVector\":%.1f,"
            + "\"fileBytes\":%d,\"openS\":%.3f,\"openHeapBytes\":%d,\"rssBytes\":%d,\"curve\":[%s]}", n, engine, row.buildS(),
            (double) row.builtHeap() / n, row.fileBytes(), row.openS(), row.openHeap(), row.rss(), c));
      }
      if (luc != null) {
        double[] w95 = first(win.curve(), 0.95);
        double[] l95 = first(luc.curve(), 0.95);
        double[] w98 = first(win.curve(), 0.98);
        double[] l98 = first(luc.curve(), 0.98);
        ratios.append(String.format(Locale.ROOT, "| %,d | %.2fx | %s | %s | %.3f / %.3f | %.2f |%n", n, luc.buildS() / win.buildS(),
            w95 == null || l95 == null ? "-" : String.format(Locale.ROOT, "%.2fx", w95[2] / l95[2]),
            w98 == null || l98 == null ? "-" : String.format(Locale.ROOT, "%.2fx", w98[2] / l98[2]),
            win.curve().get(2)[1], luc.curve().get(2)[1], (double) win.builtHeap() / n / (384 * 4 + 4 * (2 * M + 1))));
      }
    }
    String machine = String.format(Locale.ROOT, "%d cores, java %s, kernels %s, max heap %d MiB, build threads %d",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), Kernels.implementation(),
        Runtime.getRuntime().maxMemory() >> 20, threads);
    String command = "java " + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("-X") || a.startsWith("--add")).toList()) + " dev.winnow.bench.ScaleBenchmark "
        + String.join(" ", args);
    System.out.println();
    System.out.print(table);
    if (write) {
      MarkdownSection.write(root.resolve("docs/benchmarks.md"), "scale", "## HNSW at scale (generated by ScaleBenchmark)\n\n"
          + "Set: the first " + String.format(Locale.ROOT, "%,d", base) + " real MiniLM sentence vectors plus perturbed copies normalize(v + 0.01 g) up to the"
          + " size (cosine about 0.98 to the original); 1,000 held-out real queries; exact ground truth. M 16,"
          + " efConstruction 200; searches on one thread against the index as opened from its file (vectors and"
          + " layer-0 links memory-mapped).\n\nMachine: " + machine + "\n\nCommand: `" + command + "`\n\n" + table
          + (peers.contains("lucene") ? "\n" + ratios : ""));
    }
    System.out.println("{\"machine\":\"" + machine + "\",\"m\":" + M + ",\"efConstruction\":" + EFC + ",\"sizes\":["
        + String.join(",", json) + "]}");
  }

  /** One engine's figures at one size; -1 where the engine has no such figure. */
  record Row(String name, double buildS, long builtHeap, long fileBytes, double openS, long openHeap, long rss,
      List<double[]> curve) {}

  private static List<String> concat(String first, List<String> rest) {
    List<String> out = new ArrayList<>();
    out.add(first);
    out.addAll(rest);
    return out;
  }

  private static Row winnow(Path root, int n, float[][] set, List<Document> docs, float[][] queries, int[][] truth,
      int threads, Quantization quantization) throws Exception {
    String name = quantization == Quantization.NONE ? "Winnow HNSW (" + threads + " threads)"
        : "Winnow HNSW INT8 (" + threads + " threads)";
    long heap0 = usedHeap();
    long t0 = System.nanoTime();
    HnswVectorIndex index = HnswVectorIndex.builder(384, Similarity.COSINE).m(M).efConstruction(EFC)
        .initialCapacity(n).buildThreads(threads).quantization(quantization).build();
    index.addAll(docs, set);
    double buildS = secs(t0);
    long builtHeap = usedHeap() - heap0;
    log(String.format(Locale.ROOT, "%s build %.1f s (%.0f items/s), heap %.0f B/vector", name, buildS, n / buildS,
        (double) builtHeap / n));
    Path file = root.resolve("cache/scale-" + n + ".winnow");
    index.save(file);
    index.close();
    index = null;
    long fileBytes = Files.size(file);
    long heap1 = usedHeap();
    t0 = System.nanoTime();
    HnswVectorIndex mapped = HnswVectorIndex.open(file);
    double openS = secs(t0);
    long openHeap = usedHeap() - heap1;
    log(String.format(Locale.ROOT, "open %.2f s, heap %.0f B/vector, file %.0f B/vector", openS,
        (double) openHeap / n, (double) fileBytes / n));
    List<double[]> curve = new ArrayList<>();
    for (int ef : EFS) {
      SearchOptions o = SearchOptions.DEFAULTS.withEf(ef);
      double[] p = measure(queries, truth, q -> mapped.search(q, K, o));
      curve.add(new double[] {ef, p[0], p[1]});
      log(String.format(Locale.ROOT, "%s ef %d recall %.4f QPS %.0f", name, ef, p[0], p[1]));
    }
    long rss = rss();
    mapped.close();
    Files.deleteIfExists(file);
    return new Row(name, buildS, builtHeap, fileBytes, openS, openHeap, rss, curve);
  }

  private static Row lucene(Path root, int n, float[][] set, float[][] queries, int[][] truth) throws Exception {
    Path dirPath = root.resolve("cache/scale-lucene-" + n);
    deleteTree(dirPath);
    long heap0 = usedHeap();
    long t0 = System.nanoTime();
    long builtHeap;
    try (MMapDirectory dir = new MMapDirectory(dirPath)) {
      // one segment when one writer thread's buffer (at most 2047 MB) holds the whole set; else the flushed
      // segments are force-merged into one inside the timed build (Lucene then rebuilds from the largest graph)
      IndexWriterConfig cfg = new IndexWriterConfig().setRAMBufferSizeMB(2040).setRAMPerThreadHardLimitMB(2047)
          .setMergePolicy(new TieredMergePolicy())
          .setUseCompoundFile(false).setCodec(new Lucene912Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
              return new Lucene99HnswVectorsFormat(M, EFC);
            }
          });
      try (IndexWriter w = new IndexWriter(dir, cfg)) {
        for (float[] v : set) {
          org.apache.lucene.document.Document d = new org.apache.lucene.document.Document();
          d.add(new KnnFloatVectorField("v", Kernels.stored(Similarity.COSINE, v), VectorSimilarityFunction.DOT_PRODUCT));
          w.addDocument(d);
        }
        builtHeap = usedHeap() - heap0; // the buffered vectors and graph, before the flush writes them
        w.commit();
        int segments;
        try (DirectoryReader r = DirectoryReader.open(w)) {
          segments = r.leaves().size();
        }
        if (segments > 1) {
          log("lucene: " + segments + " segments flushed; force-merging into one (counted in build time)");
          w.forceMerge(1);
          w.commit();
        }
      }
    }
    double buildS = secs(t0);
    long fileBytes = 0;
    try (var files = Files.list(dirPath)) {
      for (Path f : files.toList()) {
        fileBytes += Files.size(f);
      }
    }
    log(String.format(Locale.ROOT, "lucene build %.1f s (%.0f items/s, 1 thread), %.0f B/vector on disk", buildS,
        n / buildS, (double) fileBytes / n));
    long heap1 = usedHeap();
    t0 = System.nanoTime();
    MMapDirectory dir = new MMapDirectory(dirPath);
    DirectoryReader reader = DirectoryReader.open(dir);
    double openS = secs(t0);
    long openHeap = usedHeap() - heap1;
    if (reader.leaves().size() != 1) {
      throw new IllegalStateException("expected one Lucene segment, got " + reader.leaves().size());
    }
    LeafReader leaf = reader.leaves().get(0).reader();
    List<double[]> curve = new ArrayList<>();
    for (int ef : EFS) {
      double[] p = measure(queries, truth, q -> {
        try {
          TopDocs td = leaf.searchNearestVectors("v", Kernels.stored(Similarity.COSINE, q), ef, null, Integer.MAX_VALUE);
          List<Hit> hits = new ArrayList<>(K);
          ScoreDoc[] sd = td.scoreDocs;
          for (int i = 0; i < Math.min(K, sd.length); i++) {
            hits.add(new Hit(Integer.toString(sd[i].doc), sd[i].score));
          }
          return hits;
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      curve.add(new double[] {ef, p[0], p[1]});
      log(String.format(Locale.ROOT, "lucene ef %d recall %.4f QPS %.0f", ef, p[0], p[1]));
    }
    long rss = rss();
    reader.close();
    dir.close();
    deleteTree(dirPath);
    return new Row("Lucene 9.12 HNSW (1 thread)", buildS, builtHeap, fileBytes, openS, openHeap, rss, curve);
  }

  private static Row hnswlib(int n, float[][] set, List<Document> docs, float[][] queries, int[][] truth)
      throws Exception {
    long heap0 = usedHeap();
    long t0 = System.nanoTime();
    HnswlibVectorIndex hl = HnswlibVectorIndex.create(384, Similarity.COSINE, M, EFC, 100);
    hl.addAll(docs, set);
    double buildS = secs(t0);
    long builtHeap = usedHeap() - heap0;
    log(String.format(Locale.ROOT, "hnswlib build %.1f s (%.0f items/s), heap %.0f B/vector", buildS, n / buildS,
        (double) builtHeap / n));
    List<double[]> curve = new ArrayList<>();
    for (int ef : EFS) {
      SearchOptions o = SearchOptions.DEFAULTS.withEf(ef);
      double[] p = measure(queries, truth, q -> hl.search(q, K, o));
      curve.add(new double[] {ef, p[0], p[1]});
      log(String.format(Locale.ROOT, "hnswlib ef %d recall %.4f QPS %.0f", ef, p[0], p[1]));
    }
    long rss = rss();
    hl.close();
    return new Row("hnswlib-java 1.2.1 (" + Runtime.getRuntime().availableProcessors() + " threads)", buildS, builtHeap,
        -1, -1, -1, rss, curve);
  }

  /** The process's resident set (VmRSS), or -1 off Linux. */
  static long rss() throws java.io.IOException {
    Path status = Paths.get("/proc/self/status");
    if (!Files.exists(status)) {
      return -1;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** The first {@code n} vectors of the set: originals first, then perturbed copies round by round. */
  static float[][] build(float[][] real, int base, int n) {
    float[][] out = new float[n][];
    Random r = new Random(17);
    for (int i = 0; i < n; i++) {
      float[] v = real[i % base];
      if (i < base) {
        out[i] = v;
        continue;
      }
      float[] p = new float[v.length];
      for (int j = 0; j < p.length; j++) {
        p[j] = v[j] + 0.01f * (float) r.nextGaussian();
      }
      out[i] = Kernels.stored(Similarity.COSINE, p);
    }
    return out;
  }

  /** Exact top-10 node numbers per query, in parallel over queries. */
  static int[][] truth(float[][] set, float[][] queries) {
    long t0 = System.nanoTime();
    float[][] units = Arrays.stream(set).map(v -> Kernels.stored(Similarity.COSINE, v)).toArray(float[][]::new);
    int[][] out = new int[queries.length][];
    IntStream.range(0, queries.length).parallel().forEach(q -> {
      float[] u = Kernels.stored(Similarity.COSINE, queries[q]);
      float[] best = new float[K];
      int[] ids = new int[K];
      Arrays.fill(best, Float.NEGATIVE_INFINITY);
      for (int i = 0; i < units.length; i++) {
        float s = Kernels.dot(u, units[i]);
        if (s > best[K - 1]) {
          int j = K - 1;
          while (j > 0 && best[j - 1] < s) {
            best[j] = best[j - 1];
            ids[j] = ids[j - 1];
            j--;
          }
          best[j] = s;
          ids[j] = i;
        }
      }
      out[q] = ids;
    });
    log(String.format(Locale.ROOT, "ground truth: %.1f s", secs(t0)));
    return out;
  }

  interface Search {
    List<Hit> top(float[] q);
  }

  /** recall, median QPS of three passes after a warm-up pass. */
  static double[] measure(float[][] queries, int[][] truth, Search s) {
    for (float[] q : queries) {
      s.top(q);
    }
    double[] qps = new double[3];
    int found = 0;
    for (int r = 0; r < 3; r++) {
      long t0 = System.nanoTime();
      int f = 0;
      for (int i = 0; i < queries.length; i++) {
        for (Hit h : s.top(queries[i])) {
          int id = Integer.parseInt(h.id());
          for (int t : truth[i]) {
            if (t == id) {
              f++;
              break;
            }
          }
        }
      }
      qps[r] = queries.length / secs(t0);
      found = f;
    }
    Arrays.sort(qps);
    return new double[] {found / (double) (queries.length * K), qps[1]};
  }

  static double[] first(List<double[]> curve, double target) {
    for (double[] p : curve) {
      if (p[1] >= target) {
        return p;
      }
    }
    return null;
  }

  static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  static long usedHeap() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  static void log(String s) {
    System.err.println(s);
  }
}
