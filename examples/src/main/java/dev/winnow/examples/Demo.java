package dev.winnow.examples;

import dev.winnow.Document;
import dev.winnow.DualEncoder;
import dev.winnow.Retrieval;
import dev.winnow.Retriever;
import dev.winnow.ScoredDocument;
import dev.winnow.encoders.BundledModel;
import dev.winnow.encoders.DjlEncoder;
import dev.winnow.examples.cli.Flags;
import dev.winnow.index.HnswVectorIndex;
import dev.winnow.Reranker;
import dev.winnow.keyword.LuceneKeywordIndex;
import dev.winnow.rerank.RerankerEvidence;
import dev.winnow.rerank.Rerankers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The main job: index a small built-in corpus (36 passages written for this project) with the bundled
 * all-MiniLM-L6-v2 in an HNSW index plus BM25, answer a few questions, and show for each the first-stage
 * (hybrid) results and, side by side, the reranked results, with scores and per-stage timings. No network.
 *
 * <pre>
 * mvn -q -B install -DskipTests &amp;&amp; mvn -q -B -pl examples exec:java
 * mvn -q -B -pl examples exec:java -Dexec.args="--reranker path/to/cross-encoder --k 3"
 * </pre>
 *
 * Reranking only with a model shown to help: {@code --reranker DIR}, else {@value #DEFAULT_RERANKER} (where
 * docs/training.md's command saves the trained one), and only when that directory's
 * {@code winnow-evaluation.json} says it beat the first stage on held-out dev judgments; its measured weight is
 * applied ({@code Retriever.Builder.rerankWeight}). Otherwise the demo says why and runs the first stage alone.
 * (The shared int8 fixture {@code minilm-l6-reranker} hurts on SciFact, so it is not a default.) Prints tables,
 * then one JSON object as the last line.
 */
public final class Demo {
  static final List<String> QUESTIONS = List.of(
      "What is the tallest mountain in the world?",
      "Who wrote On the Origin of Species?",
      "What is the capital of Australia?",
      "Which animals find their way by echolocation?",
      "When did the Berlin Wall come down?",
      "How does a graph index find nearest neighbours?",
      "How long is a marathon?");

  private Demo() {}

  /** Where the demo looks for a trained reranker (docs/training.md writes it), relative to the project root. */
  static final String DEFAULT_RERANKER = "cache/rerankers/winnow-ce";

  static final Flags.Command COMMAND = Flags.command("demo",
          "The main job: index 36 passages, answer seven questions, show first-stage and reranked results.")
      .value("--encoder", "DIR", "a model directory (default: the bundled MiniLM)")
      .value("--reranker", "DIR", "a cross-encoder directory; used only when its " + RerankerEvidence.FILE
          + " shows it helps (default " + DEFAULT_RERANKER + " under the project root)")
      .flag("--no-reranker", "do not rerank")
      .value("--k", "N", "results per question (default 3)")
      .value("--first", "N", "questions shown in full (default 5)");

  /** Runs the demo; {@code --help} prints usage. Usage errors throw, as {@code mvn exec:java} reports them. */
  public static void main(String[] args) throws IOException {
    try {
      run(args, System.out);
    } catch (Flags.HelpRequested h) {
      System.out.print(h.getMessage());
    }
  }

  /** The reranker directory to use and why, or null with the reason none is used. */
  record RerankerChoice(Path dir, RerankerEvidence evidence, String reason) {}

  /**
   * Picks the reranker: {@code --reranker DIR}, else {@link #DEFAULT_RERANKER}; used only when its
   * {@code winnow-evaluation.json} says it beat the first stage on held-out dev judgments.
   */
  static RerankerChoice chooseReranker(Path explicit, boolean none) {
    if (none) {
      return new RerankerChoice(null, null, "--no-reranker given");
    }
    Path root = Path.of(System.getProperty("winnow.root", ".")).toAbsolutePath().normalize();
    Path dir = explicit != null ? explicit : root.resolve(DEFAULT_RERANKER);
    if (!Files.isDirectory(dir)) {
      return new RerankerChoice(null, null, "no reranker shown to help is present (" + dir + " does not exist;"
          + " train one with the command in docs/training.md, or pass --reranker DIR)");
    }
    Optional<RerankerEvidence> e = RerankerEvidence.read(dir);
    if (e.isEmpty()) {
      return new RerankerChoice(null, null, "the reranker in " + dir + " has no " + RerankerEvidence.FILE
          + ", so nothing shows it helps on held-out data; it is not used");
    }
    if (!e.get().helps()) {
      return new RerankerChoice(null, e.get(), "the reranker in " + dir + " did not beat the first stage on"
          + " held-out data (" + e.get().summary() + "); it is not used");
    }
    return new RerankerChoice(dir, e.get(), e.get().summary());
  }

  static void run(String[] args, java.io.PrintStream stdout) throws IOException {
    Cli.Args a = new Cli.Args(args, COMMAND);
    Path encoderDir = a.path("--encoder", null);
    RerankerChoice choice = chooseReranker(a.path("--reranker", null), a.flag("--no-reranker"));
    int k = a.integer("--k", 3, 1, 100);
    int shown = a.integer("--first", 5, 1, 100);

    List<Document> corpus = corpus();
    Map<String, Object> json = new LinkedHashMap<>();
    long t0 = System.nanoTime();
    try (DjlEncoder encoder = encoderDir == null ? DjlEncoder.defaultModel() : DjlEncoder.open(encoderDir);
        Reranker reranker = choice.dir() == null ? null : Rerankers.open(choice.dir());
        HnswVectorIndex index = HnswVectorIndex.builder(encoder.dimension(), encoder.similarity()).build();
        LuceneKeywordIndex keyword = LuceneKeywordIndex.builder().build();
        Retriever retriever = Retriever.builder().encoders(DualEncoder.shared(encoder)).index(index)
            .keywordIndex(keyword).reranker(reranker).candidates(Math.max(shown, 20))
            .rerankWeight(choice.evidence() == null ? 1 : choice.evidence().rerankWeight()).build()) {
      long t1 = System.nanoTime();
      retriever.add(corpus);
      long t2 = System.nanoTime();
      stdout.printf(Locale.ROOT, "Winnow demo: %d passages indexed (HNSW + BM25, hybrid %s) with %s%n",
          corpus.size(), Retriever.DEFAULT_FUSION, encoder.modelId());
      stdout.printf(Locale.ROOT, "  models loaded in %d ms, passages encoded and indexed in %d ms%n",
          (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
      if (reranker == null) {
        stdout.println("  No reranker: " + choice.reason() + ". Showing the first stage (hybrid) alone.");
      } else {
        stdout.printf(Locale.ROOT, "  Reranker: %s, weight %.1f in the final score (%s)%n", reranker.modelId(),
            choice.evidence().rerankWeight(), choice.reason());
      }
      json.put("documents", corpus.size());
      json.put("encoder", encoder.modelId());
      json.put("reranker", reranker == null ? null : reranker.modelId());
      json.put("reranker_reason", choice.reason());
      json.put("load_ms", (t1 - t0) / 1_000_000);
      json.put("index_ms", (t2 - t1) / 1_000_000);
      List<Map<String, Object>> answers = new ArrayList<>();
      for (String question : QUESTIONS) {
        Retrieval r = retriever.retrieve(question, k);
        stdout.println();
        stdout.println("Q: " + question);
        List<ScoredDocument> first = r.candidates().subList(0, Math.min(k, r.candidates().size()));
        if (r.reranked()) {
          stdout.printf(Locale.ROOT, "     %-32s | %s%n", "stage 1: hybrid (fused score)",
              "stage 2: reranked top " + k + " of " + r.candidates().size() + " (final, cross-encoder)");
        } else {
          stdout.printf(Locale.ROOT, "     %s%n", "stage 1: hybrid (fused score)");
        }
        for (int i = 0; i < Math.max(first.size(), r.reranked() ? r.results().size() : 0); i++) {
          String left = i < first.size()
              ? String.format(Locale.ROOT, "%.4f  %-24s", first.get(i).firstStageScore(), first.get(i).id()) : "";
          String right = "";
          if (r.reranked() && i < r.results().size()) {
            ScoredDocument s = r.results().get(i);
            right = String.format(Locale.ROOT, "| %.4f (%.4f)  %s", s.score(),
                s.rerankScore().orElse(Double.NaN), s.id());
          }
          stdout.printf(Locale.ROOT, "  %d. %-32s %s%n", i + 1, left, right);
        }
        LinkedHashMap<String, String> texts = new LinkedHashMap<>();
        first.forEach(s -> texts.put(s.id(), s.document().text()));
        if (r.reranked()) {
          r.results().forEach(s -> texts.put(s.id(), s.document().text()));
        }
        texts.forEach((id, text) -> stdout.printf(Locale.ROOT, "     %-24s %s%n", id, clip(text)));
        Retrieval.Timings t = r.timings();
        stdout.printf(Locale.ROOT, "  time: encode %.1f ms, search %.1f ms, rerank %.1f ms%n",
            t.encodeNanos() / 1e6, t.searchNanos() / 1e6, t.rerankNanos() / 1e6);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("question", question);
        answer.put("first_stage", first.stream().map(ScoredDocument::id).toList());
        answer.put("results", r.results().stream().map(ScoredDocument::id).toList());
        answer.put("encode_ms", t.encodeNanos() / 1e6);
        answer.put("search_ms", t.searchNanos() / 1e6);
        answer.put("rerank_ms", t.rerankNanos() / 1e6);
        answers.add(answer);
      }
      json.put("questions", answers);
    }
    stdout.println();
    stdout.println(Cli.json(json));
  }

  /** The built-in corpus, from {@code demo-corpus.tsv} next to this class (id, topic, text). */
  static List<Document> corpus() throws IOException {
    List<Document> docs = new ArrayList<>();
    try (InputStream in = Demo.class.getResourceAsStream("demo-corpus.tsv");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t", -1);
        docs.add(new Document(f[0], f[2], Map.of("topic", f[1])));
      }
    }
    return docs;
  }

  private static String clip(String s) {
    return s.length() <= 90 ? s : s.substring(0, 87) + "...";
  }
}
