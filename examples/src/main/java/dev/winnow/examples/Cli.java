package dev.winnow.examples;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.winnow.Document;
import dev.winnow.DualEncoder;
import dev.winnow.Retrieval;
import dev.winnow.Retriever;
import dev.winnow.ScoredDocument;
import dev.winnow.VectorIndex;
import dev.winnow.Encoder;
import dev.winnow.encoders.DjlEncoder;
import dev.winnow.encoders.Encoders;
import dev.winnow.index.FlatVectorIndex;
import dev.winnow.index.HnswVectorIndex;
import dev.winnow.index.VectorIndexes;
import dev.winnow.rerank.CrossEncoderReranker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
 * index  --corpus FILE --out DIR [--encoder DIR] [--index hnsw|flat]   corpus (TSV id&lt;TAB&gt;text, or JSONL) → saved retriever
 * search --retriever DIR [--query Q] [--k N] [--reranker DIR] [--candidates N] [--encoder DIR]
 *                                                          queries (--query or stdin lines) → JSON lines
 * embed  [--encoder DIR]                                   stdin lines → JSON lines {"text", "vector"}
 * rerank --query Q [--reranker DIR]                        stdin passages → JSON lines {"rank", "score", "passage"}
 * eval-retrieval --corpus F --queries F --qrels F [--encoder DIR] [--reranker DIR] [--candidates N] [--k N]
 * eval-sts --file F [--encoder DIR]                         STS-B Pearson / Spearman
 * eval-rerank --file F [--encoder DIR] [--reranker DIR]     WikiQA MAP / MRR, cosine vs reranker
 * demo   (the main job; see {@link Demo})
 * </pre>
 *
 * <p>Run: {@code mvn -q -B -pl examples exec:java -Dexec.mainClass=dev.winnow.examples.Cli -Dexec.args="index ..."}.
 * The encoder defaults to the bundled all-MiniLM-L6-v2; the reranker to {@code <shared>/models/minilm-l6-reranker}
 * when it exists. {@code index} prints a table on stdout; data commands print their JSON lines on stdout and the
 * table on stderr. Every subcommand ends stdout with one JSON object of figures. Errors: message on stderr, exit
 * status 2 for usage errors and 1 for failures.
 */
public final class Cli {
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

  private Cli() {}

  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      usage("expected a subcommand: index, search, embed, rerank, eval-retrieval, eval-sts, eval-rerank, demo");
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    try {
      switch (args[0]) {
        case "index" -> index(rest, System.out);
        case "search" -> search(rest, System.out, System.err);
        case "embed" -> embed(rest, System.out, System.err);
        case "rerank" -> rerank(rest, System.out, System.err);
        case "eval-retrieval" -> EvalCommands.retrieval(rest, System.out);
        case "eval-sts" -> EvalCommands.sts(rest, System.out);
        case "eval-rerank" -> EvalCommands.rerank(rest, System.out);
        case "demo" -> Demo.main(rest);
        default -> usage("unknown subcommand '" + args[0] + "'; expected index, search, embed, rerank,"
            + " eval-retrieval, eval-sts, eval-rerank, demo");
      }
    } catch (UsageException e) {
      usage(e.getMessage());
    } catch (RuntimeException | IOException e) {
      System.err.println("winnow " + args[0] + ": " + e.getMessage());
      System.exit(1);
    }
  }

  private static void usage(String message) {
    System.err.println("winnow: " + message);
    System.exit(2);
  }

  static void index(String[] args, PrintStream out) throws IOException {
    Args a = new Args(args, "index --corpus FILE --out DIR [--encoder DIR] [--index hnsw|flat]");
    Path corpusFile = a.requiredPath("--corpus");
    Path outDir = a.requiredPath("--out");
    Path encoderDir = a.path("--encoder", null);
    String kind = a.string("--index", "hnsw");
    a.done();
    if (!kind.equals("hnsw") && !kind.equals("flat")) {
      throw new UsageException("--index must be hnsw or flat, got '" + kind + "'");
    }
    List<Document> docs = readCorpus(corpusFile);
    long t0 = System.nanoTime();
    try (Encoder encoder = encoder(encoderDir);
        VectorIndex index = kind.equals("hnsw")
            ? HnswVectorIndex.builder(encoder.dimension(), encoder.similarity()).build()
            : new FlatVectorIndex(encoder.dimension(), encoder.similarity());
        Retriever retriever = Retriever.builder().encoders(DualEncoder.shared(encoder)).index(index).build()) {
      long t1 = System.nanoTime();
      retriever.add(docs);
      long t2 = System.nanoTime();
      retriever.save(outDir);
      long t3 = System.nanoTime();
      double indexSeconds = (t2 - t1) / 1e9;
      out.printf(Locale.ROOT, "%-28s %s%n", "corpus", corpusFile);
      out.printf(Locale.ROOT, "%-28s %d%n", "documents", docs.size());
      out.printf(Locale.ROOT, "%-28s %s (%s)%n", "index", kind, outDir);
      out.printf(Locale.ROOT, "%-28s %s%n", "encoder", encoder.modelId());
      out.printf(Locale.ROOT, "%-28s %.1f s (%.1f docs/s)%n", "encode + index", indexSeconds,
          docs.size() / Math.max(indexSeconds, 1e-9));
      out.printf(Locale.ROOT, "%-28s %.2f s%n", "save", (t3 - t2) / 1e9);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("documents", docs.size());
      json.put("index", kind);
      json.put("out", outDir.toString());
      json.put("encoder", encoder.modelId());
      json.put("load_s", (t1 - t0) / 1e9);
      json.put("index_s", indexSeconds);
      json.put("docs_per_s", docs.size() / Math.max(indexSeconds, 1e-9));
      json.put("save_s", (t3 - t2) / 1e9);
      out.println(json(json));
    }
  }

  static void search(String[] args, PrintStream out, PrintStream err) throws IOException {
    Args a = new Args(args, "search --retriever DIR [--query Q] [--k N] [--reranker DIR | --no-reranker]"
        + " [--candidates N] [--encoder DIR]");
    Path dir = a.requiredPath("--retriever");
    String query = a.string("--query", null);
    int k = a.integer("--k", 10, 1, 10_000);
    int candidates = a.integer("--candidates", 100, 1, 10_000);
    Path rerankerDir = rerankerPath(a);
    Path encoderDir = a.path("--encoder", null);
    a.done();
    List<String> queries = query != null ? List.of(query) : stdinLines();
    List<Double> latencies = new ArrayList<>();
    try (Encoder encoder = encoder(encoderDir);
        CrossEncoderReranker reranker = rerankerDir == null ? null : CrossEncoderReranker.open(rerankerDir);
        Retriever retriever = Retriever.open(dir, DualEncoder.shared(encoder), VectorIndexes::open, reranker,
            candidates)) {
      for (String q : queries) {
        if (q.isBlank()) {
          continue;
        }
        Retrieval r = retriever.retrieve(q, k);
        latencies.add(r.timings().totalNanos() / 1e6);
        List<Map<String, Object>> results = new ArrayList<>();
        err.println("Q: " + q);
        int rank = 1;
        for (ScoredDocument s : r.results()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("rank", rank);
          m.put("id", s.id());
          m.put("score", s.score());
          m.put("first_stage_score", s.firstStageScore());
          m.put("text", s.document().text());
          if (!s.document().metadata().isEmpty()) {
            m.put("metadata", s.document().metadata());
          }
          results.add(m);
          err.printf(Locale.ROOT, "  %2d  %.4f  (%.4f)  %-20s %s%n", rank++, s.score(), s.firstStageScore(),
              s.id(), s.document().text().length() > 70 ? s.document().text().substring(0, 67) + "..."
                  : s.document().text());
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("query", q);
        line.put("reranked", r.reranked());
        line.put("results", results);
        line.put("encode_ms", r.timings().encodeNanos() / 1e6);
        line.put("search_ms", r.timings().searchNanos() / 1e6);
        line.put("rerank_ms", r.timings().rerankNanos() / 1e6);
        out.println(json(line));
      }
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("queries", latencies.size());
      summary.put("documents", retriever.size());
      summary.put("reranker", reranker == null ? null : reranker.modelId());
      summary.put("mean_ms", latencies.stream().mapToDouble(Double::doubleValue).average().orElse(0));
      out.println(json(summary));
    }
  }

  static void embed(String[] args, PrintStream out, PrintStream err) throws IOException {
    Args a = new Args(args, "embed [--encoder DIR]   (texts on stdin, one per line)");
    Path encoderDir = a.path("--encoder", null);
    a.done();
    List<String> texts = stdinLines();
    try (Encoder encoder = encoder(encoderDir)) {
      long t0 = System.nanoTime();
      float[][] vectors = encoder.encode(texts);
      double seconds = (System.nanoTime() - t0) / 1e9;
      for (int i = 0; i < texts.size(); i++) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("text", texts.get(i));
        m.put("vector", vectors[i]);
        out.println(json(m));
      }
      err.printf(Locale.ROOT, "%d texts, %d dimensions, %.2f s (%.1f texts/s), %s%n", texts.size(),
          encoder.dimension(), seconds, texts.size() / Math.max(seconds, 1e-9), encoder.modelId());
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("texts", texts.size());
      summary.put("dimension", encoder.dimension());
      summary.put("encoder", encoder.modelId());
      summary.put("seconds", seconds);
      out.println(json(summary));
    }
  }

  static void rerank(String[] args, PrintStream out, PrintStream err) throws IOException {
    Args a = new Args(args, "rerank --query Q [--reranker DIR]   (passages on stdin, one per line)");
    String query = a.string("--query", null);
    Path rerankerDir = rerankerPath(a);
    a.done();
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
   * Reads a corpus: {@code .jsonl} (one object per line with {@code id} or {@code _id}, {@code text}, optional
   * {@code title} prepended to the text, optional {@code metadata} object of strings/numbers/booleans) or TSV
   * ({@code id<TAB>text}, an optional header line {@code id<TAB>text}).
   *
   * @throws IllegalArgumentException naming the file and line of a malformed or duplicate entry
   */
  static List<Document> readCorpus(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("corpus file not found: " + file);
    }
    List<Document> docs = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    boolean jsonl = file.getFileName().toString().endsWith(".jsonl");
    int lineNo = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      lineNo++;
      if (line.isBlank() || (!jsonl && lineNo == 1 && line.equals("id\ttext"))) {
        continue;
      }
      Document d;
      try {
        d = jsonl ? jsonDocument(line) : tsvDocument(line);
      } catch (IllegalArgumentException | JsonParseException | IllegalStateException e) {
        throw new IllegalArgumentException(file + ":" + lineNo + ": " + e.getMessage(), e);
      }
      Integer first = seen.putIfAbsent(d.id(), lineNo);
      if (first != null) {
        throw new IllegalArgumentException(file + ":" + lineNo + ": id '" + d.id() + "' repeats line " + first);
      }
      docs.add(d);
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
    JsonObject o = JsonParser.parseString(line).getAsJsonObject();
    JsonElement id = o.has("id") ? o.get("id") : o.get("_id");
    if (id == null || !o.has("text")) {
      throw new IllegalArgumentException("expected an object with \"id\" (or \"_id\") and \"text\"");
    }
    String text = o.get("text").getAsString();
    if (o.has("title") && !o.get("title").getAsString().isBlank()) {
      text = o.get("title").getAsString() + " " + text;
    }
    Map<String, Object> meta = new LinkedHashMap<>();
    if (o.has("metadata") && o.get("metadata").isJsonObject()) {
      for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("metadata").entrySet()) {
        var p = e.getValue().getAsJsonPrimitive();
        meta.put(e.getKey(), p.isBoolean() ? p.getAsBoolean() : p.isNumber() ? p.getAsDouble() : p.getAsString());
      }
    }
    return new Document(id.getAsString(), text, meta);
  }

  /** A usage error: exit status 2 with the message. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** Minimal {@code --flag value} parser: every option is checked, unknown ones are usage errors. */
  static final class Args {
    private final Map<String, String> values = new HashMap<>();
    private final java.util.Set<String> flags = new java.util.HashSet<>();
    private final String usage;

    Args(String[] args, String usage) {
      this.usage = usage;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (!a.startsWith("--")) {
          throw new UsageException("unexpected argument '" + a + "'; usage: " + usage);
        }
        if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
          values.put(a, args[++i]);
        } else {
          flags.add(a);
        }
      }
    }

    String string(String name, String fallback) {
      String v = values.remove(name);
      return v == null ? fallback : v;
    }

    Path path(String name, Path fallback) {
      String v = values.remove(name);
      return v == null ? fallback : Path.of(v);
    }

    Path requiredPath(String name) {
      Path p = path(name, null);
      if (p == null) {
        throw new UsageException("missing " + name + "; usage: " + usage);
      }
      return p;
    }

    int integer(String name, int fallback, int min, int max) {
      String v = values.remove(name);
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
      return flags.remove(name);
    }

    /** Fails on any option nobody asked for. */
    void done() {
      if (!values.isEmpty() || !flags.isEmpty()) {
        List<String> unknown = new ArrayList<>(values.keySet());
        unknown.addAll(flags);
        throw new UsageException("unknown option(s) " + unknown + "; usage: " + usage);
      }
    }
  }
}
