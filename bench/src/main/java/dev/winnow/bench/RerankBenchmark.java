package dev.winnow.bench;

import dev.winnow.Document;
import dev.winnow.Hit;
import dev.winnow.ScoredDocument;
import dev.winnow.encoders.DjlEncoder;
import dev.winnow.index.HnswVectorIndex;
import dev.winnow.rerank.CrossEncoderReranker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Reranker throughput (pairs/s by batch size) and two-stage query latency (encode + HNSW top-100 + rerank of the
 * top 20) on a 5,000-document corpus of real WikiQA sentences with real WikiQA questions. Rewrites the "rerank"
 * section of {@code docs/benchmarks.md}.
 *
 * <pre>
 * bench/run-all.sh [--quick]       (or, alone: mvn -q -B -pl bench -am package -DskipTests, then java -cp ...)
 * </pre>
 *
 * Options: {@code --data DIR}, {@code --reranker DIR} (default ../shared/models/minilm-l6-reranker),
 * {@code --docs N} (5000), {@code --queries N} (200), {@code --quick} (1000 docs, 40 queries),
 * {@code --out FILE} ("-" for none).
 */
public final class RerankBenchmark {
  private static final int PAIRS_PER_QUERY = 32;

  private RerankBenchmark() {}

  public static void main(String[] args) throws IOException {
    Path root = Path.of(System.getProperty("winnow.root", "."));
    Path shared = Path.of(System.getProperty("winnow.shared", "../shared"));
    Path data = shared.resolve("data");
    Path rerankerDir = shared.resolve("models/minilm-l6-reranker");
    int docCount = 5000;
    int queryCount = 200;
    Path out = root.resolve("docs/benchmarks.md");
    boolean quick = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data" -> data = Path.of(args[++i]);
        case "--reranker" -> rerankerDir = Path.of(args[++i]);
        case "--docs" -> docCount = Integer.parseInt(args[++i]);
        case "--queries" -> queryCount = Integer.parseInt(args[++i]);
        case "--quick" -> {
          quick = true;
          docCount = 1000;
          queryCount = 40;
        }
        case "--out" -> out = args[++i].equals("-") ? null : Path.of(args[i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    WikiQa w = WikiQa.read(data.resolve("wikiqa/WikiQA-train.tsv.gz"), docCount, queryCount);
    String facts = MachineFacts.describe();
    System.out.println("Rerank and two-stage latency: " + w.docs.size() + " WikiQA sentences, " + w.questions.size()
        + " WikiQA questions");
    System.out.println(facts);

    try (DjlEncoder encoder = DjlEncoder.defaultModel();
        CrossEncoderReranker reranker = CrossEncoderReranker.open(rerankerDir);
        HnswVectorIndex index = HnswVectorIndex.builder(encoder.dimension(), encoder.similarity()).build()) {
      long t0 = System.nanoTime();
      List<String> texts = w.docs.stream().map(Document::text).toList();
      index.addAll(w.docs, encoder.encode(texts));
      double indexSeconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "encoded and indexed %d documents in %.1f s%n", w.docs.size(), indexSeconds);

      // 1. pairs/s by batch size: 16 questions, each scored against 32 sentences in one call, which the
      //    reranker cuts into batches of the given size; the same pairs for every batch size
      List<String[]> pairs = new ArrayList<>();
      for (int q = 0; q < Math.min(16, w.questions.size()); q++) {
        for (int j = 0; j < PAIRS_PER_QUERY; j++) {
          pairs.add(new String[] {w.questions.get(q), texts.get((q * PAIRS_PER_QUERY + j) % texts.size())});
        }
      }
      Map<Integer, double[]> pairRates = new LinkedHashMap<>();
      for (int batch : new int[] {1, 8, 32}) {
        try (CrossEncoderReranker r = CrossEncoderReranker.builder(rerankerDir).batchSize(batch).build()) {
          scorePairs(r, pairs.subList(0, 2 * PAIRS_PER_QUERY)); // warm-up
          double[] rates = new double[3];
          for (int rep = 0; rep < rates.length; rep++) {
            long s = System.nanoTime();
            scorePairs(r, pairs);
            rates[rep] = pairs.size() / ((System.nanoTime() - s) / 1e9);
          }
          pairRates.put(batch, rates);
          System.out.printf(Locale.ROOT, "rerank batch %2d: %s pairs/s%n", batch, Stats.of(rates).format(1));
        }
      }

      // 2. two-stage latency: encode + HNSW top-100 + rerank the top 20
      int warm = Math.min(20, w.questions.size());
      double[] encodeMs = new double[w.questions.size()];
      double[] searchMs = new double[w.questions.size()];
      double[] rerankMs = new double[w.questions.size()];
      double[] totalMs = new double[w.questions.size()];
      for (int pass = 0; pass < 2; pass++) {
        int n = pass == 0 ? warm : w.questions.size();
        for (int q = 0; q < n; q++) {
          String question = w.questions.get(q);
          long a = System.nanoTime();
          float[] v = encoder.encode(question);
          long b = System.nanoTime();
          List<Hit> hits = index.search(v, 100);
          List<ScoredDocument> top20 = new ArrayList<>(20);
          for (Hit h : hits.subList(0, Math.min(20, hits.size()))) {
            top20.add(ScoredDocument.firstStage(index.get(h.id()).orElseThrow(), h.score()));
          }
          long c = System.nanoTime();
          reranker.rerank(question, top20, 10);
          long d = System.nanoTime();
          if (pass == 1) {
            encodeMs[q] = (b - a) / 1e6;
            searchMs[q] = (c - b) / 1e6;
            rerankMs[q] = (d - c) / 1e6;
            totalMs[q] = (d - a) / 1e6;
          }
        }
      }
      double avgRerankTokens = averageTokens(encoder, w.questions, texts);
      Map<String, double[]> stages = new LinkedHashMap<>();
      stages.put("encode query", encodeMs);
      stages.put("HNSW top-100 (+ fetch 20 docs)", searchMs);
      stages.put("rerank top 20", rerankMs);
      stages.put("total", totalMs);
      StringBuilder table = new StringBuilder("| stage | p50 ms | p99 ms | mean ms |\n|---|---|---|---|\n");
      Map<String, Object> latencyJson = new LinkedHashMap<>();
      String dominant = null;
      double dominantP50 = -1;
      for (Map.Entry<String, double[]> e : stages.entrySet()) {
        double p50 = percentile(e.getValue(), 50);
        double p99 = percentile(e.getValue(), 99);
        double mean = Arrays.stream(e.getValue()).average().orElse(0);
        table.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f |%n", e.getKey(), p50, p99, mean));
        latencyJson.put(e.getKey(), Map.of("p50_ms", p50, "p99_ms", p99, "mean_ms", mean));
        if (!e.getKey().equals("total") && p50 > dominantP50) {
          dominantP50 = p50;
          dominant = e.getKey();
        }
      }
      StringBuilder pairTable = new StringBuilder("| batch size | pairs/s, median (min–max) of 3 |\n|---|---|\n");
      Map<String, Object> pairJson = new LinkedHashMap<>();
      pairRates.forEach((b, r) -> {
        pairTable.append("| ").append(b).append(" | ").append(Stats.of(r).format(1)).append(" |\n");
        pairJson.put(String.valueOf(b), Stats.of(r));
      });
      double p50 = percentile(totalMs, 50);
      System.out.println();
      System.out.print(pairTable);
      System.out.println();
      System.out.print(table);
      String verdict = String.format(Locale.ROOT, "Target (issue 4): p50 ≤ 150 ms with the int8 reranker. Measured"
          + " p50 %.1f ms — %s. The largest stage is %s (p50 %.1f ms, %.0f%% of the total); the rerank pairs average"
          + " %.0f word pieces.", p50, p50 <= 150 ? "met" : "NOT met", dominant, dominantP50,
          100 * dominantP50 / Math.max(p50, 1e-9), avgRerankTokens);
      System.out.println(verdict);

      if (out != null) {
        String body = "## Reranking and two-stage query latency\n\n"
            + "Command: `bench/run-all.sh" + (quick ? " --quick" : "") + "` (main class"
            + " `dev.winnow.bench.RerankBenchmark --docs " + docCount + " --queries " + w.questions.size() + "`)\n\n"
            + "Machine: " + facts + "\n\n"
            + "Mode: " + (quick ? "quick" : "full") + ". p50/p99 are over the timed queries of one pass (the spread);"
            + " pairs/s is the median (min–max) of 3 repeats. No in-process JVM peer reranks, so these figures have"
            + " no peer ratio.\n\n"
            + String.format(Locale.ROOT, "Corpus: the first %d distinct WikiQA train sentences, encoded with the"
                + " bundled all-MiniLM-L6-v2 into an HNSW index (defaults) in %.1f s. Queries: %d distinct WikiQA"
                + " train questions, after %d warm-up queries. Reranker: `minilm-l6-reranker` (int8 ONNX,"
                + " ../shared/models). Pairs/s: %d (question, sentence) pairs per repeat, 32 per call (one question), cut into batches of the"
                + " given size.%n%n",
                w.docs.size(), indexSeconds, w.questions.size(), warm, pairs.size())
            + pairTable + "\nTwo-stage query latency, per query: encode the question, HNSW top-100, rerank the"
            + " first 20 (one batch), keep 10.\n\n" + table + "\n" + verdict + "\n";
        MarkdownSection.write(out, "rerank", body);
        System.out.println("wrote " + out.toAbsolutePath().normalize());
      }
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("mode", quick ? "quick" : "full");
      json.put("documents", w.docs.size());
      json.put("queries", w.questions.size());
      json.put("index_s", indexSeconds);
      json.put("rerank_pairs_per_s", pairJson);
      json.put("latency", latencyJson);
      json.put("p50_total_ms", p50);
      json.put("dominant_stage", dominant);
      System.out.println(BenchJson.of(json));
    }
  }

  private static void scorePairs(CrossEncoderReranker r, List<String[]> pairs) {
    // one call per question (its sentences), as a retriever would
    for (int i = 0; i < pairs.size(); i += PAIRS_PER_QUERY) {
      List<String[]> group = pairs.subList(i, Math.min(pairs.size(), i + PAIRS_PER_QUERY));
      r.score(group.get(0)[0], group.stream().map(p -> p[1]).toList());
    }
  }

  /** Word pieces of a (question, sentence) pair: question + sentence tokens - 1 (one [CLS], two [SEP]). */
  private static double averageTokens(DjlEncoder encoder, List<String> questions, List<String> texts) {
    int[] q = encoder.tokenCounts(questions);
    int[] d = encoder.tokenCounts(texts.subList(0, Math.min(1000, texts.size())));
    return Arrays.stream(q).average().orElse(0) + Arrays.stream(d).average().orElse(0) - 1;
  }

  static double percentile(double[] values, double p) {
    double[] v = values.clone();
    Arrays.sort(v);
    int i = (int) Math.ceil(p / 100.0 * v.length) - 1;
    return v[Math.max(0, Math.min(v.length - 1, i))];
  }

  /** The first distinct WikiQA sentences as documents and the first distinct questions. */
  record WikiQa(List<Document> docs, List<String> questions) {
    static WikiQa read(Path gz, int docCount, int queryCount) throws IOException {
      if (!Files.isRegularFile(gz)) {
        throw new IllegalArgumentException("WikiQA file not found: " + gz + " (pass --data DIR)");
      }
      Set<String> sentences = new LinkedHashSet<>();
      Set<String> questions = new LinkedHashSet<>();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)),
          StandardCharsets.UTF_8))) {
        r.readLine();
        for (String line; (line = r.readLine()) != null; ) {
          String[] f = line.split("\t", -1);
          if (f.length < 7) {
            continue;
          }
          if (sentences.size() < docCount) {
            sentences.add(f[5].strip());
          }
          if (questions.size() < queryCount) {
            questions.add(f[1].strip());
          }
        }
      }
      if (sentences.size() < docCount || questions.size() < queryCount) {
        throw new IllegalArgumentException(gz + " has only " + sentences.size() + " sentences and "
            + questions.size() + " questions");
      }
      List<Document> docs = new ArrayList<>();
      int i = 0;
      for (String s : sentences) {
        docs.add(new Document("w" + i++, s));
      }
      return new WikiQa(docs, new ArrayList<>(questions));
    }
  }
}
