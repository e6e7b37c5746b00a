package dev.winnow.examples.walkthrough;

import dev.winnow.eval.Correlation;
import dev.winnow.Similarity;
import dev.winnow.encoders.DjlEncoder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The seed's STS-B walkthrough: all-MiniLM-L6-v2 cosine against the human similarity score (0-5) of the first
 * 50 STS Benchmark test pairs, Pearson and Spearman (the seed reports Pearson 0.93), then the same over the whole
 * test set (1,379 pairs; published reference Spearman 82.03).
 *
 * <p>The file format trap: {@code sts-test.csv} is TAB separated with no quoting (sentences contain quotes),
 * the score is field 5 and the sentences fields 6 and 7; some rows carry two more attribution fields.
 *
 * <pre>
 * mvn -q -B -pl examples exec:java -Dexec.mainClass=dev.winnow.examples.walkthrough.StsPearson
 *     [-Dexec.args="--data DIR --first 50"]
 * </pre>
 */
public final class StsPearson {
  static final String USAGE = "usage: StsPearson [--data DIR] [--first N]   (DIR holds sts-test.csv, default"
      + " <winnow.shared>/data/stsb; N pairs for the seed's figure, default 50)";
  static final String FILE = "sts-test.csv";
  static final double REFERENCE_SPEARMAN = 0.8203;
  static final double SEED_PEARSON_FIRST_50 = 0.93;

  /** One STS-B row: gold score 0-5 and the two sentences. */
  record Pair(double gold, String s1, String s2) {}

  private StsPearson() {}

  public static void main(String[] args) throws IOException {
    int rc = run(args, System.out, System.err);
    if (rc != 0) {
      System.exit(rc);
    }
  }

  /** Runs the walkthrough, printing to {@code out}; returns the exit status (2 for bad flags or missing data). */
  static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
    Cli cli = Cli.parseOrUsage(args, Set.of("--data", "--first"), USAGE, out, err);
    if (cli == null || cli.helpShown()) {
      return cli == null ? Cli.USAGE : 0;
    }
    int first;
    try {
      first = Integer.parseInt(cli.value("--first", "50"));
      if (first < 2) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      err.println("--first must be an integer >= 2");
      err.println(USAGE);
      return Cli.USAGE;
    }
    Path file = cli.path("--data", Cli.shared("data/stsb")).resolve(FILE);
    String missing = Cli.missing(List.of(file), "--data");
    if (missing != null) {
      err.println(missing);
      err.println(USAGE);
      return Cli.USAGE;
    }
    List<Pair> pairs = read(file);
    first = Math.min(first, pairs.size());

    double[] gold = new double[pairs.size()], cosine = new double[pairs.size()];
    long t0 = System.nanoTime();
    try (DjlEncoder minilm = DjlEncoder.defaultModel()) {
      List<String> texts = new ArrayList<>(2 * pairs.size());
      for (Pair p : pairs) {
        texts.add(p.s1());
        texts.add(p.s2());
      }
      float[][] v = minilm.encode(texts);
      for (int i = 0; i < pairs.size(); i++) {
        gold[i] = pairs.get(i).gold();
        cosine[i] = Similarity.COSINE.score(v[2 * i], v[2 * i + 1]);
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;

    out.printf(Locale.ROOT, "STS Benchmark test (%s), all-MiniLM-L6-v2 (bundled ONNX), cosine vs human score%n",
        file);
    out.printf(Locale.ROOT, "  %3s %5s %7s  %s%n", "#", "gold", "cosine", "sentence 1 | sentence 2");
    for (int i = 0; i < Math.min(10, first); i++) {
      Pair p = pairs.get(i);
      out.printf(Locale.ROOT, "  %3d %5.2f %7.4f  %s | %s%n", i + 1, p.gold(), cosine[i], p.s1(), p.s2());
    }
    out.printf(Locale.ROOT, "  ... (%d pairs shown of %d)%n%n", Math.min(10, first), pairs.size());

    double[] g50 = Arrays.copyOf(gold, first), c50 = Arrays.copyOf(cosine, first);
    double pearsonFirst = Correlation.pearson(g50, c50), spearmanFirst = Correlation.spearman(g50, c50);
    double pearsonAll = Correlation.pearson(gold, cosine), spearmanAll = Correlation.spearman(gold, cosine);
    out.printf(Locale.ROOT, "  %-22s %7s %9s  %s%n", "pairs", "Pearson", "Spearman", "reference");
    out.printf(Locale.ROOT, "  %-22s %7.4f %9.4f  seed: Pearson %.2f%n", "first " + first, pearsonFirst,
        spearmanFirst, SEED_PEARSON_FIRST_50);
    out.printf(Locale.ROOT, "  %-22s %7.4f %9.4f  MTEB STSBenchmark: Spearman %.4f%n", "all " + pairs.size(),
        pearsonAll, spearmanAll, REFERENCE_SPEARMAN);
    out.printf(Locale.ROOT, "  (Spearman ranks ties by their average rank; %d sentences encoded in %.1f s)%n",
        2 * pairs.size(), seconds);

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("model", "all-MiniLM-L6-v2");
    json.put("first", first);
    json.put("pearson_first", Cli.round6(pearsonFirst));
    json.put("spearman_first", Cli.round6(spearmanFirst));
    json.put("seed_pearson_first_50", SEED_PEARSON_FIRST_50);
    json.put("pairs", pairs.size());
    json.put("pearson_all", Cli.round6(pearsonAll));
    json.put("spearman_all", Cli.round6(spearmanAll));
    json.put("reference_spearman_all", REFERENCE_SPEARMAN);
    Cli.printJson(out, json);
    return 0;
  }

  /**
   * Reads an STS-B file: split on TAB only (no quoting), score field 5, sentences fields 6-7, extra fields
   * ignored.
   *
   * @throws IllegalArgumentException naming the line when a row has fewer than 7 fields or a bad score
   */
  static List<Pair> read(Path file) throws IOException {
    List<Pair> pairs = new ArrayList<>();
    int lineNo = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      lineNo++;
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      if (f.length < 7) {
        throw new IllegalArgumentException(file + " line " + lineNo + ": " + f.length + " fields, need 7");
      }
      try {
        pairs.add(new Pair(Double.parseDouble(f[4]), f[5], f[6]));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(file + " line " + lineNo + ": score '" + f[4] + "' is not a number", e);
      }
    }
    return pairs;
  }
}
