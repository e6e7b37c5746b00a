package dev.winnow.train;

import dev.winnow.Reranker;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link Reranker} over a {@link CrossEncoder} (Winnow's Java BERT on PyTorch): what
 * {@code Rerankers.open(dir)} returns for a safetensors cross-encoder directory, e.g. one
 * {@link CrossEncoderTrainer} saved. Scores are the sigmoid of the logit.
 *
 * <pre>{@code
 * try (Reranker r = BertCrossEncoderReranker.open(Path.of("cache/rerankers/minilm-ce/best"))) {
 *   float[] s = r.score("who wrote dune?", List.of("Frank Herbert wrote Dune."));
 * }
 * }</pre>
 *
 * <p>Thread-safe: concurrent calls run concurrently (inference keeps no per-call state in the blocks).
 * {@link #open} owns the model it loads and closes it; {@link #close()} waits for running calls.
 */
public final class BertCrossEncoderReranker implements Reranker {
  private final CrossEncoder model;
  private final boolean owns;
  private final int batchSize;
  private final String modelId;
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private volatile boolean closed;

  /**
   * A view of {@code model}, {@code batchSize} pairs per forward pass; the caller keeps and closes the model.
   *
   * @throws IllegalArgumentException if {@code model} is null or {@code batchSize < 1}
   */
  public BertCrossEncoderReranker(CrossEncoder model, int batchSize) {
    this(model, batchSize, false);
  }

  private BertCrossEncoderReranker(CrossEncoder model, int batchSize, boolean owns) {
    if (model == null) {
      throw new IllegalArgumentException("model is null");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    this.model = model;
    this.batchSize = batchSize;
    this.owns = owns;
    this.modelId = "winnow-train:" + model.fingerprint() + ";sigmoid=true;maxLength=" + model.maxLength();
  }

  /** Like the constructor, but the reranker takes {@code model} and closes it. */
  public static BertCrossEncoderReranker owning(CrossEncoder model, int batchSize) {
    return new BertCrossEncoderReranker(model, batchSize, true);
  }

  /**
   * Loads a cross-encoder directory (max length from its {@code serving.properties}, else 256) and owns it;
   * 16 pairs per forward pass.
   */
  public static BertCrossEncoderReranker open(Path dir) {
    CrossEncoder ce = CrossEncoder.load(dir, maxLengthOf(dir), 42);
    return new BertCrossEncoderReranker(ce, 16, true);
  }

  static int maxLengthOf(Path dir) {
    java.util.Properties p = new java.util.Properties();
    Path f = dir.resolve("serving.properties");
    if (java.nio.file.Files.isRegularFile(f)) {
      try (java.io.Reader r = java.nio.file.Files.newBufferedReader(f)) {
        p.load(r);
      } catch (java.io.IOException e) {
        throw new dev.winnow.ModelLoadException("cannot read " + f + ": " + e.getMessage(), e);
      }
    }
    String v = p.getProperty("maxLength");
    try {
      return v == null ? 256 : Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new dev.winnow.ModelLoadException(f + ": maxLength '" + v + "' is not an integer", e);
    }
  }

  @Override
  public float[] score(String query, List<String> passages) {
    Reranker.checkScore(query, passages);
    return scorePairs(java.util.Collections.nCopies(passages.size(), query), passages);
  }

  @Override
  public float[] scorePairs(List<String> queries, List<String> passages) {
    Reranker.checkPairs(queries, passages);
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      float[] l = model.logits(queries, passages, batchSize);
      for (int i = 0; i < l.length; i++) {
        l[i] = (float) (1.0 / (1.0 + Math.exp(-l[i])));
      }
      return l;
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  @Override
  public String modelId() {
    ensureOpen();
    return modelId;
  }

  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        if (owns) {
          model.close();
        }
      }
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("reranker is closed");
    }
  }

  @Override
  public String toString() {
    return "BertCrossEncoderReranker[" + modelId + "]";
  }
}
