package dev.winnow.examples.walkthrough;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Correlation and the command-line contract, without models or data. */
class CorrelationTest {
  // reference values: scipy.stats.pearsonr / spearmanr / rankdata (scipy 1.x)
  static final double[] X = {1, 2, 2, 3, 5, 5, 5, 8};
  static final double[] Y = {2, 1, 4, 3, 7, 6, 9, 8};

  @Test
  void matchesScipyIncludingTies() {
    assertEquals(0.8503904055243742, Correlation.pearson(X, Y), 1e-12);
    assertEquals(0.8470243628419076, Correlation.spearman(X, Y), 1e-12);
    assertArrayEquals(new double[] {1, 2.5, 2.5, 4, 6, 6, 6, 8}, Correlation.ranks(X));
  }

  @Test
  void refusesWhatHasNoCorrelation() {
    assertThrows(IllegalArgumentException.class, () -> Correlation.pearson(new double[] {1, 2}, new double[] {1}));
    assertThrows(IllegalArgumentException.class, () -> Correlation.pearson(new double[] {1}, new double[] {1}));
    assertThrows(IllegalArgumentException.class,
        () -> Correlation.pearson(new double[] {1, 1, 1}, new double[] {1, 2, 3}));
  }

  @Test
  void flagsAreCheckedStrictly() {
    assertEquals("d", Cli.parse(new String[] {"--data", "d"}, Set.of("--data")).value("--data", "x"));
    assertEquals("x", Cli.parse(new String[0], Set.of("--data")).value("--data", "x"));
    assertThrows(IllegalArgumentException.class, () -> Cli.parse(new String[] {"--out", "f"}, Set.of("--data")));
    assertThrows(IllegalArgumentException.class, () -> Cli.parse(new String[] {"--data"}, Set.of("--data")));
    assertThrows(IllegalArgumentException.class,
        () -> Cli.parse(new String[] {"--data", "a", "--data", "b"}, Set.of("--data")));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertNull(Cli.parseOrUsage(new String[] {"-x"}, Set.of(), "usage: X",
        new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertEquals("unknown argument '-x'\nusage: X\n", err.toString(StandardCharsets.UTF_8).replace("\r", ""));
  }
}
