package dev.winnow.examples;

import dev.winnow.DualEncoder;
import dev.winnow.Retrieval;
import dev.winnow.Retriever;
import dev.winnow.ScoredDocument;
import dev.winnow.Similarity;
import dev.winnow.VectorIndex;
import dev.winnow.Encoder;
import dev.winnow.eval.BeirDataset;
import dev.winnow.eval.Correlation;
import dev.winnow.eval.IrMetrics;
import dev.winnow.eval.LoadReport;
import dev.winnow.eval.RetrievalEvaluation;
import dev.winnow.eval.StsDataset;
import dev.winnow.eval.WikiQaDataset;
import dev.winnow.index.FlatVectorIndex;
import dev.winnow.index.HnswVectorIndex;
import dev.winnow.index.VectorIndexes;
import dev.winnow.rerank.CrossEncoderReranker;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The evaluation subcommands of {@link Cli}: {@code eval-retrieval} (BEIR layout), {@code eval-sts} (STS-B) and
 * {@code eval-rerank} (WikiQA). Each prints a table and, as the last line of stdout, one JSON object.
 */
final class EvalCommands {
  private EvalCommands() {}

  static void retrieval(String[] args, PrintStream out) throws IOException {
    Cli.Args a = new Cli.Args(args, "eval-retrieval --corpus F --queries F --qrels F [--encoder DIR]"
        + " [--reranker DIR] [--candidates N] [--k N] [--index flat|hnsw] [--limit N] [--lenient]"
        + " [--retriever DIR (a saved index of this corpus: skips encoding)] [--save DIR]");
    Path corpusFile = a.requiredPath("--corpus");
    Path queriesFile = a.requiredPath("--queries");
    Path qrelsFile = a.requiredPath("--qrels");
    Path encoderDir = a.path("--encoder", null);
    Path rerankerDir = a.path("--reranker", null);
    int candidates = a.integer("--candidates", 100, 1, 10_000);
    int k = a.integer("--k", 100, 1, 10_000);
    String kind = a.string("--index", "flat");
    int limit = a.integer("--limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
    boolean lenient = a.flag("--lenient");
    Path saved = a.path("--retriever", null);
    Path saveTo = a.path("--save", null);
    a.done();
    if (!kind.equals("flat") && !kind.equals("hnsw")) {
      throw new Cli.UsageException("--index must be flat or hnsw, got '" + kind + "'");
    }
    BeirDataset data = BeirDataset.load(corpusFile, queriesFile, qrelsFile, lenient);
    Map<String, String> queries = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : data.judgedQueries().entrySet()) {
      if (queries.size() < limit) {
        queries.put(e.getKey(), e.getValue());
      }
    }
    long[] stage = new long[3];
    long t0 = System.nanoTime();
    try (Encoder encoder = Cli.encoder(encoderDir);
        CrossEncoderReranker reranker = rerankerDir == null ? null : CrossEncoderReranker.open(rerankerDir);
        VectorIndex index = saved != null ? null : kind.equals("hnsw")
            ? HnswVectorIndex.builder(encoder.dimension(), encoder.similarity()).build()
            : new FlatVectorIndex(encoder.dimension(), encoder.similarity());
        Retriever retriever = saved != null
            ? Retriever.open(saved, DualEncoder.shared(encoder), VectorIndexes::open, reranker, candidates)
            : Retriever.builder().encoders(DualEncoder.shared(encoder)).index(index).reranker(reranker)
                .candidates(candidates).build()) {
      long t1 = System.nanoTime();
      if (saved == null) {
        retriever.add(data.corpus());
      } else if (retriever.size() != data.corpus().size()) {
        throw new IllegalArgumentException("the saved retriever " + saved + " holds " + retriever.size()
            + " documents but the corpus has " + data.corpus().size());
      }
      long t2 = System.nanoTime();
      if (saveTo != null) {
        retriever.save(saveTo);
      }
      // with a reranker every candidate is reranked and returned, so Recall@100 sees min(candidates, k) results
      int wanted = reranker == null ? k : Math.min(k, candidates);
      RetrievalEvaluation.Result r = RetrievalEvaluation.evaluate(queries, data.qrels(), q -> {
        Retrieval got = retriever.retrieve(q, wanted);
        stage[0] += got.timings().encodeNanos();
        stage[1] += got.timings().searchNanos();
        stage[2] += got.timings().rerankNanos();
        return got.results().stream().map(ScoredDocument::id).toList();
      });
      int n = Math.max(1, r.queries());
      out.printf(Locale.ROOT, "eval-retrieval: %d documents, %d judged queries evaluated, %s index, encoder %s%n",
          data.corpus().size(), r.queries(), kind, encoder.modelId());
      out.printf(Locale.ROOT, "reranker: %s%n", reranker == null ? "none" : reranker.modelId() + ", "
          + candidates + " candidates");
      printReports(out, data.reports());
      out.printf(Locale.ROOT, "  %-14s %.4f%n  %-14s %.4f%n  %-14s %.4f%n  %-14s %.4f%n  %-14s %.4f%n"
              + "  %-14s %.4f%n  %-14s %.4f%n", "nDCG@10", r.ndcgAt10(), "MRR@10", r.mrrAt10(), "Recall@1",
          r.recallAt1(), "Recall@10", r.recallAt10(), "Recall@100", r.recallAt100(), "MAP@100", r.mapAt100(),
          "P@10", r.precisionAt10());
      out.printf(Locale.ROOT, "  time: models %.1f s, encode+index %.1f s; per query: encode %.1f ms, search %.1f"
              + " ms, rerank %.1f ms%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9, stage[0] / 1e6 / n, stage[1] / 1e6 / n,
          stage[2] / 1e6 / n);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("documents", data.corpus().size());
      json.put("queries", r.queries());
      json.put("ndcg@10", r.ndcgAt10());
      json.put("mrr@10", r.mrrAt10());
      json.put("recall@1", r.recallAt1());
      json.put("recall@10", r.recallAt10());
      json.put("recall@100", r.recallAt100());
      json.put("map@100", r.mapAt100());
      json.put("p@10", r.precisionAt10());
      json.put("encoder", encoder.modelId());
      json.put("reranker", reranker == null ? null : reranker.modelId());
      json.put("candidates", reranker == null ? null : candidates);
      json.put("index", kind);
      json.put("index_s", (t2 - t1) / 1e9);
      json.put("encode_ms_per_query", stage[0] / 1e6 / n);
      json.put("search_ms_per_query", stage[1] / 1e6 / n);
      json.put("rerank_ms_per_query", stage[2] / 1e6 / n);
      json.put("skipped_lines", data.reports().stream().mapToInt(LoadReport::skipped).sum());
      out.println(Cli.json(json));
    }
  }

  static void sts(String[] args, PrintStream out) throws IOException {
    Cli.Args a = new Cli.Args(args, "eval-sts --file F [--encoder DIR] [--lenient]");
    Path file = a.requiredPath("--file");
    Path encoderDir = a.path("--encoder", null);
    boolean lenient = a.flag("--lenient");
    a.done();
    StsDataset data = StsDataset.load(file, lenient);
    try (Encoder encoder = Cli.encoder(encoderDir)) {
      long t0 = System.nanoTime();
      float[][] left = encoder.encode(data.pairs().stream().map(StsDataset.Pair::sentence1).toList());
      float[][] right = encoder.encode(data.pairs().stream().map(StsDataset.Pair::sentence2).toList());
      double seconds = (System.nanoTime() - t0) / 1e9;
      double[] cosine = new double[left.length];
      for (int i = 0; i < cosine.length; i++) {
        cosine[i] = Similarity.COSINE.score(left[i], right[i]);
      }
      double pearson = Correlation.pearson(cosine, data.scores());
      double spearman = Correlation.spearman(cosine, data.scores());
      out.printf(Locale.ROOT, "eval-sts: %s, %d pairs, encoder %s%n", file, data.pairs().size(), encoder.modelId());
      printReports(out, List.of(data.report()));
      out.printf(Locale.ROOT, "  Pearson  %.4f (x100: %.2f)%n  Spearman %.4f (x100: %.2f)%n  encode %.1f s%n",
          pearson, 100 * pearson, spearman, 100 * spearman, seconds);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("pairs", data.pairs().size());
      json.put("pearson", pearson);
      json.put("spearman", spearman);
      json.put("encoder", encoder.modelId());
      json.put("encode_s", seconds);
      json.put("skipped_lines", data.report().skipped());
      out.println(Cli.json(json));
    }
  }

  static void rerank(String[] args, PrintStream out) throws IOException {
    Cli.Args a = new Cli.Args(args, "eval-rerank --file WikiQA.tsv[.gz] [--encoder DIR] [--reranker DIR |"
        + " --no-reranker] [--lenient]");
    Path file = a.requiredPath("--file");
    Path encoderDir = a.path("--encoder", null);
    Path rerankerDir = Cli.rerankerPath(a);
    boolean lenient = a.flag("--lenient");
    a.done();
    WikiQaDataset data = WikiQaDataset.load(file, lenient);
    List<WikiQaDataset.Question> questions = data.answerable();
    try (Encoder encoder = Cli.encoder(encoderDir);
        CrossEncoderReranker reranker = rerankerDir == null ? null : CrossEncoderReranker.open(rerankerDir)) {
      double[] cosine = new double[2];
      double[] cross = new double[2];
      long encodeNanos = 0;
      long rerankNanos = 0;
      for (WikiQaDataset.Question q : questions) {
        long t0 = System.nanoTime();
        float[] qv = encoder.encode(q.text());
        float[][] sv = encoder.encode(q.sentences());
        long t1 = System.nanoTime();
        encodeNanos += t1 - t0;
        float[] cos = new float[sv.length];
        for (int i = 0; i < sv.length; i++) {
          cos[i] = encoder.similarity().score(qv, sv[i]);
        }
        add(cosine, ranking(cos), q);
        if (reranker != null) {
          long t2 = System.nanoTime();
          float[] s = reranker.score(q.text(), q.sentences());
          rerankNanos += System.nanoTime() - t2;
          add(cross, ranking(s), q);
        }
      }
      int n = Math.max(1, questions.size());
      out.printf(Locale.ROOT, "eval-rerank: %s, %d questions, %d with a correct answer (evaluated)%n", file,
          data.questions().size(), questions.size());
      printReports(out, List.of(data.report()));
      out.printf(Locale.ROOT, "  %-44s MAP %.4f  MRR %.4f%n", "cosine (" + encoder.modelId().split(";")[0] + ")",
          cosine[0] / n, cosine[1] / n);
      if (reranker != null) {
        out.printf(Locale.ROOT, "  %-44s MAP %.4f  MRR %.4f%n", "reranker (" + reranker.modelId().split(";")[0]
            + ")", cross[0] / n, cross[1] / n);
      } else {
        out.println("  no reranker: pass --reranker DIR");
      }
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("questions", questions.size());
      json.put("cosine_map", cosine[0] / n);
      json.put("cosine_mrr", cosine[1] / n);
      json.put("reranker_map", reranker == null ? null : cross[0] / n);
      json.put("reranker_mrr", reranker == null ? null : cross[1] / n);
      json.put("encoder", encoder.modelId());
      json.put("reranker", reranker == null ? null : reranker.modelId());
      json.put("encode_ms_per_question", encodeNanos / 1e6 / n);
      json.put("rerank_ms_per_question", rerankNanos / 1e6 / n);
      out.println(Cli.json(json));
    }
  }

  /** Candidate indexes (as strings) by descending score, ties by index. */
  static List<String> ranking(float[] scores) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < scores.length; i++) {
      order.add(i);
    }
    order.sort((x, y) -> {
      int c = Float.compare(scores[y], scores[x]);
      return c != 0 ? c : Integer.compare(x, y);
    });
    return order.stream().map(String::valueOf).toList();
  }

  private static void add(double[] sums, List<String> ranking, WikiQaDataset.Question q) {
    sums[0] += IrMetrics.averagePrecision(ranking, q.judgments(), ranking.size());
    sums[1] += IrMetrics.reciprocalRank(ranking, q.judgments(), ranking.size());
  }

  private static void printReports(PrintStream out, List<LoadReport> reports) {
    for (LoadReport r : reports) {
      if (r.skipped() > 0) {
        out.printf(Locale.ROOT, "  %s: %d lines, %d malformed skipped, e.g. %s%n", r.file().getFileName(), r.lines(),
            r.skipped(), r.firstProblems());
      }
    }
  }
}
