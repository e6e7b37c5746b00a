package dev.winnow.examples.walkthrough;

import dev.winnow.DualEncoder;
import dev.winnow.Similarity;
import dev.winnow.encoders.BundledModel;
import dev.winnow.encoders.DjlEncoder;
import dev.winnow.encoders.Pooling;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The seed's "tallest mountain" walkthrough: one question against five candidate answers with a single encoder
 * (one model, the same for questions and answers) and with dual encoders (a question side and an answer side).
 *
 * <ul>
 *   <li>Single: all-MiniLM-L6-v2 (bundled); reference cosines [1.0, 0.7976, 0.4001, 0.3559, 0.0972].
 *   <li>Dual: the seed used Facebook's DPR question and context encoders, whose weights cannot be had offline.
 *       The closest real thing here is e5-small-v2 (int8), trained for asymmetric retrieval with a
 *       {@code "query: "} and a {@code "passage: "} prefix: one model in two roles. bge-small-en-v1.5 is shown
 *       too, with its query instruction on the question side and nothing on the answer side.
 * </ul>
 *
 * Both come from LangChain4j's Maven jars (resources only, read through DJL).
 *
 * <pre>
 * mvn -q -B -pl examples exec:java -Dexec.mainClass=dev.winnow.examples.walkthrough.TallestMountain
 * </pre>
 */
public final class TallestMountain {
  static final String USAGE = "usage: TallestMountain   (no flags; all models are bundled)";
  static final String QUESTION = "What is the tallest mountain in the world?";
  static final List<String> CANDIDATES = List.of(
      "What is the tallest mountain in the world?",
      "The tallest mountain in the world is Mount Everest.",
      "Mount Shasta",
      "I like my hike in the mountains",
      "I am going to a yoga class");
  static final double[] REFERENCE_SINGLE = {1.0, 0.7976, 0.4001, 0.3559, 0.0972};

  /** intfloat/e5-small-v2 (int8) with its "query: " / "passage: " prompts. */
  static final BundledModel E5_SMALL_V2_Q = BundledModel.E5_SMALL_V2_Q;
  /** BAAI/bge-small-en-v1.5, without prompts in the directory (this walkthrough applies the instruction itself). */
  static final BundledModel BGE_SMALL_EN_V15 = new BundledModel("bge-small-en-v1.5", "bge-small-en-v1.5.onnx",
      "bge-small-en-v1.5-tokenizer.json", 384, Pooling.CLS, true, 512, Map.of());
  /** bge-*-en-v1.5's recommended instruction for short queries that retrieve passages. */
  static final String BGE_QUERY_INSTRUCTION = BundledModel.BGE_QUERY_INSTRUCTION;

  private TallestMountain() {}

  public static void main(String[] args) {
    int rc = run(args, System.out, System.err);
    if (rc != 0) {
      System.exit(rc);
    }
  }

  /** Runs the walkthrough, printing to {@code out}; returns the exit status (2 for bad flags). */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Cli cli = Cli.parseOrUsage(args, Set.of(), USAGE, out, err);
    if (cli == null || cli.helpShown()) {
      return cli == null ? Cli.USAGE : 0;
    }
    double[] single, e5, bge, bgeBare;
    try (DjlEncoder minilm = DjlEncoder.defaultModel()) {
      single = cosines(DualEncoder.shared(minilm));
    }
    try (DjlEncoder model = DjlEncoder.open(E5_SMALL_V2_Q.extract())) {
      e5 = cosines(model.asDualEncoder());
    }
    try (DjlEncoder model = DjlEncoder.open(BGE_SMALL_EN_V15.extract())) {
      bge = cosines(DualEncoder.withPrefixes(model, BGE_QUERY_INSTRUCTION, ""));
      bgeBare = cosines(DualEncoder.shared(model));
    }

    out.println("Question: " + QUESTION);
    out.println("  single = all-MiniLM-L6-v2 for question and answers (bundled ONNX)");
    out.println("  dual e5 = e5-small-v2 int8, question as \"query: ...\", answers as \"passage: ...\" (one model,"
        + " two roles)");
    out.println("  dual bge = bge-small-en-v1.5, question with its retrieval instruction, answers as they are;"
        + " single bge = no instruction");
    out.println("  (the seed's DPR question/context encoders are not available offline; e5 is the closest"
        + " asymmetric retriever here)");
    out.println();
    out.printf(Locale.ROOT, "  %-52s %7s %9s %8s %8s %10s%n", "candidate answer", "single", "reference",
        "dual e5", "dual bge", "single bge");
    for (int i = 0; i < CANDIDATES.size(); i++) {
      out.printf(Locale.ROOT, "  %-52s %7.4f %9.4f %8.4f %8.4f %10.4f%n", CANDIDATES.get(i), single[i],
          REFERENCE_SINGLE[i], e5[i], bge[i], bgeBare[i]);
    }
    out.println();
    out.println("  Does the answer (Everest) outscore the question repeated word for word?");
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("question", QUESTION);
    json.put("candidates", CANDIDATES);
    json.put("single_model", "all-MiniLM-L6-v2");
    json.put("single", rounded(single));
    json.put("reference_single", REFERENCE_SINGLE);
    json.put("dual_e5_model", "e5-small-v2 int8, query:/passage: prefixes");
    json.put("dual_e5", rounded(e5));
    json.put("dual_bge_model", "bge-small-en-v1.5, query instruction");
    json.put("dual_bge", rounded(bge));
    json.put("single_bge", rounded(bgeBare));
    Map<String, double[]> columns = new LinkedHashMap<>();
    columns.put("single", single);
    columns.put("dual_e5", e5);
    columns.put("dual_bge", bge);
    columns.put("single_bge", bgeBare);
    columns.forEach((name, s) -> {
      boolean answerFirst = s[1] > s[0];
      boolean answerBestOfRest = s[1] > s[2] && s[1] > s[3] && s[1] > s[4];
      out.printf(Locale.ROOT, "    %-10s %s (answer %.4f vs question %.4f); answer above the other three: %s%n",
          name, answerFirst ? "yes" : "no ", s[1], s[0], answerBestOfRest ? "yes" : "no");
      json.put(name + "_answer_above_question", answerFirst);
      json.put(name + "_answer_above_others", answerBestOfRest);
    });
    out.println("  A single encoder maps a text and its copy to the same vector (cosine 1.0); a dual encoder"
        + " encodes the");
    out.println("  question and the answers differently, so the copy is no longer guaranteed to win.");
    Cli.printJson(out, json);
    return 0;
  }

  private static double[] cosines(DualEncoder dual) {
    float[] q = dual.encodeQueries(List.of(QUESTION))[0];
    float[][] a = dual.encodePassages(CANDIDATES);
    double[] s = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      s[i] = Similarity.COSINE.score(q, a[i]);
    }
    return s;
  }

  private static List<Double> rounded(double[] v) {
    List<Double> out = new ArrayList<>(v.length);
    for (double x : v) {
      out.add(Cli.round6(x));
    }
    return out;
  }
}
