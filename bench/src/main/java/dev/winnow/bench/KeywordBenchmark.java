package dev.winnow.bench;

import dev.winnow.Document;
import dev.winnow.Filter;
import dev.winnow.Hit;
import dev.winnow.eval.BeirDataset;
import dev.winnow.eval.IrMetrics;
import dev.winnow.eval.RetrievalEvaluation;
import dev.winnow.eval.WikiQaDataset;
import dev.winnow.keyword.LuceneKeywordIndex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * BM25 ({@link LuceneKeywordIndex}, EnglishAnalyzer) on real data: retrieval quality for a grid of
 * {@code (k1, b)} on three data sets, and search latency on SciFact.
 *
 * <ul>
 *   <li>SciFact (BEIR layout), train judgments: 5,183 abstracts ({@code title + " " + text}), 809 claims:
 *       nDCG@10, MRR@10, Recall@100.
 *   <li>Natural Questions sample: 1,000 questions, the corpus is their 996 distinct answer passages: nDCG@10,
 *       MRR@10, Recall@100.
 *   <li>WikiQA dev, answer-sentence selection: every candidate sentence indexed once (2,733), each answerable
 *       question (126) searched with a filter on its own candidates; candidates sharing no term follow in file
 *       order: MAP, MRR.
 *   <li>Latency: the 809 SciFact claims, one thread, k = 10 and 100, after one warm-up pass; p50/p99 over
 *       {@code --repeats} timed passes.
 * </ul>
 *
 * <p>Each index is built once and saved; every grid point reopens it with other {@code k1}/{@code b}, which BM25
 * applies at search time. Prints tables; the last line is one JSON object. Writes no file.
 *
 * <pre>
 * bench/run-keyword-benchmark.sh [--data DIR] [--repeats N] [--grid k1:b,k1:b,...]
 * </pre>
 */
public final class KeywordBenchmark {
  private KeywordBenchmark() {}

  /** Lucene's defaults, Anserini's BEIR defaults, then a grid around them. */
  private static final String DEFAULT_GRID = "1.2:0.75,0.9:0.4,"
      + "0.6:0.3,0.6:0.5,0.6:0.75,0.9:0.3,0.9:0.5,0.9:0.75,1.2:0.3,1.2:0.4,1.2:0.5,1.5:0.4,1.5:0.5,1.5:0.75,"
      + "2.0:0.5,2.0:0.75";

  public static void main(String[] args) throws IOException {
    Path data = Path.of(System.getProperty("winnow.shared", "../shared")).resolve("data");
    int repeats = 5;
    String grid = DEFAULT_GRID;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data" -> data = Path.of(args[++i]);
        case "--repeats" -> repeats = Integer.parseInt(args[++i]);
        case "--grid" -> grid = args[++i];
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + " (options: --data DIR, --repeats N, --grid k1:b,k1:b,...)");
      }
    }
    List<float[]> points = new ArrayList<>();
    for (String p : grid.split(",")) {
      String[] kb = p.split(":");
      points.add(new float[] {Float.parseFloat(kb[0]), Float.parseFloat(kb[1])});
    }
    System.out.println("BM25 (LuceneKeywordIndex, EnglishAnalyzer); defaults k1=" + LuceneKeywordIndex.DEFAULT_K1
        + " b=" + LuceneKeywordIndex.DEFAULT_B);
    System.out.println(MachineFacts.describe());
    Path tmp = Files.createTempDirectory("winnow-keyword-bench");
    Map<String, Object> json = new LinkedHashMap<>();
    try {
      // 1. SciFact
      Path s = data.resolve("scifact");
      BeirDataset scifact = BeirDataset.load(s.resolve("corpus.jsonl"), s.resolve("queries.jsonl"),
          s.resolve("qrels/train.tsv"), false);
      double indexSeconds = build(scifact.corpus(), tmp.resolve("scifact"));
      System.out.printf(Locale.ROOT, "%nSciFact: %d documents indexed in %.2f s, %d judged queries%n",
          scifact.corpus().size(), indexSeconds, scifact.judgedQueries().size());
      // 2. NQ sample
      Nq nq = Nq.read(data.resolve("nq_sample/nq_sample.utf8fixed.tsv"));
      build(nq.corpus, tmp.resolve("nq"));
      System.out.printf(Locale.ROOT, "NQ sample: %d passages, %d questions%n", nq.corpus.size(), nq.queries.size());
      // 3. WikiQA dev
      WikiQaDataset wikiqa = WikiQaDataset.load(data.resolve("wikiqa/WikiQA-dev.tsv.gz"), false);
      List<Document> sentences = new ArrayList<>();
      for (WikiQaDataset.Question q : wikiqa.questions()) {
        for (int i = 0; i < q.sentences().size(); i++) {
          sentences.add(new Document(q.id() + "#" + i, q.sentences().get(i), Map.of("question", q.id())));
        }
      }
      build(sentences, tmp.resolve("wikiqa"));
      System.out.printf(Locale.ROOT, "WikiQA dev: %d sentences, %d answerable questions%n%n", sentences.size(),
          wikiqa.answerable().size());

      StringBuilder table = new StringBuilder("| k1 | b | SciFact nDCG@10 | MRR@10 | R@100 | NQ nDCG@10 | MRR@10 | R@100"
          + " | WikiQA MAP | MRR |\n|---|---|---|---|---|---|---|---|---|---|\n");
      List<Map<String, Object>> rows = new ArrayList<>();
      for (float[] p : points) {
        RetrievalEvaluation.Result sf;
        RetrievalEvaluation.Result n;
        double[] w;
        try (LuceneKeywordIndex index = open(tmp.resolve("scifact"), p)) {
          sf = RetrievalEvaluation.evaluate(scifact.judgedQueries(), scifact.qrels(), q -> ids(index.search(q, 100)));
        }
        try (LuceneKeywordIndex index = open(tmp.resolve("nq"), p)) {
          n = RetrievalEvaluation.evaluate(nq.queries, nq.qrels, q -> ids(index.search(q, 100)));
        }
        try (LuceneKeywordIndex index = open(tmp.resolve("wikiqa"), p)) {
          w = wikiQa(index, wikiqa.answerable());
        }
        table.append(String.format(Locale.ROOT, "| %.1f | %.2f | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f |%n",
            p[0], p[1], sf.ndcgAt10(), sf.mrrAt10(), sf.recallAt100(), n.ndcgAt10(), n.mrrAt10(), n.recallAt100(),
            w[0], w[1]));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("k1", p[0]);
        row.put("b", p[1]);
        row.put("scifact", Map.of("ndcg10", sf.ndcgAt10(), "mrr10", sf.mrrAt10(), "recall100", sf.recallAt100()));
        row.put("nq", Map.of("ndcg10", n.ndcgAt10(), "mrr10", n.mrrAt10(), "recall100", n.recallAt100()));
        row.put("wikiqa", Map.of("map", w[0], "mrr", w[1]));
        rows.add(row);
      }
      System.out.print(table);
      json.put("grid", rows);

      // 4. latency on SciFact with the defaults
      List<String> queries = new ArrayList<>(scifact.judgedQueries().values());
      StringBuilder lat = new StringBuilder("\n| SciFact search, defaults | p50 ms | p99 ms | mean ms | queries/s |\n"
          + "|---|---|---|---|---|\n");
      try (LuceneKeywordIndex index = LuceneKeywordIndex.open(tmp.resolve("scifact"))) {
        for (int k : new int[] {10, 100}) {
          for (String q : queries) {
            index.search(q, k); // warm-up
          }
          double[] ms = new double[queries.size() * repeats];
          int at = 0;
          long total = System.nanoTime();
          for (int r = 0; r < repeats; r++) {
            for (String q : queries) {
              long t0 = System.nanoTime();
              index.search(q, k);
              ms[at++] = (System.nanoTime() - t0) / 1e6;
            }
          }
          double seconds = (System.nanoTime() - total) / 1e9;
          double p50 = percentile(ms, 50);
          double p99 = percentile(ms, 99);
          double mean = java.util.Arrays.stream(ms).average().orElse(0);
          lat.append(String.format(Locale.ROOT, "| k = %d | %.2f | %.2f | %.2f | %.0f |%n", k, p50, p99, mean,
              ms.length / seconds));
          json.put("latency_k" + k, Map.of("p50_ms", p50, "p99_ms", p99, "mean_ms", mean));
        }
      }
      System.out.print(lat);
      System.out.println("(" + queries.size() + " queries x " + repeats + " timed passes after one warm-up pass, one"
          + " thread; target p50 <= 5 ms)");
      json.put("scifact_index_seconds", indexSeconds);
      System.out.println(BenchJson.of(json));
    } finally {
      try (Stream<Path> walk = Files.walk(tmp)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** Indexes the documents with the defaults and saves them; returns the indexing seconds. */
  private static double build(List<Document> docs, Path dir) throws IOException {
    try (LuceneKeywordIndex index = LuceneKeywordIndex.builder().build()) {
      long t0 = System.nanoTime();
      index.addAll(docs);
      double seconds = (System.nanoTime() - t0) / 1e9;
      index.save(dir);
      return seconds;
    }
  }

  private static LuceneKeywordIndex open(Path dir, float[] k1b) throws IOException {
    return LuceneKeywordIndex.builder().k1(k1b[0]).b(k1b[1]).open(dir);
  }

  /** Nearest-rank percentile (as RerankBenchmark computes it). */
  private static double percentile(double[] values, double p) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    int i = (int) Math.ceil(p / 100.0 * v.length) - 1;
    return v[Math.max(0, Math.min(v.length - 1, i))];
  }

  private static List<String> ids(List<Hit> hits) {
    return hits.stream().map(Hit::id).toList();
  }

  /** MAP and MRR over the answerable questions; each question ranks only its own candidates. */
  private static double[] wikiQa(LuceneKeywordIndex index, List<WikiQaDataset.Question> questions) {
    double map = 0;
    double mrr = 0;
    for (WikiQaDataset.Question q : questions) {
      List<String> ranking = new ArrayList<>();
      for (Hit h : index.search(q.text(), q.sentences().size(), Filter.eq("question", q.id()))) {
        ranking.add(h.id().substring(h.id().lastIndexOf('#') + 1));
      }
      Set<String> seen = new LinkedHashSet<>(ranking);
      for (int i = 0; i < q.sentences().size(); i++) {
        if (seen.add(Integer.toString(i))) {
          ranking.add(Integer.toString(i));   // no shared term: after the BM25 hits, in file order
        }
      }
      map += IrMetrics.averagePrecision(ranking, q.judgments(), ranking.size());
      mrr += IrMetrics.reciprocalRank(ranking, q.judgments(), ranking.size());
    }
    return new double[] {map / questions.size(), mrr / questions.size()};
  }

  /** The NQ sample: the distinct answers are the corpus; each question's answer is its one relevant passage. */
  private record Nq(List<Document> corpus, Map<String, String> queries, Map<String, Map<String, Integer>> qrels) {
    static Nq read(Path tsv) throws IOException {
      List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
      Map<String, String> passageIds = new LinkedHashMap<>();
      List<Document> corpus = new ArrayList<>();
      Map<String, String> queries = new LinkedHashMap<>();
      Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
      for (int i = 1; i < lines.size(); i++) {
        if (lines.get(i).isBlank()) {
          continue;
        }
        String[] f = lines.get(i).split("\t", -1);
        if (f.length != 2) {
          throw new IllegalArgumentException(tsv + ":" + (i + 1) + ": expected 2 TAB-separated fields, got " + f.length);
        }
        String pid = passageIds.computeIfAbsent(f[1], a -> {
          String id = "p" + passageIds.size();
          corpus.add(new Document(id, a));
          return id;
        });
        String qid = "q" + i;
        queries.put(qid, f[0]);
        qrels.put(qid, Map.of(pid, 1));
      }
      return new Nq(corpus, queries, qrels);
    }
  }
}
