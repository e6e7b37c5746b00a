package dev.winnow.examples.walkthrough;

import dev.winnow.eval.Correlation;
import dev.winnow.examples.walkthrough.WordVectors.Neighbour;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The seed's word-analogy walkthrough on real GloVe vectors: king − man + woman → queen, a few more classic
 * analogies, 3CosAdd accuracy on the Google analogy questions, and WordSim-353 / SimLex-999 Spearman.
 *
 * <p>The data is GloVe 6B 50d restricted to its 2,445 most frequent words ({@code ../shared/data/glove_analogy},
 * see its SOURCE.txt), so only analogy questions whose four words are all in that vocabulary are asked (961 of
 * 19,544), and every answer is searched among those 2,445 words: the figures are not comparable with published
 * full-vocabulary accuracies.
 *
 * <pre>
 * mvn -q -B -pl examples exec:java -Dexec.mainClass=dev.winnow.examples.walkthrough.GloveAnalogies
 *     [-Dexec.args="--data DIR"]
 * </pre>
 */
public final class GloveAnalogies {
  static final String USAGE = "usage: GloveAnalogies [--data DIR]   (DIR holds glove.6B.50d.top2445.txt,"
      + " questions-words.txt, wordsim353.tsv, simlex999.txt; default <winnow.shared>/data/glove_analogy)";
  static final String VECTORS = "glove.6B.50d.top2445.txt";
  static final String QUESTIONS = "questions-words.txt";

  /** a : b :: c : ?, shown as b − a + c; the last one fails because "berlin" is not in the vocabulary. */
  static final List<String[]> CLASSICS = List.of(
      new String[] {"man", "king", "woman"},
      new String[] {"man", "he", "woman"},
      new String[] {"france", "paris", "japan"},
      new String[] {"japan", "tokyo", "china"},
      new String[] {"france", "french", "germany"},
      new String[] {"small", "smaller", "large"},
      new String[] {"france", "paris", "germany"});

  private GloveAnalogies() {}

  public static void main(String[] args) throws IOException {
    int rc = run(args, System.out, System.err);
    if (rc != 0) {
      System.exit(rc);
    }
  }

  /** Runs the walkthrough, printing to {@code out}; returns the exit status (2 for bad flags or missing data). */
  static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
    Cli cli = Cli.parseOrUsage(args, Set.of("--data"), USAGE, out, err);
    if (cli == null || cli.helpShown()) {
      return cli == null ? Cli.USAGE : 0;
    }
    Path dir = cli.path("--data", Cli.shared("data/glove_analogy"));
    String missing = Cli.missing(List.of(dir.resolve(VECTORS), dir.resolve(QUESTIONS)), "--data");
    if (missing != null) {
      err.println(missing);
      err.println(USAGE);
      return Cli.USAGE;
    }
    Map<String, Object> json = new LinkedHashMap<>();
    WordVectors glove = WordVectors.load(dir.resolve(VECTORS));
    out.printf(Locale.ROOT, "GloVe 6B %dd, %,d most frequent words (%s)%n%n", glove.dimension(), glove.size(),
        dir.resolve(VECTORS));
    json.put("vocabulary", glove.size());

    out.println("Analogies, 3CosAdd: nearest words to b - a + c, the three input words excluded");
    out.printf(Locale.ROOT, "  %-28s %-16s %-16s %-16s%n", "b - a + c", "1st", "2nd", "3rd");
    List<Map<String, Object>> classics = new ArrayList<>();
    for (String[] q : CLASSICS) {
      List<Neighbour> top = glove.analogy(q[0], q[1], q[2], 3);
      String label = q[1] + " - " + q[0] + " + " + q[2];
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %-28s", label));
      for (Neighbour n : top) {
        row.append(String.format(Locale.ROOT, " %-16s", n.word() + String.format(Locale.ROOT, " %.3f", n.cosine())));
      }
      out.println(row);
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("query", label);
      c.put("top", top.stream().map(Neighbour::word).toList());
      c.put("cosine", top.stream().map(n -> Cli.round6(n.cosine())).toList());
      classics.add(c);
    }
    out.println("  (\"berlin\" is not among the 2,445 words, so paris - france + germany cannot be right here)");
    json.put("top1_king_man_woman", classics.get(0).get("top") instanceof List<?> l ? l.get(0) : null);
    json.put("classics", classics);

    out.println();
    Map<String, int[]> sections = analogyAccuracy(glove, dir.resolve(QUESTIONS));
    out.println("Google analogy questions (Mikolov et al. 2013) with all 4 words in the vocabulary, 3CosAdd:");
    out.printf(Locale.ROOT, "  %-30s %9s %7s %9s%n", "section", "questions", "correct", "accuracy");
    int asked = 0, correct = 0, total = 0;
    List<Map<String, Object>> perSection = new ArrayList<>();
    for (Map.Entry<String, int[]> e : sections.entrySet()) {
      int[] s = e.getValue(); // correct, asked, in file
      total += s[2];
      if (s[1] == 0) {
        continue;
      }
      asked += s[1];
      correct += s[0];
      out.printf(Locale.ROOT, "  %-30s %9d %7d %8.1f%%%n", e.getKey(), s[1], s[0], 100.0 * s[0] / s[1]);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("section", e.getKey());
      m.put("questions", s[1]);
      m.put("correct", s[0]);
      m.put("accuracy", Cli.round6((double) s[0] / s[1]));
      perSection.add(m);
    }
    double accuracy = (double) correct / asked;
    out.printf(Locale.ROOT, "  %-30s %9d %7d %8.1f%%   (%d of %,d questions asked; sections with none left out)%n",
        "overall", asked, correct, 100 * accuracy, asked, total);
    json.put("analogy_questions_total", total);
    json.put("analogy_questions_asked", asked);
    json.put("analogy_correct", correct);
    json.put("analogy_accuracy", Cli.round6(accuracy));
    json.put("analogy_sections", perSection);

    out.println();
    out.println("Word similarity: Spearman between human scores and GloVe cosine, pairs with both words in the"
        + " vocabulary");
    for (String[] ds : new String[][] {{"wordsim353", "wordsim353.tsv"}, {"simlex999", "simlex999.txt"}}) {
      Path file = dir.resolve(ds[1]);
      if (!Files.exists(file)) {
        out.printf(Locale.ROOT, "  %-12s skipped: %s not found%n", ds[0], file);
        continue;
      }
      double[][] pairs = similarityPairs(glove, file);
      double rho = Correlation.spearman(pairs[0], pairs[1]);
      out.printf(Locale.ROOT, "  %-12s %3d pairs   Spearman %.4f%n", ds[0], pairs[0].length, rho);
      json.put(ds[0] + "_pairs", pairs[0].length);
      json.put(ds[0] + "_spearman", Cli.round6(rho));
    }
    out.println("  (SimLex-999 rates similarity, not relatedness; co-occurrence vectors such as GloVe score low on it)");
    Cli.printJson(out, json);
    return 0;
  }

  /**
   * Asks every question of the Google analogy file whose four words (lower-cased) are in the vocabulary.
   *
   * @return per section, in file order: {correct, asked, questions in the file}
   */
  static Map<String, int[]> analogyAccuracy(WordVectors glove, Path questions) throws IOException {
    Map<String, int[]> sections = new LinkedHashMap<>();
    int[] current = null;
    try (BufferedReader r = Files.newBufferedReader(questions, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith(":")) {
          current = sections.computeIfAbsent(line.substring(1).trim(), k -> new int[3]);
          continue;
        }
        String[] w = line.trim().toLowerCase(Locale.ROOT).split("\\s+");
        if (w.length != 4 || current == null) {
          continue;
        }
        current[2]++;
        if (glove.contains(w[0]) && glove.contains(w[1]) && glove.contains(w[2]) && glove.contains(w[3])) {
          current[1]++;
          if (glove.analogy(w[0], w[1], w[2], 1).get(0).word().equals(w[3])) {
            current[0]++;
          }
        }
      }
    }
    return sections;
  }

  /** {human scores, cosines} of the pairs (TAB separated, '#' comments) whose two words are in the vocabulary. */
  static double[][] similarityPairs(WordVectors glove, Path file) throws IOException {
    List<double[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t");
      String a = f[0].trim().toLowerCase(Locale.ROOT), b = f[1].trim().toLowerCase(Locale.ROOT);
      if (glove.contains(a) && glove.contains(b)) {
        rows.add(new double[] {Double.parseDouble(f[2].trim()), glove.cosine(a, b)});
      }
    }
    double[][] out = new double[2][rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      out[0][i] = rows.get(i)[0];
      out[1][i] = rows.get(i)[1];
    }
    return out;
  }
}
