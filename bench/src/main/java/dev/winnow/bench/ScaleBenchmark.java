package dev.winnow.bench;

import dev.winnow.Document;
import dev.winnow.Hit;
import dev.winnow.SearchOptions;
import dev.winnow.Similarity;
import dev.winnow.encoders.DjlEncoder;
import dev.winnow.index.HnswVectorIndex;
import dev.winnow.index.Kernels;
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

/**
 * How Winnow's HNSW grows: build rate, QPS at recall, heap while built and after a memory-mapped open, open time
 * and file size at 10k / 100k / 1M vectors (M 16, efConstruction 200, {@code --threads} build threads, one search
 * thread, 1,000 held-out queries, exact ground truth).
 *
 * <p>The set: the first 50,000 real all-MiniLM-L6-v2 sentence vectors (cache/vectors, as IndexBenchmark), each
 * also in up to 19 perturbed copies {@code normalize(v + 0.01 g)} with {@code g} standard gaussian per component
 * (noise norm about 0.2, cosine about 0.98 to its original), so that every point sits where real sentences sit.
 * Queries are 1,000 further real vectors, never in the set. Prints a table and a last-line JSON object; {@code
 * --write} puts the table in the "scale" section of docs/benchmarks.md. Not thread-safe (a main).
 *
 * <pre>
 * bench/run-index-benchmark.sh is the launcher pattern; run with the main class dev.winnow.bench.ScaleBenchmark
 *   [--sizes 10000,100000,1000000] [--threads 2] [--write]
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
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--sizes" -> sizes = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--write" -> write = true;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; expected --sizes N,N,..., --threads T, --write");
      }
    }
    Path root = Paths.get(System.getProperty("winnow.root", ".")).toAbsolutePath().normalize();
    Path data = Paths.get(System.getProperty("winnow.shared", root.resolve("../shared").toString())).resolve("data");
    int base = 50_000;
    int queriesN = 1000;
    List<String> sentences = RealSentences.load(data);
    float[][] real = RealSentences.vectors(sentences, base + queriesN, root.resolve("cache/vectors"),
        DjlEncoder::defaultModel);
    float[][] queries = Arrays.copyOfRange(real, base, base + queriesN);
    StringBuilder table = new StringBuilder("| vectors | build s | build items/s | heap B/vector (built) | file B/vector"
        + " | open s | heap B/vector (after open) | QPS at recall@10 >= 0.95 | QPS at >= 0.98 | recall at ef 20 / 40 / 80 |\n"
        + "|---|---|---|---|---|---|---|---|---|---|\n");
    List<String> json = new ArrayList<>();
    for (int n : sizes) {
      float[][] set = build(real, base, n);
      log("== " + n + " vectors");
      int[][] truth = truth(set, queries);
      List<Document> docs = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        docs.add(new Document(Integer.toString(i), ""));
      }
      long heap0 = usedHeap();
      long t0 = System.nanoTime();
      HnswVectorIndex index = HnswVectorIndex.builder(384, Similarity.COSINE).m(M).efConstruction(EFC)
          .initialCapacity(n).buildThreads(threads).build();
      index.addAll(docs, set);
      double buildS = secs(t0);
      long builtHeap = usedHeap() - heap0;
      log(String.format(Locale.ROOT, "build %.1f s (%.0f items/s), heap %.0f B/vector", buildS, n / buildS,
          (double) builtHeap / n));
      Path file = root.resolve("cache/scale-" + n + ".winnow");
      index.save(file);
      index.close();
      index = null;
      set = null;
      docs = null;
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
        log(String.format(Locale.ROOT, "ef %d recall %.4f QPS %.0f", ef, p[0], p[1]));
      }
      mapped.close();
      Files.deleteIfExists(file);
      double[] at95 = first(curve, 0.95);
      double[] at98 = first(curve, 0.98);
      table.append(String.format(Locale.ROOT, "| %,d | %.1f | %.0f | %.0f | %.0f | %.2f | %.0f | %s | %s | %.3f / %.3f / %.3f |%n",
          n, buildS, n / buildS, (double) builtHeap / n, (double) fileBytes / n, openS, (double) openHeap / n,
          at95 == null ? "never" : String.format(Locale.ROOT, "%.0f (ef %.0f)", at95[2], at95[0]),
          at98 == null ? "never" : String.format(Locale.ROOT, "%.0f (ef %.0f)", at98[2], at98[0]),
          curve.get(1)[1], curve.get(2)[1], curve.get(3)[1]));
      StringBuilder c = new StringBuilder();
      for (double[] p : curve) {
        c.append(c.length() == 0 ? "" : ",").append(String.format(Locale.ROOT, "{\"ef\":%.0f,\"recall\":%.4f,\"qps\":%.1f}",
            p[0], p[1], p[2]));
      }
      json.add(String.format(Locale.ROOT, "{\"n\":%d,\"buildS\":%.2f,\"builtHeapBytesPerVector\":%.1f,\"fileBytes\":%d,"
          + "\"openS\":%.3f,\"openHeapBytes\":%d,\"curve\":[%s]}", n, buildS, (double) builtHeap / n, fileBytes, openS,
          openHeap, c));
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
          + "Set: the first 50,000 real MiniLM sentence vectors plus perturbed copies normalize(v + 0.01 g) up to the"
          + " size (cosine about 0.98 to the original); 1,000 held-out real queries; exact ground truth. M 16,"
          + " efConstruction 200; searches on one thread against the index as opened from its file (vectors and"
          + " layer-0 links memory-mapped).\n\nMachine: " + machine + "\n\nCommand: `" + command + "`\n\n" + table);
    }
    System.out.println("{\"machine\":\"" + machine + "\",\"m\":" + M + ",\"efConstruction\":" + EFC + ",\"sizes\":["
        + String.join(",", json) + "]}");
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
