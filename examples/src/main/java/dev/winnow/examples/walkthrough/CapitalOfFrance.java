package dev.winnow.examples.walkthrough;

import dev.winnow.Similarity;
import dev.winnow.encoders.DjlEncoder;
import dev.winnow.rerank.CrossEncoderReranker;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The seed's cross-encoder walkthrough: rank passages for "What is the capital of France?" by a cross-encoder
 * (query and passage read together) and, side by side, by all-MiniLM-L6-v2 bi-encoder cosine.
 *
 * <p>The seed used the public ms-marco MiniLM-L6 cross-encoder, which cannot be had offline. This uses
 * {@code ../shared/models/minilm-l6-reranker}, a small reranker fine-tuned here from all-MiniLM-L6-v2 on about
 * 15k pairs and quantized to int8 (see {@code ../shared/models/README.md} for its honest, modest quality); the
 * scores it gives are printed as measured. Int8 dynamic quantization makes a pair's score depend on the batch
 * it is scored in, so the reranker's default for such models is one pair per batch (reproducible), which the
 * ranking uses; scores from an explicit batch of all five (batchSize 32) are shown too.
 *
 * <pre>
 * mvn -q -B -pl examples exec:java -Dexec.mainClass=dev.winnow.examples.walkthrough.CapitalOfFrance
 *     [-Dexec.args="--reranker DIR"]
 * </pre>
 */
public final class CapitalOfFrance {
  static final String USAGE = "usage: CapitalOfFrance [--reranker DIR]   (a cross-encoder model directory, default"
      + " <winnow.shared>/models/minilm-l6-reranker)";
  static final String QUERY = "What is the capital of France?";
  static final List<String> PASSAGES = List.of(
      "Berlin is the capital of Germany.",
      "Paris is the capital and most populous city of France.",
      "France is a country in Western Europe.",
      "The Eiffel Tower is in Paris.",
      "The capital of France is Paris.");
  /** Indexes of the passages that answer the question. */
  static final Set<Integer> ANSWERS = Set.of(1, 4);

  private CapitalOfFrance() {}

  public static void main(String[] args) {
    int rc = run(args, System.out, System.err);
    if (rc != 0) {
      System.exit(rc);
    }
  }

  /** Runs the walkthrough, printing to {@code out}; returns the exit status (2 for bad flags). */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Cli cli = Cli.parseOrUsage(args, Set.of("--reranker"), USAGE, out, err);
    if (cli == null || cli.helpShown()) {
      return cli == null ? Cli.USAGE : 0;
    }
    Path rerankerDir = cli.path("--reranker", Cli.shared("models/minilm-l6-reranker"));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("query", QUERY);
    json.put("passages", PASSAGES);

    double[] cosine = new double[PASSAGES.size()];
    try (DjlEncoder minilm = DjlEncoder.defaultModel()) {
      float[] q = minilm.encode(QUERY);
      float[][] p = minilm.encode(PASSAGES);
      for (int i = 0; i < p.length; i++) {
        cosine[i] = Similarity.COSINE.score(q, p[i]);
      }
    }
    int[] cosineRank = ranks(cosine);
    json.put("bi_encoder", "all-MiniLM-L6-v2");
    json.put("cosine", rounded(cosine));
    json.put("cosine_rank", cosineRank);

    double[] alone = null, batched = null;
    int[] crossRank = null;
    if (Files.isDirectory(rerankerDir)) {
      // the default reranker runs this int8 model one pair per batch (exact); the second one batches all five
      try (CrossEncoderReranker reranker = CrossEncoderReranker.open(rerankerDir);
          CrossEncoderReranker batching = CrossEncoderReranker.builder(rerankerDir).batchSize(32).build()) {
        float[] a = reranker.score(QUERY, PASSAGES);
        alone = new double[a.length];
        for (int i = 0; i < a.length; i++) {
          alone[i] = a[i];
        }
        float[] b = batching.score(QUERY, PASSAGES);
        batched = new double[b.length];
        for (int i = 0; i < b.length; i++) {
          batched[i] = b[i];
        }
      }
      crossRank = ranks(alone);
      json.put("cross_encoder", "minilm-l6-reranker (int8, fine-tuned here; not ms-marco-MiniLM-L-6-v2)");
      json.put("cross_score", rounded(alone));
      json.put("cross_rank", crossRank);
      json.put("cross_score_batched", rounded(batched));
      json.put("cross_rank_batched", ranks(batched));
    } else {
      json.put("cross_encoder", null);
    }

    out.println("Query: " + QUERY);
    out.println("Cross-encoder: " + (alone == null
        ? "none, " + rerankerDir + " not found (pass --reranker DIR); bi-encoder only"
        : rerankerDir + ", a small reranker fine-tuned here from all-MiniLM-L6-v2 (int8), NOT the seed's"
            + " ms-marco cross-encoder, which cannot be had offline"));
    out.println("Bi-encoder: all-MiniLM-L6-v2 (bundled ONNX), cosine of separately encoded query and passage");
    out.println();
    out.printf(Locale.ROOT, "  %-56s %7s %5s %9s %5s %7s %5s%n", "passage", "cross", "rank", "batched", "rank",
        "cosine", "rank");
    int[] primary = crossRank != null ? crossRank : cosineRank; // rows best first
    Integer[] order = IntStream.range(0, PASSAGES.size()).boxed()
        .sorted(Comparator.comparingInt(i -> primary[i])).toArray(Integer[]::new);
    for (int i : order) {
      out.printf(Locale.ROOT, "  %-56s %7s %5s %9s %5s %7.4f %5d%n", PASSAGES.get(i),
          alone == null ? "-" : String.format(Locale.ROOT, "%.4f", alone[i]),
          crossRank == null ? "-" : String.valueOf(crossRank[i]),
          batched == null ? "-" : String.format(Locale.ROOT, "%.4f", batched[i]),
          batched == null ? "-" : String.valueOf(ranks(batched)[i]),
          cosine[i], cosineRank[i]);
    }
    out.println();
    out.println("  cross = sigmoid score, one pair per call; batched = all five passages in one call (int8"
        + " activations are quantized");
    out.println("  per batch, so a pair's score depends on its batch). Scores rank but are not calibrated"
        + " probabilities; rank 1 = best.");
    boolean cosineTop = answersOnTop(cosineRank);
    json.put("answers_on_top_cosine", cosineTop);
    out.printf(Locale.ROOT, "  The two Paris answers ranked 1-2: cosine %s", yesNo(cosineTop));
    if (alone != null) {
      boolean crossTop = answersOnTop(crossRank), batchedTop = answersOnTop(ranks(batched));
      json.put("answers_on_top_cross", crossTop);
      json.put("answers_on_top_batched", batchedTop);
      out.printf(Locale.ROOT, ", cross one pair per call %s, cross batched %s", yesNo(crossTop), yesNo(batchedTop));
    }
    out.println();
    if (alone != null) {
      out.println("  (a small reranker, see ../shared/models/README.md \"Honest quality\"; printed as measured)");
    }
    Cli.printJson(out, json);
    return 0;
  }

  /** 1-based rank of each score, 1 = highest; ties by input order. */
  static int[] ranks(double[] scores) {
    Integer[] order = IntStream.range(0, scores.length).boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparingInt(i -> i))
        .toArray(Integer[]::new);
    int[] rank = new int[scores.length];
    for (int r = 0; r < order.length; r++) {
      rank[order[r]] = r + 1;
    }
    return rank;
  }

  private static boolean answersOnTop(int[] rank) {
    return ANSWERS.stream().allMatch(i -> rank[i] <= ANSWERS.size());
  }

  private static String yesNo(boolean b) {
    return b ? "yes" : "NO";
  }

  private static List<Double> rounded(double[] v) {
    List<Double> out = new ArrayList<>(v.length);
    for (double x : v) {
      out.add(Cli.round6(x));
    }
    return out;
  }
}
