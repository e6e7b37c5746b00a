package dev.winnow.bench;

import dev.winnow.Document;
import dev.winnow.Hit;
import dev.winnow.SearchOptions;
import dev.winnow.Similarity;
import dev.winnow.encoders.DjlEncoder;
import dev.winnow.index.FlatVectorIndex;
import dev.winnow.index.HnswVectorIndex;
import dev.winnow.index.Kernels;
import dev.winnow.index.Quantization;
import dev.winnow.testing.RealSentences;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * INT8 against float HNSW (issue 11's compressed-vector targets), on the real all-MiniLM-L6-v2 vectors, in one
 * interleaved run: two indexes with the same settings (M 16, efConstruction 200, seed 42), searched from the heap
 * as built and memory-mapped after save and open, single-threaded, recall@10 against exact search at each ef. QPS
 * is the median of {@code --repeats} passes, the four variants alternating within each pass so that machine noise
 * hits them alike.
 *
 * <p>Memory: the bytes of vectors each index's graph walk reads (float: 4 × dimension a node; int8: dimension + 4),
 * and, for the mapped indexes, the resident set of each file section after the searches, read from
 * {@code /proc/self/smaps} (the pages this process touched; opening touches none of the vector or code pages).
 *
 * <pre>
 * MAIN=dev.winnow.bench.QuantizationBenchmark bench/run-index-benchmark.sh [--queries 1000] [--repeats 5] [--write]
 * </pre>
 *
 * Prints a table, then one JSON object as the last line; {@code --write} rewrites the quantization section of
 * {@code docs/benchmarks.md} (one per Java feature version). Not thread-safe (a main).
 */
public final class QuantizationBenchmark {
  private static final int M = 16;
  private static final int EF_CONSTRUCTION = 200;
  private static final int K = 10;
  private static final int[] EFS = {16, 24, 32, 48, 64, 100, 160, 250};

  private QuantizationBenchmark() {}

  interface Searcher {
    List<Hit> top(float[] q, int ef);
  }

  public static void main(String[] args) throws Exception {
    int queries = 1000;
    int repeats = 5;
    int threads = 2;
    int real = Integer.MAX_VALUE;
    boolean write = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--queries" -> queries = Integer.parseInt(args[++i]);
        case "--repeats" -> repeats = Integer.parseInt(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--real" -> real = Integer.parseInt(args[++i]);
        case "--write" -> write = true;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Path root = Paths.get(System.getProperty("winnow.root", ".")).toAbsolutePath().normalize();
    Path data = Paths.get(System.getProperty("winnow.shared", root.resolve("../shared").toString())).resolve("data");
    List<String> sentences = RealSentences.load(data);
    int n = Math.min(real, sentences.size() - queries);
    float[][] all = RealSentences.vectors(sentences, n + queries, root.resolve("cache/vectors"), DjlEncoder::defaultModel);
    float[][] corpus = Arrays.copyOf(all, n);
    float[][] qs = Arrays.copyOfRange(all, n, n + queries);
    int dim = corpus[0].length;
    List<Document> docs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      docs.add(new Document(Integer.toString(i), ""));
    }
    log("== " + n + " x " + dim + " real MiniLM vectors, " + queries + " queries, kernels " + Kernels.implementation());

    int[][] truth = new int[queries][];
    try (FlatVectorIndex flat = new FlatVectorIndex(dim, Similarity.COSINE)) {
      flat.addAll(docs, corpus);
      for (int q = 0; q < queries; q++) {
        truth[q] = flat.search(qs[q], K).stream().mapToInt(h -> Integer.parseInt(h.id())).toArray();
      }
    }

    double[] build = new double[2];
    HnswVectorIndex[] heap = new HnswVectorIndex[2];
    Path[] files = {root.resolve("cache/bench-quant-f32.winnow"), root.resolve("cache/bench-quant-int8.winnow")};
    for (int v = 0; v < 2; v++) {
      long t0 = System.nanoTime();
      heap[v] = HnswVectorIndex.builder(dim, Similarity.COSINE).m(M).efConstruction(EF_CONSTRUCTION)
          .initialCapacity(n).buildThreads(threads).seed(42)
          .quantization(v == 0 ? Quantization.NONE : Quantization.INT8).build();
      heap[v].addAll(docs, corpus);
      build[v] = (System.nanoTime() - t0) / 1e9;
      log(String.format(Locale.ROOT, "%s build %.1f s (%.0f items/s)", v == 0 ? "float" : "int8", build[v], n / build[v]));
      heap[v].save(files[v]);
    }
    double[] open = new double[2];
    HnswVectorIndex[] mapped = new HnswVectorIndex[2];
    for (int v = 0; v < 2; v++) {
      long t0 = System.nanoTime();
      mapped[v] = HnswVectorIndex.open(files[v]);
      open[v] = (System.nanoTime() - t0) / 1e9;
    }
    String[] names = {"float (heap)", "int8 (heap)", "float (mapped)", "int8 (mapped)"};
    HnswVectorIndex[] all4 = {heap[0], heap[1], mapped[0], mapped[1]};

    // warm-up: every variant, every ef, once
    for (HnswVectorIndex index : all4) {
      for (int ef : EFS) {
        for (float[] q : qs) {
          index.search(q, K, SearchOptions.DEFAULTS.withEf(ef));
        }
      }
    }
    double[][] recall = new double[4][EFS.length];
    double[][][] qps = new double[4][EFS.length][repeats];
    for (int r = 0; r < repeats; r++) {
      for (int e = 0; e < EFS.length; e++) {
        SearchOptions o = SearchOptions.DEFAULTS.withEf(EFS[e]);
        for (int v = 0; v < 4; v++) {
          long t0 = System.nanoTime();
          int found = 0;
          for (int q = 0; q < queries; q++) {
            List<Hit> hits = all4[v].search(qs[q], K, o);
            for (Hit h : hits) {
              int id = Integer.parseInt(h.id());
              for (int t : truth[q]) {
                if (t == id) {
                  found++;
                  break;
                }
              }
            }
          }
          qps[v][e][r] = queries / ((System.nanoTime() - t0) / 1e9);
          recall[v][e] = found / (double) (queries * K);
        }
      }
      log("pass " + (r + 1) + "/" + repeats + " done");
    }
    double[][] med = new double[4][EFS.length];
    for (int v = 0; v < 4; v++) {
      for (int e = 0; e < EFS.length; e++) {
        double[] s = qps[v][e].clone();
        Arrays.sort(s);
        med[v][e] = s[s.length / 2];
      }
    }
    System.gc();
    System.gc();
    long[][] resident = {residentBySection(files[0]), residentBySection(files[1])};
    long floatBytes = (long) n * dim * 4;
    long codeBytes = (long) n * (dim + 4);

    StringBuilder t = new StringBuilder();
    t.append(String.format(Locale.ROOT, "%d real MiniLM vectors x %d, %d held-out queries, k=%d, M=%d, efConstruction=%d,"
        + " %d build threads, 1 search thread, int8 rescoring k x %d = %d candidates; %s, %s.%n%n", n, dim, queries, K, M,
        EF_CONSTRUCTION, threads, heap[1].rescoreOversample(), K * heap[1].rescoreOversample(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"), Kernels.implementation()));
    t.append("| ef |");
    for (String s : names) {
      t.append(' ').append(s).append(" recall | QPS |");
    }
    t.append("\n|---|").append("---|---|".repeat(4)).append('\n');
    for (int e = 0; e < EFS.length; e++) {
      t.append("| ").append(EFS[e]).append(" |");
      for (int v = 0; v < 4; v++) {
        t.append(String.format(Locale.ROOT, " %.4f | %.0f |", recall[v][e], med[v][e]));
      }
      t.append('\n');
    }
    t.append("\n| at recall@10 | float heap | int8 heap | int8 / float | float mapped | int8 mapped | int8 / float (mapped) |\n"
        + "|---|---|---|---|---|---|---|\n");
    StringBuilder json = new StringBuilder("{\"n\":" + n + ",\"queries\":" + queries + ",\"java\":\""
        + System.getProperty("java.version") + "\",\"kernels\":\"" + Kernels.implementation() + "\"");
    for (double target : new double[] {0.95, 0.98}) {
      double[] at = new double[4];
      for (int v = 0; v < 4; v++) {
        at[v] = qpsAt(recall[v], med[v], target);
      }
      t.append(String.format(Locale.ROOT, "| ≥ %.2f (interpolated QPS) | %.0f | %.0f | %.2fx | %.0f | %.0f | %.2fx |%n", target,
          at[0], at[1], at[1] / at[0], at[2], at[3], at[3] / at[2]));
      json.append(String.format(Locale.ROOT, ",\"qpsAt%d\":{\"floatHeap\":%.0f,\"int8Heap\":%.0f,\"floatMapped\":%.0f,"
          + "\"int8Mapped\":%.0f}", Math.round(target * 100), at[0], at[1], at[2], at[3]));
    }
    int e98 = -1;
    for (int e = 0; e < EFS.length && e98 < 0; e++) {
      if (recall[0][e] >= 0.98) {
        e98 = e;
      }
    }
    if (e98 >= 0) {
      t.append(String.format(Locale.ROOT, "%nAt ef %d, the first where float reaches recall@10 0.98 (%.4f): int8 %.4f"
          + " (heap), %.4f (mapped).%n", EFS[e98], recall[0][e98], recall[1][e98], recall[3][e98]));
      json.append(String.format(Locale.ROOT, ",\"efFloat098\":%d,\"recallFloat\":%.4f,\"recallInt8\":%.4f",
          EFS[e98], recall[0][e98], recall[1][e98]));
    }
    t.append(String.format(Locale.ROOT, "%n| memory | float | int8 | int8 / float |%n|---|---|---|---|%n"
            + "| vector bytes the graph walk reads | %.1f MiB | %.1f MiB (codes + norms) | %.3f |%n"
            + "| resident after the searches, vectors section (mapped) | %.1f MiB | %.1f MiB (rescoring reads) | |%n"
            + "| resident after the searches, codes + norms (mapped) | - | %.1f MiB | |%n"
            + "| resident vector memory during search (mapped) | %.1f MiB | %.1f MiB | %.3f |%n"
            + "| heap of the graph after open | %.1f MiB | %.1f MiB | |%n"
            + "| file | %.1f MiB | %.1f MiB | |%n"
            + "| open | %.2f s | %.2f s | |%n"
            + "| build | %.1f s (%.0f items/s) | %.1f s (%.0f items/s) | %.2f |%n",
        mib(floatBytes), mib(codeBytes), (double) codeBytes / floatBytes,
        mib(resident[0][0]), mib(resident[1][0]), mib(resident[1][6] + resident[1][7]),
        mib(resident[0][0]), mib(resident[1][0] + resident[1][6] + resident[1][7]),
        (double) (resident[1][0] + resident[1][6] + resident[1][7]) / Math.max(1, resident[0][0]),
        mib(mapped[0].graphHeapBytes()), mib(mapped[1].graphHeapBytes()), mib(Files.size(files[0])),
        mib(Files.size(files[1])), open[0], open[1], build[0], n / build[0], build[1], n / build[1], build[1] / build[0]));
    json.append(String.format(Locale.ROOT, ",\"walkBytes\":{\"float\":%d,\"int8\":%d},\"residentVectors\":{\"float\":%d,"
            + "\"int8Floats\":%d,\"int8Codes\":%d},\"buildS\":{\"float\":%.1f,\"int8\":%.1f},\"openS\":{\"float\":%.2f,"
            + "\"int8\":%.2f},\"fileBytes\":{\"float\":%d,\"int8\":%d}}", floatBytes, codeBytes, resident[0][0], resident[1][0],
        resident[1][6] + resident[1][7], build[0], build[1], open[0], open[1], Files.size(files[0]), Files.size(files[1])));
    for (HnswVectorIndex i : all4) {
      i.close();
    }
    System.out.println(t);
    if (write) {
      String feature = Integer.toString(Runtime.version().feature());
      MarkdownSection.write(root.resolve("docs/benchmarks.md"), "quantization-java" + feature,
          "## INT8 quantization, Java " + feature + " (generated by QuantizationBenchmark)\n\nCommand: `MAIN=dev.winnow.bench."
              + "QuantizationBenchmark " + (feature.equals("17") ? "" : "JAVA=<java " + feature + "> ")
              + "bench/run-index-benchmark.sh " + String.join(" ", args) + "`\n\n" + t);
    }
    System.out.println(json);
  }

  /** Linear interpolation of QPS at {@code target} recall along the ef curve (NaN if never reached). */
  static double qpsAt(double[] recall, double[] qps, double target) {
    for (int e = 0; e < recall.length; e++) {
      if (recall[e] >= target) {
        if (e == 0) {
          return qps[0];
        }
        double f = (target - recall[e - 1]) / (recall[e] - recall[e - 1]);
        return qps[e - 1] + f * (qps[e] - qps[e - 1]);
      }
    }
    return Double.NaN;
  }

  /**
   * Resident bytes of {@code file}'s mappings in this process, by the section (table in the file header) each
   * mapping starts in; mappings larger than 64 MiB (the temporary whole-section mappings of the checksum pass, if
   * not yet unmapped) are left out.
   */
  static long[] residentBySection(Path file) throws IOException {
    long[] offsets = new long[8];
    long[] lengths = new long[8];
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer head = ByteBuffer.allocate(88 + 8 * 24).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(head, 0);
      for (int s = 0; s < 8; s++) {
        offsets[s] = head.getLong(88 + 24 * s);
        lengths[s] = head.getLong(88 + 24 * s + 8);
      }
    }
    long[] out = new long[8];
    Path smaps = Paths.get("/proc/self/smaps");
    if (!Files.exists(smaps)) {
      return out;
    }
    String name = file.toRealPath().toString();
    long offset = -1;
    long size = 0;
    for (String line : Files.readAllLines(smaps, StandardCharsets.UTF_8)) {
      if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
        String[] f = line.split("\\s+");
        String[] range = f[0].split("-");
        size = Long.parseUnsignedLong(range[1], 16) - Long.parseUnsignedLong(range[0], 16);
        offset = line.endsWith(name) ? Long.parseLong(f[2], 16) : -1;
      } else if (offset >= 0 && line.startsWith("Rss:") && size <= (64L << 20)) {
        long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
        for (int s = 7; s >= 0; s--) {
          if (lengths[s] > 0 && offset >= offsets[s] - (offsets[s] % 4096)) {
            out[s] += kb * 1024;
            break;
          }
        }
      }
    }
    return out;
  }

  private static double mib(long b) {
    return b / (1024.0 * 1024);
  }

  private static void log(String s) {
    System.err.println(s);
  }
}
