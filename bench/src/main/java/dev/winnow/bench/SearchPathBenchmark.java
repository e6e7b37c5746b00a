package dev.winnow.bench;

import dev.winnow.Document;
import dev.winnow.SearchOptions;
import dev.winnow.Similarity;
import dev.winnow.encoders.DjlEncoder;
import dev.winnow.index.HnswVectorIndex;
import dev.winnow.index.Kernels;
import dev.winnow.testing.RealSentences;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The cost of Winnow's HNSW search path on one index, heap against memory-mapped: builds ScaleBenchmark's set of
 * {@code --size} vectors (M 16, efConstruction 200, 2 build threads), measures QPS and recall@10 at ef 40 and 160 on
 * the heap index, saves it, opens it (vectors and layer-0 links mapped) and measures the same, {@code --rounds}
 * times each (median reported), one search thread, 1,000 held-out queries.
 *
 * <p>For A/B comparisons of the search path, run it once per JVM setting and compare the medians:
 * {@code -Dwinnow.vector=array} (mapped vectors copied to a scratch array per score, as on Java 21+),
 * {@code -Dwinnow.touch=false} (no touching of a node's unvisited neighbours before scoring them). Runs on a
 * shared machine differ by 10 % or more; alternate the settings and repeat. Prints a table, and as the last line of
 * stdout one JSON object. Not thread-safe (a main).
 *
 * <pre>
 * SKIP_BUILD=1 MAIN=dev.winnow.bench.SearchPathBenchmark bench/run-index-benchmark.sh [--size 100000] [--rounds 3]
 * SKIP_BUILD=1 JAVA_OPTS=-Dwinnow.touch=false MAIN=dev.winnow.bench.SearchPathBenchmark bench/run-index-benchmark.sh
 * </pre>
 */
public final class SearchPathBenchmark {
  private SearchPathBenchmark() {}

  public static void main(String[] args) throws Exception {
    int n = 100_000;
    int rounds = 3;
    int base = 88_606;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--size" -> n = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--base" -> base = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; expected --size N, --rounds R, --base N");
      }
    }
    if (n < 1 || rounds < 1) {
      throw new IllegalArgumentException("--size and --rounds must be >= 1, got " + n + " and " + rounds);
    }
    Path root = Paths.get(System.getProperty("winnow.root", ".")).toAbsolutePath().normalize();
    Path data = Paths.get(System.getProperty("winnow.shared", root.resolve("../shared").toString())).resolve("data");
    List<String> sentences = RealSentences.load(data);
    float[][] real = RealSentences.vectors(sentences, base + 1000, root.resolve("cache/vectors"),
        DjlEncoder::defaultModel);
    float[][] queries = Arrays.copyOfRange(real, base, base + 1000);
    float[][] set = ScaleBenchmark.build(real, base, n);
    int[][] truth = ScaleBenchmark.truth(set, queries);
    List<Document> docs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      docs.add(new Document(Integer.toString(i), ""));
    }
    log("building " + n + " vectors");
    HnswVectorIndex heap = HnswVectorIndex.builder(384, Similarity.COSINE).m(16).efConstruction(200)
        .initialCapacity(n).buildThreads(2).build();
    heap.addAll(docs, set);
    Path file = root.resolve("cache/search-path-" + n + ".winnow");
    heap.save(file);
    int[] efs = {40, 160};
    String[] names = {"heap", "mapped"};
    double[][][] qps = new double[2][efs.length][rounds];
    double[][] recall = new double[2][efs.length];
    try (HnswVectorIndex mapped = HnswVectorIndex.open(file)) {
      HnswVectorIndex[] idx = {heap, mapped};
      for (int r = 0; r < rounds; r++) {
        for (int w = 0; w < 2; w++) {
          int which = (w + r) % 2; // alternate which goes first
          for (int e = 0; e < efs.length; e++) {
            SearchOptions o = SearchOptions.DEFAULTS.withEf(efs[e]);
            HnswVectorIndex index = idx[which];
            double[] p = ScaleBenchmark.measure(queries, truth, q -> index.search(q, 10, o));
            qps[which][e][r] = p[1];
            recall[which][e] = p[0];
            log(String.format(Locale.ROOT, "round %d %s ef %d recall %.4f QPS %.0f", r, names[which], efs[e], p[0],
                p[1]));
          }
        }
      }
    } finally {
      heap.close();
      Files.deleteIfExists(file);
    }
    String setting = "vector=" + System.getProperty("winnow.vector", "default") + ", touch="
        + System.getProperty("winnow.touch", "true");
    String machine = String.format(Locale.ROOT, "%d cores, java %s, kernels %s, %s",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), Kernels.implementation(),
        setting);
    System.out.println("Machine: " + machine + "\n");
    System.out.println("| index | ef | recall@10 | QPS (median of " + rounds + ") |");
    System.out.println("|---|---|---|---|");
    StringBuilder json = new StringBuilder();
    for (int which = 0; which < 2; which++) {
      for (int e = 0; e < efs.length; e++) {
        double[] q = qps[which][e].clone();
        Arrays.sort(q);
        double median = q[q.length / 2];
        System.out.printf(Locale.ROOT, "| %s | %d | %.4f | %.0f |%n", names[which], efs[e], recall[which][e], median);
        json.append(json.length() == 0 ? "" : ",").append(String.format(Locale.ROOT,
            "{\"index\":\"%s\",\"ef\":%d,\"recall\":%.4f,\"qps\":%.1f}", names[which], efs[e], recall[which][e],
            median));
      }
    }
    System.out.println("{\"n\":" + n + ",\"machine\":\"" + machine + "\",\"rows\":[" + json + "]}");
  }

  private static void log(String s) {
    System.err.println(s);
  }
}
