package dev.winnow.testing;

import dev.winnow.Encoder;
import dev.winnow.Similarity;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model-free encoder for tests: a deterministic unit vector per text, seeded by the text's bytes. Equal texts
 * get equal vectors; different texts get unrelated ones. Counts its calls and texts. Follows the {@link Encoder}
 * contract, checked by {@code FakeEncoderContractTest}: after {@link #close()} every method but {@code close} (and
 * the test accessors {@link #calls()}, {@link #texts()}, {@link #isClosed()}) throws. Thread-safe.
 */
public final class FakeEncoder implements Encoder {
  private final int dimension;
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger texts = new AtomicInteger();
  private volatile boolean closed;

  public FakeEncoder(int dimension) {
    if (dimension <= 0) {
      throw new IllegalArgumentException("dimension must be > 0, got " + dimension);
    }
    this.dimension = dimension;
  }

  @Override
  public int dimension() {
    ensureOpen();
    return dimension;
  }

  @Override
  public Similarity similarity() {
    ensureOpen();
    return Similarity.COSINE;
  }

  @Override
  public String modelId() {
    ensureOpen();
    return "fake-" + dimension;
  }

  @Override
  public float[][] encode(List<String> batch) {
    Encoder.checkTexts(batch);
    ensureOpen();
    calls.incrementAndGet();
    texts.addAndGet(batch.size());
    float[][] out = new float[batch.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = vector(batch.get(i));
    }
    return out;
  }

  /** The vector this encoder gives {@code text}. */
  public float[] vector(String text) {
    long seed = 1125899906842597L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      seed = 31 * seed + b;
    }
    SplittableRandom random = new SplittableRandom(seed);
    float[] v = new float[dimension];
    double norm = 0;
    for (int j = 0; j < dimension; j++) {
      v[j] = (float) random.nextGaussian();
      norm += v[j] * v[j];
    }
    for (int j = 0; j < dimension; j++) {
      v[j] /= (float) Math.sqrt(norm);
    }
    return v;
  }

  public int calls() {
    return calls.get();
  }

  public int texts() {
    return texts.get();
  }

  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("FakeEncoder is closed");
    }
  }
}
