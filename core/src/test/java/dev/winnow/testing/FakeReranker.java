package dev.winnow.testing;

import dev.winnow.Reranker;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A model-free reranker for tests: a passage scores the fraction of its words that also occur in the query (words
 * are lower-cased letter and digit runs), so scores are deterministic and batch independent. An empty passage
 * scores 0. Follows the {@link Reranker} contract ({@code FakeRerankerContractTest}). Thread-safe.
 */
public final class FakeReranker implements Reranker {
  private volatile boolean closed;

  @Override
  public float[] score(String query, List<String> passages) {
    Reranker.checkScore(query, passages);
    ensureOpen();
    Set<String> q = words(query);
    float[] out = new float[passages.size()];
    for (int i = 0; i < out.length; i++) {
      List<String> p = List.of(passages.get(i).toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"));
      int n = 0;
      int hits = 0;
      for (String w : p) {
        if (!w.isEmpty()) {
          n++;
          hits += q.contains(w) ? 1 : 0;
        }
      }
      out[i] = n == 0 ? 0f : (float) hits / n;
    }
    return out;
  }

  @Override
  public String modelId() {
    ensureOpen();
    return "fake-word-overlap";
  }

  @Override
  public void close() {
    closed = true;
  }

  private static Set<String> words(String text) {
    Set<String> out = new HashSet<>();
    for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (!w.isEmpty()) {
        out.add(w);
      }
    }
    return out;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("FakeReranker is closed");
    }
  }
}
