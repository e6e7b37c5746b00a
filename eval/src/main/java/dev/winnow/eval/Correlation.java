package dev.winnow.eval;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** Pearson and Spearman correlation coefficients. Stateless. */
public final class Correlation {
  private Correlation() {}

  /**
   * Pearson's r.
   *
   * @throws IllegalArgumentException if the lengths differ, fewer than 2 values, or either side is constant
   */
  public static double pearson(double[] x, double[] y) {
    check(x, y);
    double mx = Arrays.stream(x).average().orElseThrow();
    double my = Arrays.stream(y).average().orElseThrow();
    double sxy = 0, sxx = 0, syy = 0;
    for (int i = 0; i < x.length; i++) {
      double dx = x[i] - mx, dy = y[i] - my;
      sxy += dx * dy;
      sxx += dx * dx;
      syy += dy * dy;
    }
    if (sxx == 0 || syy == 0) {
      throw new IllegalArgumentException("a constant series has no correlation");
    }
    return sxy / Math.sqrt(sxx * syy);
  }

  /** Spearman's rho: Pearson's r of the ranks, tied values sharing their average rank (as scipy does). */
  public static double spearman(double[] x, double[] y) {
    check(x, y);
    return pearson(ranks(x), ranks(y));
  }

  /** 1-based ranks, ties get the average of the ranks they span. */
  static double[] ranks(double[] v) {
    Integer[] order = IntStream.range(0, v.length).boxed().sorted(Comparator.comparingDouble(i -> v[i]))
        .toArray(Integer[]::new);
    double[] r = new double[v.length];
    for (int i = 0; i < order.length; ) {
      int j = i;
      while (j + 1 < order.length && v[order[j + 1]] == v[order[i]]) {
        j++;
      }
      double average = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        r[order[k]] = average;
      }
      i = j + 1;
    }
    return r;
  }

  private static void check(double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("lengths differ: " + x.length + " != " + y.length);
    }
    if (x.length < 2) {
      throw new IllegalArgumentException("need at least 2 values, got " + x.length);
    }
  }
}
