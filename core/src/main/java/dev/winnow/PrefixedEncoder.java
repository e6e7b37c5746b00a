package dev.winnow;

import java.util.ArrayList;
import java.util.List;

/**
 * A view of an encoder that puts a fixed prefix in front of every text. A view does not own its delegate:
 * closing it closes only the view (its methods then throw {@link IllegalStateException}); the delegate's creator
 * closes the delegate. Thread-safe when the delegate is.
 */
final class PrefixedEncoder implements Encoder {
  private final Encoder delegate;
  private final String prefix;
  private volatile boolean closed;

  private PrefixedEncoder(Encoder delegate, String prefix) {
    this.delegate = delegate;
    this.prefix = prefix;
  }

  static Encoder of(Encoder delegate, String prefix, String argName) {
    if (prefix == null) {
      throw new IllegalArgumentException(argName + " is null (use \"\" for no prefix)");
    }
    return prefix.isEmpty() ? delegate : new PrefixedEncoder(delegate, prefix);
  }

  static Encoder unwrap(Encoder e) {
    return e instanceof PrefixedEncoder p ? p.delegate : e;
  }

  @Override
  public int dimension() {
    ensureOpen();
    return delegate.dimension();
  }

  @Override
  public Similarity similarity() {
    ensureOpen();
    return delegate.similarity();
  }

  @Override
  public String modelId() {
    ensureOpen();
    return delegate.modelId() + ";prefix=" + prefix;
  }

  @Override
  public float[][] encode(List<String> texts) {
    Encoder.checkTexts(texts);
    ensureOpen();
    List<String> prefixed = new ArrayList<>(texts.size());
    for (String t : texts) {
      prefixed.add(prefix + t);
    }
    return delegate.encode(prefixed);
  }

  /** Closes this view only; the delegate stays open. Idempotent. */
  @Override
  public void close() {
    closed = true;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("prefixed encoder view is closed");
    }
  }

  @Override
  public String toString() {
    return "PrefixedEncoder[" + prefix + "] " + delegate;
  }
}
