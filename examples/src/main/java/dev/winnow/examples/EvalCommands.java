package dev.winnow.examples;

import dev.winnow.Fusion;
import dev.winnow.KeywordIndex;
import dev.winnow.Retrieval;
import dev.winnow.RetrievalMode;
import dev.winnow.RetrieveOptions;
import dev.winnow.Retriever;
import dev.winnow.ScoredDocument;
import dev.winnow.Similarity;
import dev.winnow.VectorIndex;
import dev.winnow.Encoder;
import dev.winnow.eval.BeirDataset;
import dev.winnow.eval.Correlation;
import dev.winnow.eval.IrMetrics;
import dev.winnow.eval.LoadReport;
import dev.winnow.eval.RetrievalDatasets;
import dev.winnow.eval.RetrievalEvaluation;
import dev.winnow.eval.StsDataset;
import dev.winnow.eval.WikiQaDataset;
import dev.winnow.examples.cli.Flags;
import dev.winnow.index.FlatVectorIndex;
import dev.winnow.index.HnswVectorIndex;
import dev.winnow.index.VectorIndexes;
import dev.winnow.keyword.LuceneKeywordIndex;
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
  static final Flags.Command RETRIEVAL = Flags.command("eval-retrieval",
          "Retrieval quality (nDCG@10, recall, MRR) on a BEIR folder, the NQ sample or WikiQA.")
      .value("--corpus", "F", "BEIR corpus.jsonl (with --queries and --qrels)")
      .value("--queries", "F", "BEIR queries.jsonl")
      .value("--qrels", "F", "BEIR qrels TSV")
      .value("--nq", "F", "the NQ sample TSV instead")
      .value("--wikiqa", "F", "a WikiQA TSV instead")
      .with(Cli.MODEL_OPTIONS)
      .value("--mode", "dense|keyword|hybrid|all", "which rows (default dense)")
      .with(Cli.FUSION_OPTIONS)
      .value("--mmr", "LAMBDA", "MMR diversification, lambda in [0, 1]")
      .value("--depth", "N", "candidates per side")
      .value("--reranker", "DIR", "also rerank with this cross-encoder")
      .value("--candidates", "N", "first-stage results reranked (default 100)")
      .value("--k", "N", "results per query (default 100)")
      .value("--index", "flat|hnsw", "vector index (default flat)")
      .value("--limit", "N", "first N queries only")
      .flag("--lenient", "skip malformed lines instead of failing")
      .value("--retriever", "DIR", "a saved index of this corpus: skips encoding")
      .value("--save", "DIR", "save the built retriever here")
      .value("--dump", "FILE", "write per-query results here");
  static final Flags.Command STS = Flags.command("eval-sts", "STS-B Pearson and Spearman of cosine similarity.")
      .value("--file", "F", "sts-*.csv (required)")
      .value("--encoder", "DIR", "a model directory (default: the bundled MiniLM)")
      .flag("--lenient", "skip malformed lines instead of failing");
  static final Flags.Command RERANK = Flags.command("eval-rerank", "WikiQA MAP and MRR: cosine vs the reranker.")
      .value("--file", "F", "WikiQA-*.tsv[.gz] (required)")
      .value("--encoder", "DIR", "a model directory (default: the bundled MiniLM)")
      .with(Cli.RERANKER_OPTIONS)
      .flag("--lenient", "skip malformed lines instead of failing");
  static final Flags.Command MMR = Flags.command("eval-mmr",
          "MMR lambda vs diversity on paraphrase-dense STS-B.")
      .value("--file", "F", "sts.csv (required)")
      .with(Cli.MODEL_OPTIONS)
      .value("--min-score", "S", "pairs at least this similar count as paraphrases (default 4)")
      .value("--queries", "N", "queries (default 200)")
      .value("--k", "N", "results per query (default 10)")
      .value("--lambdas", "L,L,...", "lambdas to compare (default 1,0.9,0.7,0.5)");

  private EvalCommands() {}

  /** One evaluated configuration of {@code eval-retrieval}. */
  record Row(String name, RetrieveOptions options) {}

  static void retrieval(String[] args, PrintStream out) throws IOException {
    Cli.Args a = new Cli.Args(args, RETRIEVAL);
    Path corpusFile = a.path("--corpus", null);
    Path queriesFile = a.path("--queries", null);
    Path qrelsFile = a.path("--qrels", null);
    Path nqFile = a.path("--nq", null);
    Path wikiqaFile = a.path("--wikiqa", null);
    String model = a.string("--model", null);
    Path encoderDir = a.path("--encoder", null);
    Path rerankerDir = a.path("--reranker", null);
    int candidates = a.integer("--candidates", 100, 1, 10_000);
    int k = a.integer("--k", 100, 1, 10_000);
    String kind = a.string("--index", "flat");
    int limit = a.integer("--limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
    boolean lenient = a.flag("--lenient");
    Path saved = a.path("--retriever", null);
    Path saveTo = a.path("--save", null);
    String modeArg = a.string("--mode", "dense");
    Fusion fusion = Cli.fusion(a);
    String mmrArg = a.string("--mmr", null);
    int depth = a.integer("--depth", 0, 0, RetrieveOptions.MAX_DEPTH);
    Path dump = a.path("--dump", null);
    if (!kind.equals("flat") && !kind.equals("hnsw")) {
      throw new Cli.UsageException("--index must be flat or hnsw, got '" + kind + "'");
    }
    int sources = (corpusFile != null ? 1 : 0) + (nqFile != null ? 1 : 0) + (wikiqaFile != null ? 1 : 0);
    if (sources != 1 || (corpusFile != null && (queriesFile == null || qrelsFile == null))) {
      throw new Cli.UsageException("give one data set: --corpus F --queries F --qrels F (BEIR), --nq F or --wikiqa F");
    }
    Cli.checkModelArgs(model, encoderDir);
    RetrieveOptions base = RetrieveOptions.DEFAULTS.withDepth(depth);
    if (mmrArg != null) {
      try {
        base = base.withMmr(Double.parseDouble(mmrArg));
      } catch (IllegalArgumentException e) {
        throw new Cli.UsageException("--mmr must be a number in [0, 1], got '" + mmrArg + "'");
      }
    }
    List<Row> rows = rows(modeArg, fusion, base, rerankerDir != null);
    boolean needsKeyword = rows.stream().anyMatch(r -> r.options().mode() != RetrievalMode.DENSE);
    String dataName = corpusFile != null ? corpusFile.toString() : nqFile != null ? nqFile.toString()
        : wikiqaFile.toString();
    BeirDataset data = corpusFile != null ? BeirDataset.load(corpusFile, queriesFile, qrelsFile, lenient)
        : nqFile != null ? RetrievalDatasets.naturalQuestions(nqFile, lenient) : RetrievalDatasets.wikiQa(wikiqaFile, lenient);
    Map<String, String> queries = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : data.judgedQueries().entrySet()) {
      if (queries.size() < limit) {
        queries.put(e.getKey(), e.getValue());
      }
    }
    long t0 = System.nanoTime();
    try (Cli.ModelChoice m = Cli.model(model, encoderDir);
        CrossEncoderReranker reranker = rerankerDir == null ? null : CrossEncoderReranker.open(rerankerDir);
        VectorIndex index = saved != null ? null : kind.equals("hnsw")
            ? HnswVectorIndex.builder(m.encoder().dimension(), m.encoder().similarity()).build()
            : new FlatVectorIndex(m.encoder().dimension(), m.encoder().similarity());
        KeywordIndex keyword = saved != null || !needsKeyword ? null : LuceneKeywordIndex.builder().build();
        Retriever retriever = saved != null
            ? Retriever.opener(saved).encoders(m.encoders()).vectorIndex(VectorIndexes::open)
                .keywordIndex(LuceneKeywordIndex::open).reranker(reranker).candidates(candidates).open()
            : Retriever.builder().encoders(m.encoders()).index(index).keywordIndex(keyword).reranker(reranker)
                .candidates(candidates).build()) {
      long t1 = System.nanoTime();
      if (saved == null) {
        retriever.add(data.corpus(), Cli.progressBar(System.err, "index"));
      } else if (retriever.size() != data.corpus().size()) {
        throw new IllegalArgumentException("the saved retriever " + saved + " holds " + retriever.size()
            + " documents but the corpus has " + data.corpus().size());
      }
      if (needsKeyword && retriever.keywordIndex().isEmpty()) {
        throw new IllegalArgumentException("the saved retriever " + saved + " has no keyword index; use --mode dense");
      }
      long t2 = System.nanoTime();
      if (saveTo != null) {
        retriever.save(saveTo);
      }
      if (dump != null) {
        dumpRuns(dump, retriever, queries, data.qrels(), Math.max(k, 100));
      }
      // with a reranker every candidate is reranked and returned, so Recall@100 sees min(candidates, k) results
      int wanted = reranker == null ? k : Math.min(k, candidates);
      out.printf(Locale.ROOT, "eval-retrieval: %s, %d documents, %d judged queries evaluated, %s index, model %s%n",
          dataName, data.corpus().size(), queries.size(), kind, m.label());
      out.printf(Locale.ROOT, "encoder: %s%nreranker: %s%n", m.encoder().modelId(), reranker == null ? "none"
          : reranker.modelId() + ", " + candidates + " candidates");
      printReports(out, data.reports());
      out.printf(Locale.ROOT, "  %-22s %8s %8s %8s %8s %8s %8s %8s %8s %8s%n", "mode", "nDCG@10", "MRR@10",
          "R@10", "R@100", "MAP@100", "p50 ms", "p99 ms", "enc ms", "rr ms");
      List<Map<String, Object>> jsonRows = new ArrayList<>();
      for (Row row : rows) {
        List<Long> latencies = new ArrayList<>();
        long[] stage = new long[5];
        RetrieveOptions o = row.options();
        RetrievalEvaluation.Result r = RetrievalEvaluation.evaluate(queries, data.qrels(), q -> {
          Retrieval got = retriever.retrieve(q, wanted, o);
          latencies.add(got.timings().totalNanos());
          stage[0] += got.timings().encodeNanos();
          stage[1] += got.timings().vectorSearchNanos();
          stage[2] += got.timings().keywordSearchNanos();
          stage[3] += got.timings().fusionNanos();
          stage[4] += got.timings().rerankNanos();
          return got.results().stream().map(ScoredDocument::id).toList();
        });
        int n = Math.max(1, r.queries());
        double p50 = percentile(latencies, 0.50) / 1e6;
        double p99 = percentile(latencies, 0.99) / 1e6;
        out.printf(Locale.ROOT, "  %-22s %8.4f %8.4f %8.4f %8.4f %8.4f %8.2f %8.2f %8.2f %8.2f%n", row.name(),
            r.ndcgAt10(), r.mrrAt10(), r.recallAt10(), r.recallAt100(), r.mapAt100(), p50, p99, stage[0] / 1e6 / n,
            stage[4] / 1e6 / n);
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("mode", row.name());
        j.put("queries", r.queries());
        j.put("ndcg@10", r.ndcgAt10());
        j.put("mrr@10", r.mrrAt10());
        j.put("recall@1", r.recallAt1());
        j.put("recall@10", r.recallAt10());
        j.put("recall@100", r.recallAt100());
        j.put("map@100", r.mapAt100());
        j.put("p@10", r.precisionAt10());
        j.put("p50_ms", p50);
        j.put("p99_ms", p99);
        j.put("encode_ms_per_query", stage[0] / 1e6 / n);
        j.put("vector_search_ms_per_query", stage[1] / 1e6 / n);
        j.put("keyword_search_ms_per_query", stage[2] / 1e6 / n);
        j.put("fusion_ms_per_query", stage[3] / 1e6 / n);
        j.put("rerank_ms_per_query", stage[4] / 1e6 / n);
        jsonRows.add(j);
      }
      out.printf(Locale.ROOT, "  time: models %.1f s, encode+index %.1f s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("data", dataName);
      json.put("documents", data.corpus().size());
      json.put("queries", queries.size());
      json.put("model", m.label());
      json.put("encoder", m.encoder().modelId());
      json.put("reranker", reranker == null ? null : reranker.modelId());
      json.put("candidates", reranker == null ? null : candidates);
      json.put("index", kind);
      json.put("index_s", (t2 - t1) / 1e9);
      json.put("skipped_lines", data.reports().stream().mapToInt(LoadReport::skipped).sum());
      if (jsonRows.size() == 1) {
        json.putAll(jsonRows.get(0)); // one mode: its figures at top level, as before
      }
      json.put("rows", jsonRows);
      out.println(Cli.json(json));
    }
  }

  /**
   * {@code --dump FILE}: one JSON line per query with its judgments and the dense and keyword runs (id, score),
   * {@code depth} deep, for studying fusion offline.
   */
  static void dumpRuns(Path file, Retriever retriever, Map<String, String> queries,
      Map<String, Map<String, Integer>> qrels, int depth) throws IOException {
    try (var w = java.nio.file.Files.newBufferedWriter(file, java.nio.charset.StandardCharsets.UTF_8)) {
      for (Map.Entry<String, String> q : queries.entrySet()) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("qid", q.getKey());
        line.put("qrels", qrels.get(q.getKey()));
        for (RetrievalMode m : new RetrievalMode[] {RetrievalMode.DENSE, RetrievalMode.KEYWORD}) {
          if (m == RetrievalMode.KEYWORD && retriever.keywordIndex().isEmpty()) {
            continue;
          }
          List<Object[]> run = new ArrayList<>();
          for (ScoredDocument s : retriever.retrieve(q.getValue(), depth, RetrieveOptions.DEFAULTS.withMode(m)
              .withoutRerank()).results()) {
            run.add(new Object[] {s.id(), s.firstStageScore()});
          }
          line.put(m.name().toLowerCase(Locale.ROOT), run);
        }
        w.write(Cli.json(line));
        w.newLine();
      }
    }
  }

  /** The configurations {@code --mode} asks for; {@code all} is every mode, ± the reranker when given. */
  static List<Row> rows(String mode, Fusion fusion, RetrieveOptions base, boolean reranker) {
    List<Row> rows = new ArrayList<>();
    if (mode.equalsIgnoreCase("all")) {
      Fusion rrf = fusion instanceof Fusion.Rrf ? fusion : Fusion.rrf();
      Fusion linear = fusion instanceof Fusion.Linear ? fusion : Retriever.DEFAULT_FUSION;
      rows.add(new Row("bm25", base.withMode(RetrievalMode.KEYWORD)));
      rows.add(new Row("dense", base.withMode(RetrievalMode.DENSE)));
      rows.add(new Row("hybrid " + rrf, base.withMode(RetrievalMode.HYBRID).withFusion(rrf)));
      rows.add(new Row("hybrid " + linear, base.withMode(RetrievalMode.HYBRID).withFusion(linear)));
    } else {
      RetrievalMode m = Cli.mode(mode);
      RetrieveOptions o = base.withMode(m);
      if (m == RetrievalMode.HYBRID && fusion != null) {
        o = o.withFusion(fusion);
      }
      rows.add(new Row(m == RetrievalMode.KEYWORD ? "bm25" : m == RetrievalMode.HYBRID
          ? "hybrid " + (fusion != null ? fusion : Retriever.DEFAULT_FUSION) : "dense", o));
    }
    if (!reranker) {
      return rows.stream().map(r -> new Row(r.name(), r.options().withoutRerank())).toList();
    }
    List<Row> both = new ArrayList<>();
    for (Row r : rows) {
      both.add(new Row(r.name(), r.options().withoutRerank()));
      both.add(new Row(r.name() + " +rerank", r.options()));
    }
    return both;
  }

  static long percentile(List<Long> values, double q) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int i = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  /**
   * {@code eval-mmr}: how MMR's lambda trades relevance for diversity on a corpus full of near-duplicates: every
   * sentence of an STS-B file's pairs scored at least {@code --min-score} (paraphrase partners side by side),
   * queried with the first {@code --queries} such pairs' first sentences; reports the mean pairwise cosine of the
   * top 10 and how often the query's paraphrase partner is still in it, per lambda.
   */
  static void mmr(String[] args, PrintStream out) throws IOException {
    Cli.Args a = new Cli.Args(args, MMR);
    Path file = a.requiredPath("--file");
    String model = a.string("--model", null);
    Path encoderDir = a.path("--encoder", null);
    String minScoreArg = a.string("--min-score", "4");
    int nQueries = a.integer("--queries", 200, 1, 100_000);
    int k = a.integer("--k", 10, 2, 1000);
    String lambdasArg = a.string("--lambdas", "1,0.9,0.7,0.5");
    double minScore;
    List<Double> lambdas = new ArrayList<>();
    try {
      minScore = Double.parseDouble(minScoreArg);
      for (String l : lambdasArg.split(",")) {
        lambdas.add(Double.parseDouble(l.trim()));
      }
    } catch (NumberFormatException e) {
      throw new Cli.UsageException("--min-score and --lambdas take numbers: " + e.getMessage());
    }
    StsDataset data = StsDataset.load(file, false);
    Map<String, String> idOf = new LinkedHashMap<>();
    List<dev.winnow.Document> docs = new ArrayList<>();
    List<String[]> pairs = new ArrayList<>();
    for (int i = 0; i < data.pairs().size(); i++) {
      if (data.scores()[i] >= minScore) {
        StsDataset.Pair p = data.pairs().get(i);
        if (p.sentence1().equals(p.sentence2())) {
          continue;
        }
        for (String t : new String[] {p.sentence1(), p.sentence2()}) {
          if (!idOf.containsKey(t)) {
            idOf.put(t, "s" + idOf.size());
            docs.add(new dev.winnow.Document(idOf.get(t), t));
          }
        }
        pairs.add(new String[] {p.sentence1(), idOf.get(p.sentence2())});
      }
    }
    List<String[]> queries = pairs.subList(0, Math.min(nQueries, pairs.size()));
    try (Cli.ModelChoice m = Cli.model(model, encoderDir);
        FlatVectorIndex index = new FlatVectorIndex(m.encoder().dimension(), m.encoder().similarity());
        Retriever retriever = Retriever.builder().encoders(m.encoders()).index(index).build()) {
      retriever.add(docs, Cli.progressBar(System.err, "index"));
      out.printf(Locale.ROOT, "eval-mmr: %s, %d sentences from %d pairs scored >= %.1f, %d queries, top %d, model %s%n",
          file, docs.size(), pairs.size(), minScore, queries.size(), k, m.label());
      out.printf(Locale.ROOT, "  %-8s %-22s %-20s %-16s%n", "lambda", "mean pairwise cosine", "partner in top k",
          "mean query cos");
      List<Map<String, Object>> rows = new ArrayList<>();
      for (double lambda : lambdas) {
        double cosSum = 0;
        double relSum = 0;
        int partner = 0;
        for (String[] q : queries) {
          // the query sentence itself is in the corpus; as in a RAG corpus with duplicates, it stays
          Retrieval r = retriever.retrieve(q[0], k, RetrieveOptions.DEFAULTS.withMmr(lambda, 100));
          List<float[]> vectors = new ArrayList<>();
          for (ScoredDocument s : r.results()) {
            vectors.add(index.vector(s.id()).orElseThrow());
            relSum += s.denseScore().orElse(0) / r.results().size();
          }
          cosSum += dev.winnow.Mmr.meanPairwiseCosine(vectors);
          partner += r.results().stream().anyMatch(s -> s.id().equals(q[1])) ? 1 : 0;
        }
        double meanCos = cosSum / queries.size();
        out.printf(Locale.ROOT, "  %-8.2f %-22.4f %-20.3f %-16.4f%n", lambda, meanCos,
            partner / (double) queries.size(), relSum / queries.size());
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("lambda", lambda);
        row.put("mean_pairwise_cosine", meanCos);
        row.put("partner_in_top_k", partner / (double) queries.size());
        row.put("mean_query_cosine", relSum / queries.size());
        rows.add(row);
      }
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("sentences", docs.size());
      json.put("queries", queries.size());
      json.put("k", k);
      json.put("model", m.label());
      json.put("rows", rows);
      out.println(Cli.json(json));
    }
  }

  static void sts(String[] args, PrintStream out) throws IOException {
    Cli.Args a = new Cli.Args(args, STS);
    Path file = a.requiredPath("--file");
    Path encoderDir = a.path("--encoder", null);
    boolean lenient = a.flag("--lenient");
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
    Cli.Args a = new Cli.Args(args, RERANK);
    Path file = a.requiredPath("--file");
    Path encoderDir = a.path("--encoder", null);
    Path rerankerDir = Cli.rerankerPath(a);
    boolean lenient = a.flag("--lenient");
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
      out.printf(Locale.ROOT, "  %-44s MAP %.4f  MRR %.4f%n", "cosine (" + label(encoder.modelId()) + ")",
          cosine[0] / n, cosine[1] / n);
      if (reranker != null) {
        out.printf(Locale.ROOT, "  %-44s MAP %.4f  MRR %.4f%n", "reranker (" + label(reranker.modelId())
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

  /** A short label for a model id: its first field, a content hash cut to 12 hex digits. */
  static String label(String modelId) {
    String first = modelId.split(";")[0];
    return first.startsWith("sha256:") && first.length() > 19 ? first.substring(0, 19) : first;
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
