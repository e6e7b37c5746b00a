package dev.winnow.examples.walkthrough;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Static word vectors in GloVe's text format ({@code word v1 ... vN} per line), L2-normalized on load, with
 * nearest-neighbour and 3CosAdd analogy queries by exhaustive search. Immutable and thread-safe; a query costs
 * one pass over the vocabulary.
 *
 * <pre>{@code
 * WordVectors glove = WordVectors.load(Path.of("../shared/data/glove_analogy/glove.6B.50d.top2445.txt"));
 * glove.analogy("man", "king", "woman", 1);   // [queen]
 * }</pre>
 */
final class WordVectors {
  /** A word and its cosine to the query vector. */
  record Neighbour(String word, double cosine) {}

  private final List<String> words;
  private final Map<String, Integer> index;
  private final float[][] unit;

  private WordVectors(List<String> words, float[][] unit) {
    this.words = List.copyOf(words);
    this.unit = unit;
    this.index = new HashMap<>();
    for (int i = 0; i < words.size(); i++) {
      index.putIfAbsent(words.get(i), i);
    }
  }

  /**
   * Reads a GloVe text file as ISO-8859-1: the official files hold a few tokens that are single raw bytes
   * (cp1252 punctuation), which are not UTF-8; every other token is ASCII in the 6B vocabulary's top words.
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if a line has a different number of components than the first
   */
  static WordVectors load(Path file) throws IOException {
    List<String> words = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
      String line;
      int lineNo = 0;
      while ((line = r.readLine()) != null) {
        lineNo++;
        if (line.isEmpty()) {
          continue;
        }
        String[] parts = line.split(" ");
        float[] v = new float[parts.length - 1];
        for (int i = 1; i < parts.length; i++) {
          v[i - 1] = Float.parseFloat(parts[i]);
        }
        if (!vectors.isEmpty() && v.length != vectors.get(0).length) {
          throw new IllegalArgumentException(file + " line " + lineNo + ": " + v.length + " components, expected "
              + vectors.get(0).length);
        }
        words.add(parts[0]);
        vectors.add(normalize(v));
      }
    }
    return new WordVectors(words, vectors.toArray(new float[0][]));
  }

  int size() {
    return words.size();
  }

  int dimension() {
    return unit.length == 0 ? 0 : unit[0].length;
  }

  boolean contains(String word) {
    return index.containsKey(word);
  }

  /** The unit vector of {@code word} (a copy). @throws IllegalArgumentException if absent */
  float[] vector(String word) {
    return unit[require(word)].clone();
  }

  /** Cosine of two words' vectors. @throws IllegalArgumentException if either is absent */
  double cosine(String a, String b) {
    return dot(unit[require(a)], unit[require(b)]);
  }

  /** The {@code k} words nearest to {@code word}, itself excluded. */
  List<Neighbour> nearest(String word, int k) {
    return nearest(unit[require(word)], k, Set.of(word));
  }

  /**
   * 3CosAdd (Mikolov et al. 2013): {@code a : b :: c : ?} answered by the words nearest to
   * {@code b - a + c} over unit vectors, the three input words excluded (as in word2vec's and gensim's
   * evaluation).
   *
   * @throws IllegalArgumentException if an input word is absent
   */
  List<Neighbour> analogy(String a, String b, String c, int k) {
    float[] va = unit[require(a)], vb = unit[require(b)], vc = unit[require(c)];
    float[] target = new float[va.length];
    for (int i = 0; i < target.length; i++) {
      target[i] = vb[i] - va[i] + vc[i];
    }
    return nearest(normalize(target), k, Set.of(a, b, c));
  }

  private List<Neighbour> nearest(float[] query, int k, Set<String> exclude) {
    // 1. score every word; 2. keep the best k in a small sorted array (k is tiny)
    Neighbour[] best = new Neighbour[0];
    for (int i = 0; i < unit.length; i++) {
      if (exclude.contains(words.get(i))) {
        continue;
      }
      double s = dot(query, unit[i]);
      if (best.length < k || s > best[best.length - 1].cosine()) {
        Neighbour n = new Neighbour(words.get(i), s);
        int pos = best.length < k ? best.length : best.length - 1;
        best = best.length < k ? Arrays.copyOf(best, best.length + 1) : best;
        while (pos > 0 && best[pos - 1].cosine() < s) {
          best[pos] = best[pos - 1];
          pos--;
        }
        best[pos] = n;
      }
    }
    return List.of(best);
  }

  private int require(String word) {
    Integer i = index.get(word);
    if (i == null) {
      throw new IllegalArgumentException("'" + word + "' is not in the vocabulary of " + words.size() + " words");
    }
    return i;
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  private static float[] normalize(float[] v) {
    double n = 0;
    for (float x : v) {
      n += (double) x * x;
    }
    n = Math.sqrt(n);
    if (n > 0) {
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (v[i] / n);
      }
    }
    return v;
  }
}
