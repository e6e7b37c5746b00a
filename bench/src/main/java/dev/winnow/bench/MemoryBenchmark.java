package dev.winnow.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.winnow.Document;
import dev.winnow.Hit;
import dev.winnow.ScoredDocument;
import dev.winnow.Similarity;
import dev.winnow.encoders.DjlEncoder;
import dev.winnow.index.HnswVectorIndex;
import dev.winnow.rerank.CrossEncoderReranker;
import dev.winnow.testing.RealSentences;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * Peak heap and peak RSS of the main workloads, each in a fresh JVM so that its peaks are its own: encoding 1000
 * texts (Winnow and LangChain4j), building an HNSW index of real MiniLM vectors (Winnow and Lucene 9.12) and a
 * two-stage query run (encode, HNSW top-100, rerank top 20). Peak heap: the highest heap use seen by a 5 ms
 * sampler of {@code MemoryMXBean} (GC'd garbage included, so it depends on {@code -Xmx}); peak RSS:
 * {@code VmHWM} of {@code /proc/self/status} (Linux), which also counts ONNX Runtime's native memory. Rewrites the
 * "memory" section of {@code docs/benchmarks.md}; prints a table, then one JSON object as the last line.
 *
 * <p>Parent: {@code MemoryBenchmark [--quick] [--out FILE] [--xmx 2g]} starts one child JVM per workload with the
 * same class path, {@code -Xmx} and DJL flags. Child: {@code MemoryBenchmark --workload NAME --n N [--docs D]}. Not
 * thread-safe (a main).
 */
public final class MemoryBenchmark {
  private static final List<String> WORKLOADS = List.of("encode-winnow", "encode-lc4j", "index-winnow",
      "index-lucene", "two-stage");

  private MemoryBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(System.getProperty("winnow.root", "."));
    Path out = root.resolve("docs/benchmarks.md");
    String workload = null;
    int n = -1;
    int docs = 2000;
    boolean quick = false;
    String xmx = "2g";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--workload" -> workload = args[++i];
        case "--n" -> n = Integer.parseInt(args[++i]);
        case "--docs" -> docs = Integer.parseInt(args[++i]);
        case "--quick" -> quick = true;
        case "--xmx" -> xmx = args[++i];
        case "--out" -> out = "-".equals(args[++i]) ? null : Path.of(args[i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; expected --quick, --xmx SIZE, --out FILE or --workload NAME --n N");
      }
    }
    if (workload != null) {
      child(workload, n, docs);
      return;
    }
    parent(root, out, quick, xmx);
  }

  // ---------------------------------------------------------------- parent: one fresh JVM per workload

  private static void parent(Path root, Path out, boolean quick, String xmx) throws Exception {
    int vectors = quick ? 10_000 : 60_000;
    int queries = quick ? 30 : 200;
    int docs = quick ? 1000 : 2000;
    Map<String, Integer> sizes = new LinkedHashMap<>();
    sizes.put("encode-winnow", 1000);
    sizes.put("encode-lc4j", 1000);
    sizes.put("index-winnow", vectors);
    sizes.put("index-lucene", vectors);
    sizes.put("two-stage", queries);
    String facts = MachineFacts.describe();
    Map<String, JsonObject> results = new LinkedHashMap<>();
    for (String w : WORKLOADS) {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
        if (!a.startsWith("-Xmx") && !a.startsWith("-agentlib") && !a.startsWith("-javaagent")) {
          cmd.add(a);
        }
      }
      cmd.add("-Xmx" + xmx);
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), MemoryBenchmark.class.getName(),
          "--workload", w, "--n", String.valueOf(sizes.get(w)), "--docs", String.valueOf(docs)));
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String last = null;
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          System.out.println("  [" + w + "] " + line);
          last = line;
        }
      }
      if (p.waitFor() != 0 || last == null) {
        throw new IllegalStateException("workload " + w + " failed with exit code " + p.exitValue());
      }
      results.put(w, JsonParser.parseString(last).getAsJsonObject());
    }

    StringBuilder table = new StringBuilder("| workload | size | peak heap MiB | heap before MiB | peak RSS MiB |"
        + " RSS before MiB | wall s |\n|---|---|---|---|---|---|---|\n");
    results.forEach((w, j) -> table.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.0f | %.0f | %.0f | %.1f |%n",
        j.get("label").getAsString(), j.get("size").getAsString(), mib(j, "peak_heap"), mib(j, "heap_before"),
        mib(j, "peak_rss"), mib(j, "rss_before"), j.get("wall_s").getAsDouble())));
    Map<String, Object> ratios = new LinkedHashMap<>();
    ratios.put("encode_peak_heap_winnow_over_lc4j", mib(results.get("encode-winnow"), "peak_heap")
        / mib(results.get("encode-lc4j"), "peak_heap"));
    ratios.put("encode_peak_rss_winnow_over_lc4j", mib(results.get("encode-winnow"), "peak_rss")
        / mib(results.get("encode-lc4j"), "peak_rss"));
    ratios.put("index_peak_heap_winnow_over_lucene", mib(results.get("index-winnow"), "peak_heap")
        / mib(results.get("index-lucene"), "peak_heap"));
    ratios.put("index_peak_rss_winnow_over_lucene", mib(results.get("index-winnow"), "peak_rss")
        / mib(results.get("index-lucene"), "peak_rss"));
    table.append("\n| ratio (same run) | value |\n|---|---|\n");
    ratios.forEach((k, v) -> table.append(String.format(Locale.ROOT, "| %s | %.2f |%n", k, (Double) v)));
    System.out.println();
    System.out.print(table);
    if (out != null) {
      String body = "## Peak heap and RSS\n\n"
          + "Command: `bench/run-all.sh" + (quick ? " --quick" : "") + "` (main class"
          + " `dev.winnow.bench.MemoryBenchmark" + (quick ? " --quick" : "") + "`)\n\n"
          + "Machine: " + facts + "\n\n"
          + String.format(Locale.ROOT, "Mode: %s. Each workload runs alone in a fresh JVM (`-Xmx%s`, default G1, same"
              + " flags as the other benchmarks) and measures itself once, so figures have no spread; expect ±10%%"
              + " between runs. Peak heap: the highest `MemoryMXBean` heap use seen by a 5 ms sampler (garbage not"
              + " yet collected included, so it grows with `-Xmx`); peak RSS: `VmHWM` of `/proc/self/status`,"
              + " which includes ONNX Runtime's native memory and the JVM itself. \"Before\" is measured after the"
              + " inputs are loaded and before the workload starts (the encoders load their model inside the"
              + " workload). Encode: 1000 STS-B test sentences, batches of 32. Index: HNSW build (M=16,"
              + " efConstruction=200) over %d real MiniLM vectors held in memory (`cache/vectors`); Lucene keeps"
              + " its index in a heap `ByteBuffersDirectory`. Two-stage: %d WikiQA sentences encoded and indexed,"
              + " then %d questions, each encoded, HNSW top-100, top 20 reranked by `minilm-l6-reranker`.%n%n",
              quick ? "quick" : "full", xmx, vectors, docs, queries)
          + table;
      MarkdownSection.write(out, "memory", body);
      System.out.println("wrote " + out.toAbsolutePath().normalize());
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("mode", quick ? "quick" : "full");
    json.put("xmx", xmx);
    Map<String, Object> ws = new LinkedHashMap<>();
    results.forEach(ws::put);
    json.put("workloads", ws);
    json.put("ratios", ratios);
    System.out.println(BenchJson.of(json));
  }

  private static double mib(JsonObject j, String key) {
    return j.get(key).getAsDouble() / (1024.0 * 1024);
  }

  // ---------------------------------------------------------------- child: one workload, measured

  private static void child(String workload, int n, int docs) throws Exception {
    Path root = Path.of(System.getProperty("winnow.root", "."));
    Path shared = Path.of(System.getProperty("winnow.shared", "../shared"));
    Path data = shared.resolve("data");
    Runnable work;
    String label;
    switch (workload) {
      case "encode-winnow", "encode-lc4j" -> {
        List<String> texts = EncodeBenchmark.stsSentences(data.resolve("stsb/sts-test.csv"), n);
        boolean winnow = workload.equals("encode-winnow");
        label = winnow ? "encode, Winnow DjlEncoder (model load included)"
            : "encode, LangChain4j AllMiniLmL6V2EmbeddingModel (model load included)";
        work = () -> {
          if (winnow) {
            try (DjlEncoder e = DjlEncoder.defaultModel()) {
              EncodeBenchmark.batches(e, 32).run(texts);
            }
          } else {
            EncodeBenchmark.batches(new AllMiniLmL6V2EmbeddingModel(), 32).run(texts);
          }
        };
      }
      case "index-winnow", "index-lucene" -> {
        List<String> sentences = RealSentences.load(data);
        float[][] vectors = RealSentences.vectors(sentences, n, root.resolve("cache/vectors"), DjlEncoder::defaultModel);
        boolean winnow = workload.equals("index-winnow");
        label = winnow ? "HNSW build, Winnow (" + Runtime.getRuntime().availableProcessors() + " threads)"
            : "HNSW build, Lucene 9.12 (1 thread)";
        work = winnow ? () -> buildWinnow(vectors) : () -> buildLucene(vectors);
      }
      case "two-stage" -> {
        RerankBenchmark.WikiQa w = RerankBenchmark.WikiQa.read(data.resolve("wikiqa/WikiQA-train.tsv.gz"), docs, n);
        Path rerankerDir = shared.resolve("models/minilm-l6-reranker");
        label = "two-stage queries (encoder + HNSW + reranker, " + docs + " docs; loads included)";
        work = () -> twoStage(w, rerankerDir);
      }
      default -> throw new IllegalArgumentException("unknown workload " + workload + "; expected one of " + WORKLOADS);
    }
    System.gc();
    long heapBefore = heapUsed();
    long rssBefore = procStatus("VmRSS");
    AtomicLong peak = new AtomicLong(heapBefore);
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        peak.accumulateAndGet(heapUsed(), Math::max);
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
    long t0 = System.nanoTime();
    work.run();
    double wall = (System.nanoTime() - t0) / 1e9;
    peak.accumulateAndGet(heapUsed(), Math::max);
    sampler.interrupt();
    sampler.join();
    long poolPeaks = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        poolPeaks += pool.getPeakUsage().getUsed();
      }
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("workload", workload);
    json.put("label", label);
    json.put("size", n);
    json.put("wall_s", wall);
    json.put("heap_before", heapBefore);
    json.put("peak_heap", peak.get());
    json.put("sum_of_heap_pool_peaks", poolPeaks);
    json.put("rss_before", rssBefore);
    json.put("peak_rss", procStatus("VmHWM"));
    json.put("max_heap", Runtime.getRuntime().maxMemory());
    System.out.printf(Locale.ROOT, "%s: %.1f s, peak heap %.0f MiB, peak RSS %.0f MiB%n", label, wall,
        peak.get() / 1048576.0, procStatus("VmHWM") / 1048576.0);
    System.out.println(BenchJson.of(json));
  }

  private static void buildWinnow(float[][] vectors) {
    List<Document> docs = new ArrayList<>(vectors.length);
    for (int i = 0; i < vectors.length; i++) {
      docs.add(new Document(Integer.toString(i), ""));
    }
    try (HnswVectorIndex index = HnswVectorIndex.builder(vectors[0].length, Similarity.COSINE).m(16)
        .efConstruction(200).initialCapacity(vectors.length).build()) {
      index.addAll(docs, vectors);
      index.search(vectors[0], 10);
    }
  }

  private static void buildLucene(float[][] vectors) {
    IndexWriterConfig cfg = new IndexWriterConfig().setRAMBufferSizeMB(1900).setMergePolicy(NoMergePolicy.INSTANCE)
        .setUseCompoundFile(false).setCodec(new Lucene912Codec() {
          @Override
          public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            return new Lucene99HnswVectorsFormat(16, 200);
          }
        });
    try (ByteBuffersDirectory dir = new ByteBuffersDirectory(); IndexWriter w = new IndexWriter(dir, cfg)) {
      for (float[] v : vectors) {
        org.apache.lucene.document.Document d = new org.apache.lucene.document.Document();
        d.add(new KnnFloatVectorField("v", IndexBenchmark.unit(v), VectorSimilarityFunction.DOT_PRODUCT));
        w.addDocument(d);
      }
      w.commit();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void twoStage(RerankBenchmark.WikiQa w, Path rerankerDir) {
    try (DjlEncoder encoder = DjlEncoder.defaultModel();
        CrossEncoderReranker reranker = CrossEncoderReranker.open(rerankerDir);
        HnswVectorIndex index = HnswVectorIndex.builder(encoder.dimension(), encoder.similarity()).build()) {
      index.addAll(w.docs(), encoder.encode(w.docs().stream().map(Document::text).toList()));
      for (String question : w.questions()) {
        List<Hit> hits = index.search(encoder.encode(question), 100);
        List<ScoredDocument> top20 = new ArrayList<>(20);
        for (Hit h : hits.subList(0, Math.min(20, hits.size()))) {
          top20.add(ScoredDocument.firstStage(index.get(h.id()).orElseThrow(), h.score()));
        }
        reranker.rerank(question, top20, 10);
      }
    }
  }

  private static long heapUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** A {@code /proc/self/status} field in bytes, or -1 where there is none (not Linux). */
  private static long procStatus(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
