package dev.winnow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Combines a dense (vector) and a keyword ranked list into one ranking, the middle step of hybrid retrieval.
 *
 * <pre>{@code
 * Fusion.rrf();            // reciprocal-rank fusion, k = 60 (Cormack et al. 2009)
 * Fusion.rrf(20);          // a smaller k rewards the very top ranks more
 * Fusion.linear(0.7);      // 0.7 * dense + 0.3 * keyword, each min-max normalised per query
 * }</pre>
 *
 * <p>Both strategies only see the candidates each side returned: a document missing from one list contributes
 * nothing from that side (rank infinity for RRF, normalised score 0 for linear). Immutable and thread-safe.
 */
public sealed interface Fusion permits Fusion.Rrf, Fusion.Linear {

  /** RRF with the usual constant {@code k = 60}. */
  static Fusion rrf() {
    return new Rrf(60);
  }

  /** RRF with constant {@code k}, in [0, 10,000]. */
  static Fusion rrf(int k) {
    return new Rrf(k);
  }

  /** Linear fusion with dense weight {@code alpha} in [0, 1] (keyword weight {@code 1 - alpha}). */
  static Fusion linear(double alpha) {
    return new Linear(alpha);
  }

  /**
   * Parses {@code rrf}, {@code rrf:K}, {@code linear} (alpha 0.5) or {@code linear:ALPHA}, as the CLI writes
   * them and {@code toString()} prints them.
   */
  static Fusion parse(String s) {
    if (s == null) {
      throw new IllegalArgumentException("fusion is null");
    }
    String t = s.trim().toLowerCase(java.util.Locale.ROOT);
    try {
      if (t.equals("rrf")) {
        return rrf();
      }
      if (t.startsWith("rrf:")) {
        return rrf(Integer.parseInt(t.substring(4)));
      }
      if (t.equals("linear")) {
        return linear(0.5);
      }
      if (t.startsWith("linear:")) {
        return linear(Double.parseDouble(t.substring(7)));
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("fusion '" + s + "': bad number (" + e.getMessage() + ")", e);
    }
    throw new IllegalArgumentException("fusion must be rrf, rrf:K, linear or linear:ALPHA; got '" + s + "'");
  }

  /**
   * Fuses the two lists (each best first, ids unique within a list) into one, best first, ties by id.
   *
   * @return one hit per id in either list, scored by this fusion
   */
  List<Hit> fuse(List<Hit> dense, List<Hit> keyword);

  /**
   * Reciprocal-rank fusion: {@code score(d) = sum over lists of 1 / (k + rank(d))}, rank counted from 1. Scores
   * are ignored, only ranks count, so no normalisation is needed.
   *
   * @param k the smoothing constant, in [0, 10,000]; 60 is the usual choice
   */
  record Rrf(int k) implements Fusion {
    public Rrf {
      if (k < 0 || k > 10_000) {
        throw new IllegalArgumentException("rrf k must be in [0, 10000], got " + k);
      }
    }

    @Override
    public List<Hit> fuse(List<Hit> dense, List<Hit> keyword) {
      Map<String, Double> s = new HashMap<>();
      add(s, dense);
      add(s, keyword);
      return sorted(s);
    }

    private void add(Map<String, Double> s, List<Hit> hits) {
      for (int i = 0; i < hits.size(); i++) {
        s.merge(hits.get(i).id(), 1.0 / (k + i + 1), Double::sum);
      }
    }

    @Override
    public String toString() {
      return "rrf:" + k;
    }
  }

  /**
   * Convex combination {@code alpha * dense' + (1 - alpha) * keyword'} where {@code x'} is min-max normalised
   * over that side's returned list ({@code (x - min) / (max - min)}, so that side's best is 1 and its last is
   * 0; a list whose scores are all equal normalises to 1). A document missing from a side gets 0 from it.
   *
   * @param alpha weight of the dense side, in [0, 1]
   */
  record Linear(double alpha) implements Fusion {
    public Linear {
      if (!(alpha >= 0 && alpha <= 1)) {
        throw new IllegalArgumentException("linear alpha must be in [0, 1], got " + alpha);
      }
    }

    @Override
    public List<Hit> fuse(List<Hit> dense, List<Hit> keyword) {
      Map<String, Double> s = new HashMap<>();
      add(s, dense, alpha);
      add(s, keyword, 1 - alpha);
      return sorted(s);
    }

    private static void add(Map<String, Double> s, List<Hit> hits, double weight) {
      if (hits.isEmpty()) {
        return;
      }
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (Hit h : hits) {
        min = Math.min(min, h.score());
        max = Math.max(max, h.score());
      }
      double range = max - min;
      for (Hit h : hits) {
        double norm = range > 0 ? (h.score() - min) / range : 1.0;
        s.merge(h.id(), weight * norm, Double::sum);
      }
    }

    @Override
    public String toString() {
      return "linear:" + alpha;
    }
  }

  private static List<Hit> sorted(Map<String, Double> scores) {
    List<Hit> out = new ArrayList<>(scores.size());
    for (Map.Entry<String, Double> e : scores.entrySet()) {
      out.add(new Hit(e.getKey(), e.getValue().floatValue()));
    }
    out.sort(null);
    return out;
  }
}
