package dev.winnow.bench;

import dev.winnow.Document;
import dev.winnow.Hit;
import dev.winnow.SearchOptions;
import dev.winnow.Similarity;
import dev.winnow.encoders.DjlEncoder;
import dev.winnow.index.FlatVectorIndex;
import dev.winnow.index.HnswVectorIndex;
import dev.winnow.index.HnswlibVectorIndex;
import dev.winnow.index.Kernels;
import dev.winnow.testing.RealSentences;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * Vector index benchmark: Winnow's HNSW (hnswlib-built graph, Winnow searcher) against Lucene 9.12 HNSW and exact
 * search, on real all-MiniLM-L6-v2 vectors of real sentences and on a synthetic clustered set. Reports build
 * rate, QPS and recall@10 over ef, memory per vector, save/open time, and the Vector-API distance evaluation.
 * Prints a table, then one JSON object as the last line; {@code --write} also rewrites the index section of
 * {@code docs/benchmarks.md}.
 *
 * <pre>
 * mvn -B -q -pl bench -am package -DskipTests
 * java --add-modules jdk.incubator.vector -cp ... dev.winnow.bench.IndexBenchmark [--quick] [--real 60000]
 *     [--queries 1000] [--synthetic 1000000] [--repeats 3] [--write]
 * </pre>
 *
 * Single-threaded searches; builds with {@code --threads} (default: all cores) for Winnow and one indexing
 * thread (one segment, one graph) for Lucene. Not thread-safe (a main).
 */
public final class IndexBenchmark {
  private static final int M = 16;
  private static final int EF_CONSTRUCTION = 200;
  private static final int[] EFS = {10, 20, 40, 60, 100, 160, 250, 400};
  private static final int K = 10;

  private int repeats = 3;
  private int threads = Runtime.getRuntime().availableProcessors();
  private int distanceBuildN = 8000;
  private final StringBuilder table = new StringBuilder();
  private final List<String> setJson = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    boolean quick = false;
    boolean write = false;
    int real = 60_000;
    int queries = 1000;
    int synthetic = 1_000_000;
    IndexBenchmark b = new IndexBenchmark();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--write" -> write = true;
        case "--real" -> real = Integer.parseInt(args[++i]);
        case "--queries" -> queries = Integer.parseInt(args[++i]);
        case "--synthetic" -> synthetic = Integer.parseInt(args[++i]);
        case "--repeats" -> b.repeats = Integer.parseInt(args[++i]);
        case "--threads" -> b.threads = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (quick) {
      real = Math.min(real, 10_000);
      synthetic = 0;
      queries = Math.min(queries, 200);
      b.repeats = Math.min(b.repeats, 2);
      b.distanceBuildN = 2000;
    }
    Path root = Paths.get(System.getProperty("winnow.root", ".")).toAbsolutePath().normalize();
    Path data = Paths.get(System.getProperty("winnow.shared", root.resolve("../shared").toString())).resolve("data");
    String command = "java " + String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()
        .stream().filter(a -> a.startsWith("-X") || a.startsWith("--add")).toList()) + " dev.winnow.bench.IndexBenchmark "
        + String.join(" ", args);

    String distances = b.distanceEvaluation();

    List<String> sentences = RealSentences.load(data);
    float[][] all = RealSentences.vectors(sentences, real + queries, root.resolve("cache/vectors"), DjlEncoder::defaultModel);
    b.runSet("real MiniLM-L6-v2 (STS-B, WikiQA, NQ, SciFact sentences)", Arrays.copyOf(all, real),
        Arrays.copyOfRange(all, real, real + queries), root);
    all = null;

    if (synthetic > 0) {
      float[][] syn = clustered(new Random(42), synthetic + queries, 384);
      b.runSet("synthetic clustered 384-d (1000 gaussian centres, normalized)", Arrays.copyOf(syn, synthetic),
          Arrays.copyOfRange(syn, synthetic, synthetic + queries), root);
      syn = null;
    }

    String machine = machine().replace("}", ",\"kernels\":\"" + Kernels.implementation() + "\"}");
    System.out.println();
    System.out.println(b.table);
    String json = "{\"mode\":\"" + (quick ? "quick" : "full") + "\",\"machine\":" + machine + ",\"command\":\"" + command.replace("\"", "'") + "\",\"m\":" + M
        + ",\"efConstruction\":" + EF_CONSTRUCTION + ",\"k\":" + K + ",\"repeats\":" + b.repeats + ",\"buildThreads\":"
        + b.threads + ",\"distances\":" + distances + ",\"sets\":[" + String.join(",", b.setJson) + "]}";
    if (write) {
      writeDocs(root, machine, command, b.table.toString(), json, quick);
      IndexChart.draw(root);
    }
    System.out.println(json);
  }

  // ---------------------------------------------------------------- one data set

  private void runSet(String name, float[][] corpus, float[][] queries, Path root) throws Exception {
    int n = corpus.length;
    int dim = corpus[0].length;
    log("== " + name + ": " + n + " x " + dim + ", " + queries.length + " queries");
    List<Document> docs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      docs.add(new Document(Integer.toString(i), ""));
    }

    // exact: ground truth and the exact peer
    long t0 = System.nanoTime();
    FlatVectorIndex flat = new FlatVectorIndex(dim, Similarity.COSINE);
    flat.addAll(docs, corpus);
    double flatBuild = secs(t0);
    int[][] truth = new int[queries.length][];
    t0 = System.nanoTime();
    for (int q = 0; q < queries.length; q++) {
      truth[q] = flat.search(queries[q], K).stream().mapToInt(h -> Integer.parseInt(h.id())).toArray();
    }
    double exactQps = queries.length / secs(t0);
    Path flatFile = root.resolve("cache/bench-flat.winnow");
    t0 = System.nanoTime();
    flat.save(flatFile);
    double flatSave = secs(t0);
    flat.close();
    t0 = System.nanoTime();
    FlatVectorIndex.open(flatFile).close();
    double flatOpen = secs(t0);
    log(String.format(Locale.ROOT, "exact: %.0f QPS, save %.2f s, open %.2f s", exactQps, flatSave, flatOpen));
    flat = null;

    // Winnow HNSW
    long heap0 = usedHeap();
    t0 = System.nanoTime();
    HnswVectorIndex hnsw = HnswVectorIndex.builder(dim, Similarity.COSINE).m(M).efConstruction(EF_CONSTRUCTION)
        .initialCapacity(n).buildThreads(threads).build();
    hnsw.addAll(docs, corpus);
    double winBuild = secs(t0);
    long winBytes = usedHeap() - heap0;
    log(String.format(Locale.ROOT, "winnow build: %.1f s (%.0f items/s, %d threads), heap %.0f B/vector", winBuild,
        n / winBuild, threads, (double) winBytes / n));
    List<double[]> winCurve = new ArrayList<>();
    for (int ef : EFS) {
      SearchOptions o = SearchOptions.DEFAULTS.withEf(ef);
      double[] point = measure(queries, truth, q -> ids(hnsw.search(q, K, o)));
      winCurve.add(new double[] {ef, point[0], point[1], point[2], point[3]});
      log(String.format(Locale.ROOT, "winnow ef=%d recall %.4f QPS %.0f", ef, point[0], point[1]));
    }
    Path file = root.resolve("cache/bench-hnsw.winnow");
    t0 = System.nanoTime();
    hnsw.save(file);
    double winSave = secs(t0);
    long fileBytes = Files.size(file);
    hnsw.close();
    long heapBeforeOpen = usedHeap();
    t0 = System.nanoTime();
    HnswVectorIndex reopened = HnswVectorIndex.open(file);
    double winOpen = secs(t0);
    long openHeap = usedHeap() - heapBeforeOpen;
    log(String.format(Locale.ROOT, "winnow open: %.2f s, heap %.0f B/vector (vectors and layer 0 mapped)", winOpen,
        (double) openHeap / n));
    List<double[]> mappedCurve = new ArrayList<>();
    for (int ef : EFS) {
      SearchOptions o = SearchOptions.DEFAULTS.withEf(ef);
      double[] point = measure(queries, truth, q -> ids(reopened.search(q, K, o)));
      mappedCurve.add(new double[] {ef, point[0], point[1], point[2], point[3]});
      log(String.format(Locale.ROOT, "winnow (mapped) ef=%d recall %.4f QPS %.0f", ef, point[0], point[1]));
    }
    double reopenedRecall = mappedCurve.get(4)[1];
    reopened.close();
    log(String.format(Locale.ROOT, "winnow save %.2f s, open %.2f s, %d bytes; recall after open %.4f", winSave,
        winOpen, fileBytes, reopenedRecall));

    // hnswlib-java through HnswlibVectorIndex (public API), same M and efConstruction, same threads
    heap0 = usedHeap();
    t0 = System.nanoTime();
    HnswlibVectorIndex hl = HnswlibVectorIndex.create(dim, Similarity.COSINE, M, EF_CONSTRUCTION, 100);
    hl.addAll(docs, corpus);
    double hlBuild = secs(t0);
    long hlBytes = usedHeap() - heap0;
    log(String.format(Locale.ROOT, "hnswlib build: %.1f s (%.0f items/s), heap %.0f B/vector", hlBuild, n / hlBuild,
        (double) hlBytes / n));
    List<double[]> hlCurve = new ArrayList<>();
    for (int ef : EFS) {
      SearchOptions o = SearchOptions.DEFAULTS.withEf(ef);
      double[] point = measure(queries, truth, q -> ids(hl.search(q, K, o)));
      hlCurve.add(new double[] {ef, point[0], point[1], point[2], point[3]});
      log(String.format(Locale.ROOT, "hnswlib ef=%d recall %.4f QPS %.0f", ef, point[0], point[1]));
    }
    hl.close();

    // jvector 3.0.6: one layer, max degree 2M (the layer-0 degree of the HNSW graphs), beam 200, alpha and
    // neighbour overflow 1.2 (its defaults); builds on the common ForkJoinPool (all cores); rerankK plays ef
    heap0 = usedHeap();
    t0 = System.nanoTime();
    io.github.jbellis.jvector.vector.types.VectorTypeSupport jvt =
        io.github.jbellis.jvector.vector.VectorizationProvider.getInstance().getVectorTypeSupport();
    List<io.github.jbellis.jvector.vector.types.VectorFloat<?>> jvs = new ArrayList<>(n);
    for (float[] v : corpus) {
      jvs.add(jvt.createFloatVector(unit(v)));
    }
    io.github.jbellis.jvector.graph.ListRandomAccessVectorValues ravv =
        new io.github.jbellis.jvector.graph.ListRandomAccessVectorValues(jvs, dim);
    io.github.jbellis.jvector.graph.OnHeapGraphIndex jgraph;
    try (io.github.jbellis.jvector.graph.GraphIndexBuilder jb = new io.github.jbellis.jvector.graph.GraphIndexBuilder(
        ravv, io.github.jbellis.jvector.vector.VectorSimilarityFunction.DOT_PRODUCT, 2 * M, EF_CONSTRUCTION, 1.2f, 1.2f)) {
      jgraph = jb.build(ravv);
    }
    double jvBuild = secs(t0);
    long jvBytes = usedHeap() - heap0;
    log(String.format(Locale.ROOT, "jvector build: %.1f s (%.0f items/s), heap %.0f B/vector", jvBuild, n / jvBuild,
        (double) jvBytes / n));
    List<double[]> jvCurve = new ArrayList<>();
    try (io.github.jbellis.jvector.graph.GraphSearcher js = new io.github.jbellis.jvector.graph.GraphSearcher(jgraph)) {
      for (int ef : EFS) {
        double[] point = measure(queries, truth, q -> {
          var ssp = io.github.jbellis.jvector.graph.similarity.SearchScoreProvider.exact(jvt.createFloatVector(unit(q)),
              io.github.jbellis.jvector.vector.VectorSimilarityFunction.DOT_PRODUCT, ravv);
          var nodes = js.search(ssp, K, Math.max(K, ef), 0f, 0f, io.github.jbellis.jvector.util.Bits.ALL).getNodes();
          int[] out = new int[nodes.length];
          for (int i = 0; i < out.length; i++) {
            out[i] = nodes[i].node;
          }
          return out;
        });
        jvCurve.add(new double[] {ef, point[0], point[1], point[2], point[3]});
        log(String.format(Locale.ROOT, "jvector ef=%d recall %.4f QPS %.0f", ef, point[0], point[1]));
      }
    }
    jgraph = null;
    jvs = null;

    // Lucene HNSW: one indexing thread, one segment, same M and beam width, dot product on unit vectors
    heap0 = usedHeap();
    t0 = System.nanoTime();
    ByteBuffersDirectory dir = new ByteBuffersDirectory();
    IndexWriterConfig cfg = new IndexWriterConfig().setRAMBufferSizeMB(1900).setMergePolicy(NoMergePolicy.INSTANCE)
        .setUseCompoundFile(false).setCodec(new Lucene912Codec() {
          @Override
          public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            return new Lucene99HnswVectorsFormat(M, EF_CONSTRUCTION);
          }
        });
    try (IndexWriter w = new IndexWriter(dir, cfg)) {
      for (float[] v : corpus) {
        org.apache.lucene.document.Document d = new org.apache.lucene.document.Document();
        d.add(new KnnFloatVectorField("v", unit(v), VectorSimilarityFunction.DOT_PRODUCT));
        w.addDocument(d);
      }
      w.commit();
    }
    double lucBuild = secs(t0);
    long lucBytes = 0;
    for (String f : dir.listAll()) {
      lucBytes += dir.fileLength(f);
    }
    DirectoryReader reader = DirectoryReader.open(dir);
    if (reader.leaves().size() != 1) {
      throw new IllegalStateException("expected one Lucene segment, got " + reader.leaves().size());
    }
    LeafReader leaf = reader.leaves().get(0).reader();
    log(String.format(Locale.ROOT, "lucene build: %.1f s (%.0f items/s, 1 thread), %.0f B/vector in the directory",
        lucBuild, n / lucBuild, (double) lucBytes / n));
    List<double[]> lucCurve = new ArrayList<>();
    for (int ef : EFS) {
      double[] point = measure(queries, truth, q -> {
        try {
          TopDocs td = leaf.searchNearestVectors("v", unit(q), ef, null, Integer.MAX_VALUE);
          int[] out = new int[Math.min(K, td.scoreDocs.length)];
          ScoreDoc[] sd = td.scoreDocs;
          for (int i = 0; i < out.length; i++) {
            out[i] = sd[i].doc;
          }
          return out;
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      lucCurve.add(new double[] {ef, point[0], point[1], point[2], point[3]});
      log(String.format(Locale.ROOT, "lucene ef=%d recall %.4f QPS %.0f", ef, point[0], point[1]));
    }
    reader.close();
    dir.close();

    // report
    double[][] at95 = {firstAtRecall(winCurve, 0.95), firstAtRecall(mappedCurve, 0.95), firstAtRecall(hlCurve, 0.95),
        firstAtRecall(lucCurve, 0.95), firstAtRecall(jvCurve, 0.95)};
    double[][] at98 = {firstAtRecall(winCurve, 0.98), firstAtRecall(mappedCurve, 0.98), firstAtRecall(hlCurve, 0.98),
        firstAtRecall(lucCurve, 0.98), firstAtRecall(jvCurve, 0.98)};
    double[] winAt = at98[0];
    double[] lucAt = at98[3];
    table.append("### ").append(name).append("\n\n");
    table.append(String.format(Locale.ROOT, "%d vectors x %d, %d held-out queries, k=%d, M=%d, efConstruction/beamWidth=%d%n%n",
        n, dim, queries.length, K, M, EF_CONSTRUCTION));
    table.append("| engine | build items/s | memory B/vector | save s | open s |\n|---|---|---|---|---|\n");
    table.append(String.format(Locale.ROOT, "| Winnow HNSW (%d threads) | %.0f | %.0f (heap while built); %.0f (heap after open, mapped) | %.2f | %.2f |%n",
        threads, n / winBuild, (double) winBytes / n, (double) openHeap / n, winSave, winOpen));
    table.append(String.format(Locale.ROOT, "| hnswlib-java 1.2.1 (%d threads) | %.0f | %.0f (heap) | - | - |%n",
        Runtime.getRuntime().availableProcessors(), n / hlBuild, (double) hlBytes / n));
    table.append(String.format(Locale.ROOT, "| Lucene 9.12 HNSW (1 thread) | %.0f | %.0f (directory) | - | - |%n", n / lucBuild,
        (double) lucBytes / n));
    table.append(String.format(Locale.ROOT, "| jvector 3.0.6 (degree %d, common pool) | %.0f | %.0f (heap) | - | - |%n", 2 * M,
        n / jvBuild, (double) jvBytes / n));
    table.append(String.format(Locale.ROOT, "| exact (FlatVectorIndex) | %.0f | %d (vectors) | %.2f | %.2f |%n%n", n / flatBuild,
        4 * dim, flatSave, flatOpen));
    table.append(String.format(Locale.ROOT, "Winnow file: %d bytes (%.0f B/vector).%n%n", fileBytes, (double) fileBytes / n));
    table.append("| ef | Winnow recall | Winnow QPS | Winnow mapped QPS | hnswlib recall | hnswlib QPS | Lucene recall | Lucene QPS | jvector recall | jvector QPS |\n"
        + "|---|---|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < EFS.length; i++) {
      double[] a = winCurve.get(i);
      double[] mp = mappedCurve.get(i);
      double[] h = hlCurve.get(i);
      double[] l = lucCurve.get(i);
      double[] jv = jvCurve.get(i);
      table.append(String.format(Locale.ROOT, "| %d | %.4f | %.0f (%.0f-%.0f) | %.0f | %.4f | %.0f | %.4f | %.0f (%.0f-%.0f) | %.4f | %.0f |%n", EFS[i],
          a[1], a[2], a[3], a[4], mp[2], h[1], h[2], l[1], l[2], l[3], l[4], jv[1], jv[2]));
    }
    table.append(String.format(Locale.ROOT, "%nExact search: %.0f QPS (recall 1.0). ", exactQps));
    table.append(String.format(Locale.ROOT, "Recall after save/open at ef=100: %.4f.%n%n", reopenedRecall));
    table.append("| QPS at the first ef reaching | Winnow | Winnow mapped | hnswlib | Lucene | jvector | Winnow / Lucene | Winnow / jvector |\n|---|---|---|---|---|---|---|---|\n");
    for (double[][] at : new double[][][] {at95, at98}) {
      StringBuilder row = new StringBuilder("| recall@10 >= " + (at == at95 ? "0.95" : "0.98") + " |");
      for (double[] p : at) {
        row.append(p == null ? " never |" : String.format(Locale.ROOT, " %.0f (ef %.0f) |", p[2], p[0]));
      }
      row.append(at[0] != null && at[3] != null ? String.format(Locale.ROOT, " %.2f |", at[0][2] / at[3][2]) : " - |");
      row.append(at[0] != null && at[4] != null ? String.format(Locale.ROOT, " %.2f |", at[0][2] / at[4][2]) : " - |");
      table.append(row).append("\n");
    }
    table.append(String.format(Locale.ROOT, "%nBuild rate ratio Winnow/Lucene: %.2f; Winnow/hnswlib: %.2f; Winnow/jvector: %.2f.%n%n",
        (n / winBuild) / (n / lucBuild), (n / winBuild) / (n / hlBuild), (n / winBuild) / (n / jvBuild)));

    StringBuilder j = new StringBuilder();
    j.append(String.format(Locale.ROOT, "{\"name\":\"%s\",\"n\":%d,\"dim\":%d,\"queries\":%d,", name, n, dim, queries.length));
    j.append(String.format(Locale.ROOT, "\"exact\":{\"qps\":%.1f,\"saveS\":%.3f,\"openS\":%.3f},", exactQps, flatSave, flatOpen));
    j.append(String.format(Locale.ROOT, "\"winnow\":{\"buildItemsPerS\":%.1f,\"threads\":%d,\"heapBytesPerVector\":%.1f,"
        + "\"saveS\":%.3f,\"openS\":%.3f,\"fileBytes\":%d,\"recallAfterOpen\":%.4f,\"curve\":%s},", n / winBuild, threads,
        (double) winBytes / n, winSave, winOpen, fileBytes, reopenedRecall, curveJson(winCurve)));
    j.append(String.format(Locale.ROOT, "\"winnowMapped\":{\"openHeapBytesPerVector\":%.1f,\"curve\":%s},"
        + "\"hnswlib\":{\"buildItemsPerS\":%.1f,\"heapBytesPerVector\":%.1f,\"curve\":%s},"
        + "\"jvector\":{\"buildItemsPerS\":%.1f,\"heapBytesPerVector\":%.1f,\"curve\":%s},", (double) openHeap / n,
        curveJson(mappedCurve), n / hlBuild, (double) hlBytes / n, curveJson(hlCurve), n / jvBuild, (double) jvBytes / n,
        curveJson(jvCurve)));
    j.append(String.format(Locale.ROOT, "\"lucene\":{\"buildItemsPerS\":%.1f,\"threads\":1,\"directoryBytesPerVector\":%.1f,"
        + "\"curve\":%s},", n / lucBuild, (double) lucBytes / n, curveJson(lucCurve)));
    j.append(String.format(Locale.ROOT, "\"ratios\":{\"buildWinnowOverLucene\":%.3f,\"qpsAtRecall095WinnowOverLucene\":%s,\"qpsAtRecall098WinnowOverLucene\":%s}}",
        (n / winBuild) / (n / lucBuild),
        at95[0] != null && at95[3] != null ? String.format(Locale.ROOT, "%.3f", at95[0][2] / at95[3][2]) : "null",
        winAt != null && lucAt != null ? String.format(Locale.ROOT, "%.3f", winAt[2] / lucAt[2]) : "null"));
    setJson.add(j.toString());
  }

  interface Searcher {
    int[] top(float[] q);
  }

  /** recall, median QPS, min QPS, max QPS over {@code repeats} passes (after one warm-up pass). */
  private double[] measure(float[][] queries, int[][] truth, Searcher s) {
    for (float[] q : queries) {
      s.top(q);
    }
    double[] qps = new double[repeats];
    int found = 0;
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      int f = 0;
      for (int i = 0; i < queries.length; i++) {
        int[] got = s.top(queries[i]);
        for (int g : got) {
          for (int t : truth[i]) {
            if (g == t) {
              f++;
              break;
            }
          }
        }
      }
      qps[r] = queries.length / secs(t0);
      found = f;
    }
    double[] sorted = qps.clone();
    Arrays.sort(sorted);
    return new double[] {found / (double) (queries.length * K), sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1]};
  }

  private static double[] firstAtRecall(List<double[]> curve, double target) {
    for (double[] p : curve) {
      if (p[1] >= target) {
        return new double[] {p[0], p[1], p[2]};
      }
    }
    return null;
  }

  private static String curveJson(List<double[]> curve) {
    List<String> pts = new ArrayList<>();
    for (double[] p : curve) {
      pts.add(String.format(Locale.ROOT, "{\"ef\":%.0f,\"recall\":%.4f,\"qps\":%.1f,\"qpsMin\":%.1f,\"qpsMax\":%.1f}",
          p[0], p[1], p[2], p[3], p[4]));
    }
    return "[" + String.join(",", pts) + "]";
  }

  private static int[] ids(List<Hit> hits) {
    int[] out = new int[hits.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Integer.parseInt(hits.get(i).id());
    }
    return out;
  }

  // ---------------------------------------------------------------- distance functions (Vector API evaluation)

  private String distanceEvaluation() {
    Random r = new Random(1);
    float[][] a = clustered(r, 2000, 384);
    double sink = 0;
    long t0 = 0;
    long pairs = 0;
    for (int round = 0; round < 2; round++) { // round 0 warms up
      t0 = System.nanoTime();
      pairs = 0;
      for (int i = 0; i < a.length; i++) {
        for (int k = 0; k < 1000; k++) {
          sink += Kernels.dot(a[i], a[(i + k + 1) % a.length]);
          pairs++;
        }
      }
    }
    double ns = (System.nanoTime() - t0) / (double) pairs;
    table.insert(0, String.format(Locale.ROOT, "Kernel: %s, %.1f ns per 384-d dot product (Kernels.dot; the JMH"
        + " comparison with the scalar fallback is in the micro-benchmark section).%n%n", Kernels.implementation(), ns));
    return String.format(Locale.ROOT, "{\"kernel\":\"%s\",\"nsPerDot\":%.2f,\"sink\":%.1f}",
        Kernels.implementation(), ns, sink);
  }

  // ---------------------------------------------------------------- helpers

  /** Clustered vectors: 1000 gaussian centres plus noise, normalized. */
  static float[][] clustered(Random r, int n, int dim) {
    float[][] centres = new float[1000][dim];
    for (float[] c : centres) {
      for (int j = 0; j < dim; j++) {
        c[j] = (float) r.nextGaussian();
      }
    }
    float[][] out = new float[n][];
    for (int i = 0; i < n; i++) {
      float[] c = centres[r.nextInt(centres.length)];
      float[] v = new float[dim];
      for (int j = 0; j < dim; j++) {
        v[j] = c[j] + 0.6f * (float) r.nextGaussian();
      }
      out[i] = unit(v);
    }
    return out;
  }

  static float[] unit(float[] v) {
    return Kernels.stored(Similarity.COSINE, v);
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static long usedHeap() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  private static void log(String s) {
    System.err.println(s);
  }

  private static String machine() throws IOException {
    String cpu = "unknown";
    Path info = Paths.get("/proc/cpuinfo");
    if (Files.exists(info)) {
      for (String line : Files.readAllLines(info, StandardCharsets.UTF_8)) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    }
    return String.format(Locale.ROOT, "{\"cpu\":\"%s\",\"cores\":%d,\"maxHeapMiB\":%d,\"java\":\"%s\",\"os\":\"%s %s\"}",
        cpu, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"), System.getProperty("os.name"),
        System.getProperty("os.arch"));
  }

  private static void writeDocs(Path root, String machine, String command, String table, String json, boolean quick)
      throws IOException {
    Path file = root.resolve("docs/benchmarks.md");
    Files.createDirectories(file.getParent());
    String begin = "<!-- index:begin -->";
    String end = "<!-- index:end -->";
    String existing = Files.exists(file) ? Files.readString(file) : "# Winnow benchmarks\n\n" + begin + "\n" + end + "\n";
    int a = existing.indexOf(begin);
    int b = existing.indexOf(end);
    if (a < 0 || b < a) {
      existing = existing + "\n" + begin + "\n" + end + "\n";
      a = existing.indexOf(begin);
      b = existing.indexOf(end);
    }
    String mode = quick
        ? "Mode: **quick** (10,000 real vectors, 200 queries, 2 timed passes, no synthetic set; written by"
            + " `bench/run-all.sh --quick`). The hand-written verdict further down quotes a full run (60,000 real and"
            + " 200,000 synthetic vectors) and is not regenerated."
        : "Mode: full (written by `bench/run-all.sh` or `bench/run-index-benchmark.sh --write`).";
    String section = begin + "\n## Vector index (generated by IndexBenchmark)\n\n" + mode + "\n\nMachine: `" + machine
        + "`\n\nCommand: `" + command + "`\n\n" + table + "\n<details><summary>raw JSON</summary>\n\n```json\n" + json + "\n```\n</details>\n"
        + "<!-- index:verdict -->\n" + end;
    // keep a hand-written verdict placed after the generated part (between index:verdict and index:end)
    String old = existing.substring(a, b);
    int v = old.indexOf("<!-- index:verdict -->");
    if (v >= 0) {
      section = section.replace("<!-- index:verdict -->\n" + end, old.substring(v) + end);
    }
    Files.writeString(file, existing.substring(0, a) + section + existing.substring(b + end.length()));
  }
}
