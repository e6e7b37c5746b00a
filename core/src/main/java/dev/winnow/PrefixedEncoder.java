package dev.winnow;

import java.util.ArrayList;
import java.util.List;

/** A view of an encoder that puts a fixed prefix in front of every text. Closing it closes the delegate. */
final class PrefixedEncoder implements Encoder {
  private final Encoder delegate;
  private final String prefix;

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
    return delegate.dimension();
  }

  @Override
  public Similarity similarity() {
    return delegate.similarity();
  }

  @Override
  public String modelId() {
    return delegate.modelId() + ";prefix=" + prefix;
  }

  @Override
  public float[][] encode(List<String> texts) {
    Encoder.checkTexts(texts);
    List<String> prefixed = new ArrayList<>(texts.size());
    for (String t : texts) {
      prefixed.add(prefix + t);
    }
    return delegate.encode(prefixed);
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return "PrefixedEncoder[" + prefix + "] " + delegate;
  }
}
