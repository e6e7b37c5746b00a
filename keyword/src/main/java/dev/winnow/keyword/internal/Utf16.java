package dev.winnow.keyword.internal;

import org.apache.lucene.util.BytesRef;

/**
 * Strings as UTF-16BE bytes: the encoding of ids and string metadata in Lucene terms and doc values. Unlike the
 * UTF-8 that Lucene uses for {@code String} terms it is injective on every Java string (unpaired surrogates
 * included), and unsigned byte order equals {@link String#compareTo} order (UTF-16 code units), which UTF-8 order
 * does not for supplementary characters (U+1F600 sorts before U+FFFD in Java, after it in UTF-8).
 * Stateless.
 */
public final class Utf16 {
  private Utf16() {}

  public static BytesRef bytes(String s) {
    byte[] b = new byte[2 * s.length()];
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      b[2 * i] = (byte) (c >>> 8);
      b[2 * i + 1] = (byte) c;
    }
    return new BytesRef(b);
  }

  /** Inverse of {@link #bytes}; the length must be even. */
  public static String string(BytesRef b) {
    if ((b.length & 1) != 0) {
      throw new IllegalArgumentException("UTF-16 term of odd length " + b.length);
    }
    char[] c = new char[b.length / 2];
    for (int i = 0; i < c.length; i++) {
      c[i] = (char) (((b.bytes[b.offset + 2 * i] & 0xFF) << 8) | (b.bytes[b.offset + 2 * i + 1] & 0xFF));
    }
    return new String(c);
  }

  /** Whether {@code s} has no unpaired surrogate, so that UTF-8 round-trips it. */
  public static boolean wellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return false;
        }
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
