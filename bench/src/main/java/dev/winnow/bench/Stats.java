package dev.winnow.bench;

import java.util.Arrays;
import java.util.Locale;

/** Median and spread of repeated measurements. Immutable. */
record Stats(double median, double min, double max, int n) {
  static Stats of(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return new Stats(median, v[0], v[n - 1], n);
  }

  /** "median (min–max)" with the given decimals. */
  String format(int decimals) {
    String f = "%." + decimals + "f";
    return String.format(Locale.ROOT, f + " (" + f + "–" + f + ")", median, min, max);
  }
}
