package dev.winnow.examples;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.winnow.Document;
import dev.winnow.DualEncoder;
import dev.winnow.Encoder;
import dev.winnow.Fusion;
import dev.winnow.IngestProgress;
import dev.winnow.KeywordIndex;
import dev.winnow.Retrieval;
import dev.winnow.RetrievalMode;
import dev.winnow.RetrieveOptions;
import dev.winnow.Retriever;
import dev.winnow.ScoredDocument;
import dev.winnow.VectorIndex;
import dev.winnow.encoders.BundledModel;
import dev.winnow.encoders.DjlEncoder;
import dev.winnow.encoders.Encoders;
import dev.winnow.examples.cli.Flags;
import dev.winnow.keyword.LuceneKeywordIndex;
import dev.winnow.index.FlatVectorIndex;
import dev.winnow.index.HnswVectorIndex;
import dev.winnow.index.VectorIndexes;
import dev.winnow.rerank.CrossEncoderReranker;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Winnow's command line. Subcommands:
 *
 * <pre>
 * index  --corpus FILE --out DIR [--model NAME | --encoder DIR] [--index hnsw|flat] [--mode dense|hybrid]
 *                                                          corpus (TSV id&lt;TAB&gt;text, or JSONL; .gz too) → saved retriever
 * search --retriever DIR [--query Q] [--k N] [--mode dense|keyword|hybrid] [--fusion rrf|linear] [--alpha A]
 *        [--rrf-k K] [--mmr LAMBDA] [--depth N] [--reranker DIR] [--candidates N]
 *                                                          queries (--query or stdin lines) → JSON lines
 * embed  [--model NAME | --encoder DIR] [--as passage|query]   stdin lines → JSON lines {"text", "vector"}
 * rerank --query Q [--reranker DIR]                        stdin passages → JSON lines {"rank", "score", "passage"}
 * eval-retrieval (--corpus F --queries F --qrels F | --nq F | --wikiqa F) [--model NAME] [--mode all|...]
 *        [--reranker DIR] [--candidates N] [--k N]
 * eval-sts --file F [--encoder DIR]                         STS-B Pearson / Spearman
 * eval-mmr --file sts.csv [--model NAME]                   MMR lambda vs diversity on paraphrase-dense STS-B
 * eval-rerank --file F [--encoder DIR] [--reranker DIR]     WikiQA MAP / MRR, cosine vs reranker
 * demo   (the main job; see {@link Demo})
 * </pre>
 *
 * <p>Run: {@code bin/winnow index ...}. {@code --model} picks a bundled model ({@code minilm}, {@code minilm-q},
 * {@code bge-small}, {@code e5-small}; default {@value #DEFAULT_MODEL}) whose query/passage prompts are applied;
 * {@code --encoder DIR} loads a model directory instead. The reranker to {@code <shared>/models/minilm-l6-reranker}
 * when it exists. {@code index} prints a table on stdout; data commands print their JSON lines on stdout and the
 * table on stderr. Every subcommand ends stdout with one JSON object of figures. Errors: message on stderr, exit
 * status 2 for usage errors and 1 for failures.
 */
public final class Cli {
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

  private Cli() {}

  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Runs one subcommand; {@code --help} (alone, or after a subcommand) prints usage on {@code out}.
   *
   * @return the exit status: 0, 1 for failures, 2 for usage errors
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    String names = String.join(", ", commands().stream().map(Flags.Command::name).toList());
    if (args.length == 0) {
      err.println("winnow: expected a subcommand: " + names + " (or --help)");
      return 2;
    }
    if (args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
      out.print(Flags.overview("winnow", "Winnow's command line: every subcommand ends stdout with one JSON object"
          + " of figures. 'winnow COMMAND --help' lists a command's options.", commands()));
      return 0;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    try {
      switch (args[0]) {
        case "index" -> index(rest, out, err);
        case "search" -> search(rest, out, err);
        case "embed" -> embed(rest, out, err);
        case "rerank" -> rerank(rest, out, err);
        case "eval-retrieval" -> EvalCommands.retrieval(rest, out);
        case "eval-sts" -> EvalCommands.sts(rest, out);
        case "eval-rerank" -> EvalCommands.rerank(rest, out);
        case "eval-mmr" -> EvalCommands.mmr(rest, out);
        case "demo" -> Demo.run(rest, out);
        default -> {
          err.println("winnow: unknown subcommand '" + args[0] + "'; expected " + names);
          return 2;
        }
      }
      return 0;
    } catch (Flags.HelpRequested h) {
      out.print(h.getMessage());
      return 0;
    } catch (UsageException e) {
      err.println("winnow " + args[0] + ": " + e.getMessage());
      return 2;
    } catch (RuntimeException | IOException e) {
      err.println("winnow " + args[0] + ": " + e.getMessage());
      return 1;
    }
  }

  /** {@code --model NAME | --encoder DIR}. */
  static final List<Flags.Option> MODEL_OPTIONS = List.of(
      new Flags.Option("--model", "NAME", "bundled model: minilm, minilm-q, bge-small, e5-small (default "
          + "minilm); its query/passage prompts are applied"),
      new Flags.Option("--encoder", "DIR", "a model directory instead of a bundled model"));
  /** The reranker: {@code --reranker DIR | --no-reranker}. */
  static final List<Flags.Option> RERANKER_OPTIONS = List.of(
      new Flags.Option("--reranker", "DIR", "cross-encoder directory (default <shared>/models/minilm-l6-reranker"
          + " when it exists)"),
      new Flags.Option("--no-reranker", null, "do not rerank"));
  /** {@code --fusion rrf|linear [--alpha A] [--rrf-k K]}. */
  static final List<Flags.Option> FUSION_OPTIONS = List.of(
      new Flags.Option("--fusion", "rrf|linear", "how hybrid mode fuses dense and keyword lists (default linear 0.7)"),
      new Flags.Option("--alpha", "A", "dense weight of --fusion linear, in [0, 1]"),
      new Flags.Option("--rrf-k", "K", "k of --fusion rrf (default 60)"));
  /** The per-query options of {@link #retrieveOptions}. */
  static final List<Flags.Option> RETRIEVE_OPTIONS = concat(List.of(
      new Flags.Option("--mode", "dense|keyword|hybrid", "which candidates (default: hybrid when the retriever"
          + " has a keyword index)")), FUSION_OPTIONS, List.of(
      new Flags.Option("--mmr", "LAMBDA", "MMR diversification, lambda in [0, 1] (1 = none)"),
      new Flags.Option("--mmr-pool", "N", "candidates MMR picks from (needs --mmr)"),
      new Flags.Option("--depth", "N", "candidates per side (default: k, or max(k, candidates) when fusing)")));

  static final Flags.Command INDEX = Flags.command("index",
          "Index a corpus (TSV id<TAB>text, or JSONL; .gz too) into a saved retriever; prints a table.")
      .value("--corpus", "FILE", "the corpus (required)")
      .value("--out", "DIR", "where to save the retriever: new, empty, or a saved retriever (required)")
      .with(MODEL_OPTIONS)
      .value("--index", "hnsw|flat", "vector index (default hnsw)")
      .value("--mode", "hybrid|dense", "hybrid adds a BM25 keyword index (default hybrid)")
      .value("--chunk", "N", "documents encoded per chunk (default " + Retriever.DEFAULT_CHUNK_SIZE + ")");
  static final Flags.Command SEARCH = Flags.command("search",
          "Answer queries (--query, or stdin lines) from a saved retriever: JSON lines on stdout, a table on stderr.")
      .value("--retriever", "DIR", "the saved retriever (required)")
      .value("--query", "Q", "one query; default: one per stdin line")
      .value("--k", "N", "results per query (default 10)")
      .value("--candidates", "N", "first-stage results the reranker rescores (default 100)")
      .with(RERANKER_OPTIONS).with(MODEL_OPTIONS).with(RETRIEVE_OPTIONS);
  static final Flags.Command EMBED = Flags.command("embed",
          "Encode stdin lines: JSON lines {\"text\", \"vector\"} on stdout.")
      .with(MODEL_OPTIONS)
      .value("--as", "passage|query", "which prompt of the model applies (default passage)");
  static final Flags.Command RERANK = Flags.command("rerank",
          "Rerank stdin passages for a query: JSON lines {\"rank\", \"score\", \"passage\"} on stdout.")
      .value("--query", "Q", "the query (required)")
      .with(RERANKER_OPTIONS);

  /** Every subcommand, in the order {@code --help} lists them. */
  static List<Flags.Command> commands() {
    return List.of(INDEX, SEARCH, EMBED, RERANK, EvalCommands.RETRIEVAL, EvalCommands.STS, EvalCommands.RERANK,
        EvalCommands.MMR, Demo.COMMAND);
  }

  @SafeVarargs
  static <T> List<T> concat(List<T>... lists) {
    List<T> all = new ArrayList<>();
    for (List<T> l : lists) {
      all.addAll(l);
    }
    return List.copyOf(all);
  }

  /** The bundled model the CLI uses without {@code --model} or {@code --encoder}; see README for why. */
  static final String DEFAULT_MODEL = "minilm";
  /** Written by {@code index} next to the saved retriever: which model built it, for {@code search}. */
  static final String CLI_PROPERTIES = "winnow-cli.properties";

  static void index(String[] args, PrintStream out) throws IOException {
    index(args, out, System.err);
  }

  static void index(String[] args, PrintStream out, PrintStream err) throws IOException {
    Args a = new Args(args, INDEX);
    Path corpusFile = a.requiredPath("--corpus");
    Path outDir = a.requiredPath("--out");
    String model = a.string("--model", null);
    Path encoderDir = a.path("--encoder", null);
    String kind = a.string("--index", "hnsw");
    RetrievalMode mode = mode(a.string("--mode", "hybrid"));
    int chunk = a.integer("--chunk", Retriever.DEFAULT_CHUNK_SIZE, 1, 1_000_000);
    if (!kind.equals("hnsw") && !kind.equals("flat")) {
      throw new UsageException("--index must be hnsw or flat, got '" + kind + "'");
    }
    if (mode == RetrievalMode.KEYWORD) {
      throw new UsageException("--mode for index is hybrid (vector and keyword indexes) or dense (vector only)");
    }
    checkModelArgs(model, encoderDir);
    checkOutputDir(outDir);
    List<Document> docs = readCorpus(corpusFile);
    long t0 = System.nanoTime();
    try (ModelChoice m = model(model, encoderDir);
        VectorIndex index = kind.equals("hnsw")
            ? HnswVectorIndex.builder(m.encoder().dimension(), m.encoder().similarity()).build()
            : new FlatVectorIndex(m.encoder().dimension(), m.encoder().similarity());
        KeywordIndex keyword = mode == RetrievalMode.HYBRID ? LuceneKeywordIndex.builder().build() : null;
        Retriever retriever = Retriever.builder().encoders(m.encoders()).index(index).keywordIndex(keyword)
            .chunkSize(chunk).build()) {
      long t1 = System.nanoTime();
      retriever.add(docs, progressBar(err, "index"));
      long t2 = System.nanoTime();
      retriever.save(outDir);
      Properties cli = new Properties();
      cli.setProperty(m.encoderDir() == null ? "model" : "encoder",
          m.encoderDir() == null ? m.label() : m.encoderDir().toAbsolutePath().toString());
      try (var w = Files.newBufferedWriter(outDir.resolve(CLI_PROPERTIES), StandardCharsets.UTF_8)) {
        cli.store(w, "how bin/winnow index built this retriever; search reads it");
      }
      long t3 = System.nanoTime();
      double indexSeconds = (t2 - t1) / 1e9;
      out.printf(Locale.ROOT, "%-28s %s%n", "corpus", corpusFile);
      out.printf(Locale.ROOT, "%-28s %d%n", "documents", docs.size());
      out.printf(Locale.ROOT, "%-28s %s%s (%s)%n", "index", kind, keyword == null ? "" : " + keyword (BM25)", outDir);
      out.printf(Locale.ROOT, "%-28s %s%n", "model", m.label());
      out.printf(Locale.ROOT, "%-28s %s%n", "encoder", m.encoder().modelId());
      out.printf(Locale.ROOT, "%-28s %.1f s (%.1f docs/s)%n", "encode + index", indexSeconds,
          docs.size() / Math.max(indexSeconds, 1e-9));
      out.printf(Locale.ROOT, "%-28s %.2f s%n", "save", (t3 - t2) / 1e9);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("documents", docs.size());
      json.put("index", kind);
      json.put("mode", mode.name().toLowerCase(Locale.ROOT));
      json.put("out", outDir.toString());
      json.put("model", m.label());
      json.put("encoder", m.encoder().modelId());
      json.put("load_s", (t1 - t0) / 1e9);
      json.put("index_s", indexSeconds);
      json.put("docs_per_s", docs.size() / Math.max(indexSeconds, 1e-9));
      json.put("save_s", (t3 - t2) / 1e9);
      out.println(json(json));
    }
  }

  /** Refuses, before any work, an output that cannot become a retriever folder. */
  static void checkOutputDir(Path outDir) throws IOException {
    if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
      throw new UsageException("--out " + outDir + " is an existing file; give a folder (new, or a saved retriever)");
    }
    if (Files.isDirectory(outDir)) {
      try (var list = Files.list(outDir)) {
        if (list.findAny().isPresent() && !Files.isRegularFile(outDir.resolve(Retriever.MANIFEST))) {
          throw new UsageException("--out " + outDir + " is a folder that is neither empty nor a saved retriever;"
              + " refusing to write into it");
        }
      }
    }
    Files.createDirectories(outDir);
    if (!Files.isWritable(outDir)) {
      throw new UsageException("--out " + outDir + " is not writable");
    }
  }

  /** A progress bar on {@code err}: redrawn in place on a terminal, a line per ~10% otherwise. */
  static Consumer<IngestProgress> progressBar(PrintStream err, String what) {
    boolean tty = System.console() != null;
    int[] lastDecile = {-1};
    return p -> {
      int decile = (int) (p.fraction() * 10);
      if (!tty && decile == lastDecile[0] && p.done() < p.total()) {
        return;
      }
      lastDecile[0] = decile;
      int width = 30;
      int filled = (int) Math.round(p.fraction() * width);
      double eta = p.etaSeconds();
      String line = String.format(Locale.ROOT, "%s [%s%s] %d/%d docs  %.1f docs/s  ETA %s", what,
          "#".repeat(filled), ".".repeat(width - filled), p.done(), p.total(), p.docsPerSecond(),
          Double.isNaN(eta) ? "?" : String.format(Locale.ROOT, "%d:%02d", (long) eta / 60, (long) eta % 60));
      if (tty) {
        err.print("\r" + line + (p.done() == p.total() ? "\n" : ""));
      } else {
        err.println(line);
      }
      err.flush();
    };
  }

  static void search(String[] args, PrintStream out, PrintStream err) throws IOException {
    Args a = new Args(args, SEARCH);
    Path dir = a.requiredPath("--retriever");
    String query = a.string("--query", null);
    int k = a.integer("--k", 10, 1, 10_000);
    int candidates = a.integer("--candidates", 100, 1, 10_000);
    Path rerankerDir = rerankerPath(a);
    String model = a.string("--model", null);
    Path encoderDir = a.path("--encoder", null);
    RetrieveOptions options = retrieveOptions(a);
    checkModelArgs(model, encoderDir);
    if (model == null && encoderDir == null) { // what index recorded
      Path cli = dir.resolve(CLI_PROPERTIES);
      if (Files.isRegularFile(cli)) {
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(cli, StandardCharsets.UTF_8)) {
          p.load(r);
        }
        model = p.getProperty("model");
        encoderDir = p.getProperty("encoder") == null ? null : Path.of(p.getProperty("encoder"));
      }
    }
    List<String> queries = query != null ? List.of(query) : stdinLines();
    List<Double> latencies = new ArrayList<>();
    try (ModelChoice m = model(model, encoderDir);
        CrossEncoderReranker reranker = rerankerDir == null ? null : CrossEncoderReranker.open(rerankerDir);
        Retriever retriever = Retriever.opener(dir).encoders(m.encoders()).vectorIndex(VectorIndexes::open)
            .keywordIndex(LuceneKeywordIndex::open).reranker(reranker).candidates(candidates).open()) {
      for (String q : queries) {
        if (q.isBlank()) {
          continue;
        }
        Retrieval r = retriever.retrieve(q, k, options);
        latencies.add(r.timings().totalNanos() / 1e6);
        List<Map<String, Object>> results = new ArrayList<>();
        err.println("Q: " + q + "   (" + r.mode().name().toLowerCase(Locale.ROOT) + (r.reranked() ? " + rerank" : "")
            + ")");
        err.printf(Locale.ROOT, "  %2s  %-8s %-8s %-8s %-8s %-20s %s%n", "#", "score", "dense", "keyword", "fused",
            "id", "text");
        int rank = 1;
        for (ScoredDocument s : r.results()) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("rank", rank);
          row.put("id", s.id());
          row.put("score", s.score());
          row.put("first_stage_score", s.firstStageScore());
          row.put("dense_score", s.denseScore().isPresent() ? s.denseScore().getAsDouble() : null);
          row.put("keyword_score", s.keywordScore().isPresent() ? s.keywordScore().getAsDouble() : null);
          row.put("rerank_score", s.rerankScore().isPresent() ? s.rerankScore().getAsDouble() : null);
          row.put("text", s.document().text());
          if (!s.document().metadata().isEmpty()) {
            row.put("metadata", s.document().metadata());
          }
          results.add(row);
          err.printf(Locale.ROOT, "  %2d  %-8.4f %-8s %-8s %-8.4f %-20s %s%n", rank++, s.score(),
              fmt(s.denseScore()), fmt(s.keywordScore()), s.firstStageScore(), s.id(),
              s.document().text().length() > 60 ? s.document().text().substring(0, 57) + "..." : s.document().text());
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("query", q);
        line.put("mode", r.mode().name().toLowerCase(Locale.ROOT));
        line.put("reranked", r.reranked());
        line.put("results", results);
        line.put("encode_ms", r.timings().encodeNanos() / 1e6);
        line.put("vector_search_ms", r.timings().vectorSearchNanos() / 1e6);
        line.put("keyword_search_ms", r.timings().keywordSearchNanos() / 1e6);
        line.put("fusion_ms", r.timings().fusionNanos() / 1e6);
        line.put("rerank_ms", r.timings().rerankNanos() / 1e6);
        out.println(json(line));
      }
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("queries", latencies.size());
      summary.put("documents", retriever.size());
      summary.put("mode", (options.mode() != null ? options.mode() : retriever.mode()).name().toLowerCase(Locale.ROOT));
      summary.put("model", m.label());
      summary.put("reranker", reranker == null ? null : reranker.modelId());
      summary.put("mean_ms", latencies.stream().mapToDouble(Double::doubleValue).average().orElse(0));
      out.println(json(summary));
    }
  }

  private static String fmt(java.util.OptionalDouble d) {
    return d.isPresent() ? String.format(Locale.ROOT, "%.4f", d.getAsDouble()) : "-";
  }

  static RetrievalMode mode(String s) {
    try {
      return RetrievalMode.parse(s);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--mode: " + e.getMessage());
    }
  }

  /** {@code --mode}, {@code --fusion}, {@code --alpha}, {@code --rrf-k}, {@code --mmr}, {@code --mmr-pool}, {@code --depth}. */
  static RetrieveOptions retrieveOptions(Args a) {
    RetrieveOptions o = RetrieveOptions.DEFAULTS;
    String mode = a.string("--mode", null);
    if (mode != null) {
      o = o.withMode(mode(mode));
    }
    Fusion f = fusion(a);
    if (f != null) {
      o = o.withFusion(f);
    }
    String mmr = a.string("--mmr", null);
    int pool = a.integer("--mmr-pool", 0, 0, 20_000);
    if (mmr != null) {
      try {
        o = o.withMmr(Double.parseDouble(mmr), pool);
      } catch (NumberFormatException e) {
        throw new UsageException("--mmr must be a number in [0, 1], got '" + mmr + "'");
      } catch (IllegalArgumentException e) {
        throw new UsageException("--mmr: " + e.getMessage());
      }
    } else if (pool != 0) {
      throw new UsageException("--mmr-pool needs --mmr LAMBDA");
    }
    int depth = a.integer("--depth", 0, 0, RetrieveOptions.MAX_DEPTH);
    if (depth > 0) {
      o = o.withDepth(depth);
    }
    return o;
  }

  /** {@code --fusion rrf|linear}, {@code --alpha A} (linear), {@code --rrf-k K}; null when none is given. */
  static Fusion fusion(Args a) {
    String name = a.string("--fusion", null);
    String alpha = a.string("--alpha", null);
    int rrfK = a.integer("--rrf-k", -1, 0, 10_000);
    if (name == null && alpha == null && rrfK < 0) {
      return null;
    }
    if (name == null) {
      name = alpha != null ? "linear" : "rrf";
    }
    try {
      switch (name) {
        case "rrf" -> {
          if (alpha != null) {
            throw new UsageException("--alpha is for --fusion linear");
          }
          return Fusion.rrf(rrfK < 0 ? 60 : rrfK);
        }
        case "linear" -> {
          if (rrfK >= 0) {
            throw new UsageException("--rrf-k is for --fusion rrf");
          }
          return Fusion.linear(alpha == null ? 0.5 : Double.parseDouble(alpha));
        }
        default -> throw new UsageException("--fusion must be rrf or linear, got '" + name + "'");
      }
    } catch (NumberFormatException e) {
      throw new UsageException("--alpha must be a number in [0, 1], got '" + alpha + "'");
    } catch (UsageException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new UsageException("--alpha: " + e.getMessage());
    }
  }

  static void embed(String[] args, PrintStream out, PrintStream err) throws IOException {
    Args a = new Args(args, EMBED);
    String model = a.string("--model", null);
    Path encoderDir = a.path("--encoder", null);
    String side = a.string("--as", "passage");
    if (!side.equals("passage") && !side.equals("query")) {
      throw new UsageException("--as must be passage or query (which prompt of the model applies), got '" + side + "'");
    }
    checkModelArgs(model, encoderDir);
    List<String> texts = stdinLines();
    try (ModelChoice m = model(model, encoderDir)) {
      Encoder encoder = side.equals("query") ? m.encoders().queries() : m.encoders().passages();
      long t0 = System.nanoTime();
      float[][] vectors = encoder.encode(texts);
      double seconds = (System.nanoTime() - t0) / 1e9;
      for (int i = 0; i < texts.size(); i++) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("text", texts.get(i));
        row.put("vector", vectors[i]);
        out.println(json(row));
      }
      err.printf(Locale.ROOT, "%d texts, %d dimensions, %.2f s (%.1f texts/s), %s%n", texts.size(),
          encoder.dimension(), seconds, texts.size() / Math.max(seconds, 1e-9), encoder.modelId());
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("texts", texts.size());
      summary.put("dimension", encoder.dimension());
      summary.put("model", m.label());
      summary.put("as", side);
      summary.put("encoder", encoder.modelId());
      summary.put("seconds", seconds);
      out.println(json(summary));
    }
  }

  static void rerank(String[] args, PrintStream out, PrintStream err) throws IOException {
    Args a = new Args(args, RERANK);
    String query = a.string("--query", null);
    Path rerankerDir = rerankerPath(a);
    if (query == null || query.isBlank()) {
      throw new UsageException("rerank needs a non-blank --query");
    }
    if (rerankerDir == null) {
      throw new UsageException("no reranker: pass --reranker DIR (no " + sharedDir().resolve(
          "models/minilm-l6-reranker") + " either)");
    }
    List<String> passages = stdinLines();
    try (CrossEncoderReranker reranker = CrossEncoderReranker.open(rerankerDir)) {
      long t0 = System.nanoTime();
      float[] scores = reranker.score(query, passages);
      double seconds = (System.nanoTime() - t0) / 1e9;
      Integer[] order = new Integer[scores.length];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (x, y) -> Float.compare(scores[y], scores[x]));
      err.println("Q: " + query);
      for (int r = 0; r < order.length; r++) {
        int i = order[r];
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rank", r + 1);
        m.put("score", scores[i]);
        m.put("index", i);
        m.put("passage", passages.get(i));
        out.println(json(m));
        err.printf(Locale.ROOT, "  %2d  %.4f  %s%n", r + 1, scores[i], passages.get(i));
      }
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("query", query);
      summary.put("passages", passages.size());
      summary.put("reranker", reranker.modelId());
      summary.put("seconds", seconds);
      out.println(json(summary));
    }
  }

  // ---- shared helpers ----

  /**
   * The bundled all-MiniLM-L6-v2, or the model directory {@code dir} through {@link Encoders#open}: ONNX and
   * TorchScript directories, and (with winnow-train on the classpath) safetensors directories such as the ones
   * {@code DualEncoderTrainer} writes.
   */
  static Encoder encoder(Path dir) {
    return dir == null ? DjlEncoder.defaultModel() : Encoders.open(dir);
  }

  /**
   * An open encoder and its query/passage view: the model's prompts applied (bge's query instruction, e5's
   * {@code query: } / {@code passage: }). Closing closes the encoder.
   *
   * @param label the bundled model's choice name, or the directory
   * @param encoderDir the model directory, or null for a bundled model
   */
  record ModelChoice(Encoder encoder, DualEncoder encoders, String label, Path encoderDir) implements AutoCloseable {
    @Override
    public void close() {
      encoder.close();
    }
  }

  static void checkModelArgs(String model, Path encoderDir) {
    if (model != null && encoderDir != null) {
      throw new UsageException("give --model NAME or --encoder DIR, not both");
    }
    if (model != null) {
      try {
        BundledModel.named(model);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--model: " + e.getMessage());
      }
    }
  }

  /** {@code --model NAME} (default {@value #DEFAULT_MODEL}) or {@code --encoder DIR}. */
  static ModelChoice model(String model, Path encoderDir) {
    checkModelArgs(model, encoderDir);
    if (encoderDir != null) {
      Encoder e = Encoders.open(encoderDir);
      return new ModelChoice(e, e instanceof DjlEncoder d ? d.asDualEncoder() : DualEncoder.shared(e),
          encoderDir.toString(), encoderDir);
    }
    String name = model == null ? DEFAULT_MODEL : model;
    DjlEncoder e = BundledModel.named(name).open();
    return new ModelChoice(e, e.asDualEncoder(), name, null);
  }

  static Path rerankerPath(Args a) {
    boolean none = a.flag("--no-reranker");
    Path dir = a.path("--reranker", null);
    if (none) {
      return null;
    }
    Path shared = sharedDir().resolve("models/minilm-l6-reranker");
    return dir != null ? dir : Files.isDirectory(shared) ? shared : null;
  }

  /** {@code -Dwinnow.shared}, else {@code ../shared}. */
  static Path sharedDir() {
    String p = System.getProperty("winnow.shared");
    return Path.of(p == null || p.isBlank() ? "../shared" : p).toAbsolutePath().normalize();
  }

  static String json(Object o) {
    return GSON.toJson(o);
  }

  static List<String> stdinLines() throws IOException {
    List<String> lines = new ArrayList<>();
    BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = r.readLine()) != null) {
      lines.add(line);
    }
    return lines;
  }

  /**
   * Reads a corpus: {@code .jsonl} (one object per line with {@code id} or {@code _id} (string or integer),
   * {@code text} (string), optional {@code title} (string, prepended to the text), optional {@code metadata}
   * (an object of strings, numbers and booleans)) or TSV ({@code id<TAB>text}, an optional header line
   * {@code id<TAB>text}); either may be gzip-compressed (detected by content). The file must be UTF-8.
   *
   * @throws IllegalArgumentException naming the file and line, and what was expected there, for a malformed or
   *     duplicate entry, a line that is not UTF-8, or a {@code .gz} name over content that is not gzip
   */
  static List<Document> readCorpus(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("corpus file not found: " + file);
    }
    String name = file.getFileName().toString();
    boolean jsonl = name.endsWith(".jsonl") || name.endsWith(".jsonl.gz") || name.endsWith(".json.gz")
        || name.endsWith(".json");
    List<Document> docs = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
      raw.mark(2);
      int b0 = raw.read();
      int b1 = raw.read();
      raw.reset();
      boolean gzip = b0 == 0x1f && b1 == 0x8b;
      if (!gzip && name.endsWith(".gz")) {
        throw new IllegalArgumentException(file + ": the name ends in .gz but the content is not gzip");
      }
      InputStream in = new BufferedInputStream(gzip ? new GZIPInputStream(raw, 1 << 16) : raw, 1 << 16);
      var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
      java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream(1024);
      int lineNo = 0;
      boolean eof = false;
      while (!eof) {
        buf.reset();
        try {
          for (int c; ; ) {
            c = in.read();
            if (c < 0) {
              eof = true;
              break;
            }
            if (c == '\n') {
              break;
            }
            buf.write(c);
          }
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
          throw new IllegalArgumentException(file + ":" + (lineNo + 1) + ": corrupt gzip data (" + e.getMessage()
              + ")", e);
        }
        if (eof && buf.size() == 0) {
          break;
        }
        String line;
        try {
          line = decoder.decode(java.nio.ByteBuffer.wrap(buf.toByteArray())).toString();
        } catch (CharacterCodingException e) {
          throw new IllegalArgumentException(file + ":" + (lineNo + 1) + ": not UTF-8 text (" + e
              + "); expected a UTF-8 " + (jsonl ? "JSONL" : "TSV") + " corpus", e);
        }
        if (line.endsWith("\r")) {
          line = line.substring(0, line.length() - 1);
        }
        lineNo++;
        if (line.isBlank() || (!jsonl && lineNo == 1 && line.equals("id\ttext"))) {
          continue;
        }
        if (line.indexOf('\0') >= 0) {
          throw new IllegalArgumentException(file + ":" + lineNo + ": contains a NUL character; expected a UTF-8 "
              + (jsonl ? "JSONL" : "TSV") + " text corpus (is this a binary file?)");
        }
        Document d;
        try {
          d = jsonl ? jsonDocument(line) : tsvDocument(line);
        } catch (IllegalArgumentException | JsonParseException | IllegalStateException
            | UnsupportedOperationException e) {
          throw new IllegalArgumentException(file + ":" + lineNo + ": " + e.getMessage(), e);
        }
        Integer first = seen.putIfAbsent(d.id(), lineNo);
        if (first != null) {
          throw new IllegalArgumentException(file + ":" + lineNo + ": id '" + d.id() + "' repeats line " + first);
        }
        docs.add(d);
      }
    }
    return docs;
  }

  private static Document tsvDocument(String line) {
    int tab = line.indexOf('\t');
    if (tab <= 0) {
      throw new IllegalArgumentException("expected id<TAB>text");
    }
    return new Document(line.substring(0, tab), line.substring(tab + 1));
  }

  private static Document jsonDocument(String line) {
    JsonElement parsed;
    try {
      parsed = JsonParser.parseString(line);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException("not valid JSON (" + e.getMessage() + "); expected one JSON object per line");
    }
    if (!parsed.isJsonObject()) {
      throw new IllegalArgumentException("expected a JSON object, got " + kind(parsed));
    }
    JsonObject o = parsed.getAsJsonObject();
    JsonElement id = o.has("id") ? o.get("id") : o.get("_id");
    if (id == null) {
      throw new IllegalArgumentException("expected an object with \"id\" (or \"_id\") and \"text\"");
    }
    if (!id.isJsonPrimitive() || id.getAsJsonPrimitive().isBoolean()
        || (id.getAsJsonPrimitive().isNumber() && !id.getAsString().matches("-?\\d+"))) {
      throw new IllegalArgumentException("\"id\" must be a string or an integer, got " + kind(id));
    }
    String text = string(o, "text", true);
    String title = string(o, "title", false);
    if (title != null && !title.isBlank()) {
      text = title + " " + text;
    }
    Map<String, Object> meta = new LinkedHashMap<>();
    if (o.has("metadata") && !o.get("metadata").isJsonNull()) {
      if (!o.get("metadata").isJsonObject()) {
        throw new IllegalArgumentException("\"metadata\" must be an object, got " + kind(o.get("metadata")));
      }
      for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("metadata").entrySet()) {
        JsonElement v = e.getValue();
        if (!v.isJsonPrimitive()) {
          throw new IllegalArgumentException("metadata \"" + e.getKey() + "\" must be a string, number or boolean, got "
              + kind(v));
        }
        var p = v.getAsJsonPrimitive();
        Object value;
        if (p.isBoolean()) {
          value = p.getAsBoolean();
        } else if (p.isNumber()) {
          String n = p.getAsString();
          value = n.matches("-?\\d{1,18}") ? (Object) Long.parseLong(n) : (Object) p.getAsDouble();
        } else {
          value = p.getAsString();
        }
        meta.put(e.getKey(), value);
      }
    }
    return new Document(id.getAsString(), text, meta);
  }

  private static String string(JsonObject o, String key, boolean required) {
    JsonElement v = o.get(key);
    if (v == null || (!required && v.isJsonNull())) {
      if (required) {
        throw new IllegalArgumentException("expected an object with \"id\" (or \"_id\") and \"" + key + "\"");
      }
      return null;
    }
    if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
      throw new IllegalArgumentException("\"" + key + "\" must be a string, got " + kind(v));
    }
    return v.getAsString();
  }

  private static String kind(JsonElement e) {
    if (e.isJsonNull()) {
      return "null";
    }
    if (e.isJsonObject()) {
      return "an object";
    }
    if (e.isJsonArray()) {
      return "an array";
    }
    var p = e.getAsJsonPrimitive();
    return p.isBoolean() ? "a boolean (" + p + ")" : p.isNumber() ? "a number (" + p + ")" : "a string";
  }

  /** A usage error: exit status 2 with the message. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /**
   * A subcommand's parsed options: {@link Flags} (picocli) parses them against the subcommand's declaration;
   * this adds the CLI's integer ranges and required options, all reported as {@link UsageException}.
   */
  static final class Args {
    private final Flags flags;
    private final String usage;

    /**
     * @throws UsageException for an unknown option, a missing value or an option given twice
     * @throws Flags.HelpRequested for {@code --help}
     */
    Args(String[] args, Flags.Command command) {
      this.usage = command.name() + " " + synopsis(command);
      try {
        this.flags = command.parse(args);
      } catch (Flags.UsageError e) {
        throw new UsageException(e.getMessage() + "; usage: " + usage + " (or " + command.name() + " --help)");
      }
    }

    private static String synopsis(Flags.Command c) {
      StringBuilder b = new StringBuilder();
      for (Flags.Option o : c.options()) {
        b.append(b.length() == 0 ? "" : " ").append('[').append(o.name())
            .append(o.label() == null ? "" : " " + o.label()).append(']');
      }
      return b.toString();
    }

    String string(String name, String fallback) {
      return flags.string(name, fallback);
    }

    Path path(String name, Path fallback) {
      return flags.path(name, fallback);
    }

    Path requiredPath(String name) {
      Path p = path(name, null);
      if (p == null) {
        throw new UsageException("missing " + name + "; usage: " + usage);
      }
      return p;
    }

    int integer(String name, int fallback, int min, int max) {
      String v = flags.string(name, null);
      if (v == null) {
        return fallback;
      }
      try {
        int n = Integer.parseInt(v);
        if (n < min || n > max) {
          throw new UsageException(name + " must be in [" + min + ", " + max + "], got " + n);
        }
        return n;
      } catch (NumberFormatException e) {
        throw new UsageException(name + " must be an integer, got '" + v + "'");
      }
    }

    boolean flag(String name) {
      return flags.flag(name);
    }
  }
}
