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
import dev.winnow.rerank.CrossEncoderReranker;
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

/**
 * The main job: index a small built-in corpus (36 passages written for this project) with the bundled
 * all-MiniLM-L6-v2 in an HNSW index, answer a few questions, and show for each the first-stage (vector) results
 * and the cross-encoder reranked results, with scores and per-stage timings. No network.
 *
 * <pre>
 * mvn -q -B install -DskipTests &amp;&amp; mvn -q -B -pl examples exec:java
 * mvn -q -B -pl examples exec:java -Dexec.args="--reranker path/to/cross-encoder --k 3"
 * </pre>
 *
 * The reranker defaults to {@code <shared>/models/minilm-l6-reranker} when that folder exists; without one the
 * demo says how to add it and runs stage one only. Prints tables, then one JSON object as the last line.
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

  static final Flags.Command COMMAND = Flags.command("demo",
          "The main job: index 36 passages, answer seven questions, show vector-search and reranked results.")
      .value("--encoder", "DIR", "a model directory (default: the bundled MiniLM)")
      .with(Cli.RERANKER_OPTIONS)
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

  static void run(String[] args, java.io.PrintStream stdout) throws IOException {
    Cli.Args a = new Cli.Args(args, COMMAND);
    Path encoderDir = a.path("--encoder", null);
    boolean noReranker = a.flag("--no-reranker");
    Path rerankerDir = a.path("--reranker", null);
    int k = a.integer("--k", 3, 1, 100);
    int shown = a.integer("--first", 5, 1, 100);
    Path defaultReranker = Cli.sharedDir().resolve("models/minilm-l6-reranker");
    if (rerankerDir == null && !noReranker && Files.isDirectory(defaultReranker)) {
      rerankerDir = defaultReranker;
    }

    List<Document> corpus = corpus();
    Map<String, Object> json = new LinkedHashMap<>();
    long t0 = System.nanoTime();
    try (DjlEncoder encoder = encoderDir == null ? DjlEncoder.defaultModel() : DjlEncoder.open(encoderDir);
        CrossEncoderReranker reranker = rerankerDir == null ? null : CrossEncoderReranker.open(rerankerDir);
        HnswVectorIndex index = HnswVectorIndex.builder(encoder.dimension(), encoder.similarity()).build();
        Retriever retriever = Retriever.builder().encoders(DualEncoder.shared(encoder)).index(index)
            .reranker(reranker).candidates(Math.max(shown, 20)).build()) {
      long t1 = System.nanoTime();
      retriever.add(corpus);
      long t2 = System.nanoTime();
      stdout.printf(Locale.ROOT, "Winnow demo: %d passages indexed (HNSW) with %s%n", corpus.size(),
          encoder.modelId());
      stdout.printf(Locale.ROOT, "  models loaded in %d ms, passages encoded and indexed in %d ms%n",
          (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
      if (reranker == null) {
        stdout.println("  No reranker configured: showing stage one (vector search) only. Add a cross-encoder"
            + " with --reranker DIR (an ONNX or TorchScript model directory with tokenizer.json), e.g. "
            + defaultReranker + ".");
      } else {
        stdout.println("  Reranker: " + reranker.modelId() + " (a small cross-encoder fine-tuned for Winnow's"
            + " tests; see its README for its honest quality)");
      }
      json.put("documents", corpus.size());
      json.put("encoder", encoder.modelId());
      json.put("reranker", reranker == null ? null : reranker.modelId());
      json.put("load_ms", (t1 - t0) / 1_000_000);
      json.put("index_ms", (t2 - t1) / 1_000_000);
      List<Map<String, Object>> answers = new ArrayList<>();
      for (String question : QUESTIONS) {
        Retrieval r = retriever.retrieve(question, k);
        stdout.println();
        stdout.println("Q: " + question);
        stdout.println("  stage 1, vector search (cosine):");
        List<ScoredDocument> first = r.candidates().subList(0, Math.min(shown, r.candidates().size()));
        for (ScoredDocument s : first) {
          stdout.printf(Locale.ROOT, "    %.4f  %-15s %s%n", s.firstStageScore(), s.id(), clip(s.document().text()));
        }
        if (r.reranked()) {
          stdout.printf(Locale.ROOT, "  stage 2, reranked top %d of %d candidates (cross-encoder score,"
              + " first-stage cosine):%n", k, r.candidates().size());
          for (ScoredDocument s : r.results()) {
            stdout.printf(Locale.ROOT, "    %.4f  (%.4f)  %-15s %s%n", s.score(), s.firstStageScore(), s.id(),
                clip(s.document().text()));
          }
        }
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
