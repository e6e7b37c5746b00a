package dev.winnow.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * STS Benchmark pairs from the official files ({@code sts-train.csv}, {@code sts-dev.csv}, {@code sts-test.csv}):
 * TAB separated with no quoting, the gold score (0-5) in field 5 and the sentences in fields 6 and 7; some rows
 * carry extra attribution fields, which are ignored. Immutable.
 */
public record StsDataset(List<Pair> pairs, LoadReport report) {

  /** One sentence pair and its gold similarity in [0, 5]. */
  public record Pair(String sentence1, String sentence2, double score) {}

  public StsDataset {
    pairs = List.copyOf(pairs);
  }

  /**
   * @param lenient skip and count malformed lines instead of failing
   * @throws DatasetFormatException (strict mode) naming the file and line
   */
  public static StsDataset load(Path file, boolean lenient) throws IOException {
    List<Pair> pairs = new ArrayList<>();
    LoadReport report = LineReader.read(file, lenient, false, line -> {
      String[] f = line.split("\t", -1);
      if (f.length < 7) {
        throw new IllegalArgumentException("expected at least 7 TAB-separated fields, got " + f.length);
      }
      double score;
      try {
        score = Double.parseDouble(f[4].strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("score field '" + f[4] + "' is not a number");
      }
      if (!(score >= 0 && score <= 5)) {
        throw new IllegalArgumentException("score " + score + " is outside [0, 5]");
      }
      pairs.add(new Pair(f[5], f[6], score));
    });
    return new StsDataset(pairs, report);
  }

  /** The gold scores, in order. */
  public double[] scores() {
    return pairs.stream().mapToDouble(Pair::score).toArray();
  }
}
