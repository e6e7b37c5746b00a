package dev.winnow.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Correlation against scipy, ties included. */
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
}
