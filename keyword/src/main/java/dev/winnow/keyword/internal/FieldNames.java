package dev.winnow.keyword.internal;

/**
 * Names of the Lucene fields behind a document. The id, text and stored document use reserved names that start
 * with {@code _}; each metadata key maps to one field per value kind, named {@code <kind>:<escaped key>}, so a key
 * can never collide with a reserved field or with another key, whatever characters it holds (a key {@code "_id"}
 * becomes {@code "s:_id"}). Keys are escaped because Lucene stores field names as UTF-8: {@code \} becomes
 * {@code \\} and an unpaired surrogate becomes a backslash, {@code u} and four hex digits, which keeps the mapping injective
 * and reversible. Stateless.
 */
public final class FieldNames {
  private FieldNames() {}

  /** The id: an indexed UTF-16 term (delete/update by id) and sorted doc values (ties by id, hit ids). */
  public static final String ID = "_id";
  /** The analyzed text BM25 scores. */
  public static final String TEXT = "_text";
  /** The stored document (see {@link StoredDocument}). */
  public static final String DOC = "_doc";

  /** String values: UTF-16 terms (equality and ranges in {@link String#compareTo} order). */
  public static final char STRING = 's';
  /** Boolean values: the terms {@code T} and {@code F}. */
  public static final char BOOLEAN = 'b';
  /** Integer and Long values as long points (exact integral comparisons). */
  public static final char LONG = 'l';
  /** Integer and Long values as double points (comparisons with a floating-point filter value). */
  public static final char INTEGRAL_AS_DOUBLE = 'i';
  /** Float and Double values as double points. */
  public static final char FLOATING = 'f';

  private static final String KINDS = "sblif";

  public static String metadata(char kind, String key) {
    StringBuilder out = new StringBuilder(key.length() + 2).append(kind).append(':');
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      boolean paired = Character.isHighSurrogate(c) ? i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))
          : Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(key.charAt(i - 1));
      if (c == '\\') {
        out.append("\\\\");
      } else if (Character.isSurrogate(c) && !paired) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** The metadata key a field name belongs to, or null for reserved and foreign fields. */
  public static String keyOf(String field) {
    if (field.length() < 2 || field.charAt(1) != ':' || KINDS.indexOf(field.charAt(0)) < 0) {
      return null;
    }
    StringBuilder key = new StringBuilder(field.length() - 2);
    for (int i = 2; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c != '\\') {
        key.append(c);
      } else if (i + 1 < field.length() && field.charAt(i + 1) == '\\') {
        key.append('\\');
        i++;
      } else if (i + 5 < field.length() && field.charAt(i + 1) == 'u') {
        int unit = hex4(field, i + 2);
        if (unit < 0) {
          return null;
        }
        key.append((char) unit);
        i += 5;
      } else {
        return null; // not written by metadata()
      }
    }
    return key.toString();
  }

  private static int hex4(String s, int from) {
    int v = 0;
    for (int i = from; i < from + 4; i++) {
      int d = Character.digit(s.charAt(i), 16);
      if (d < 0) {
        return -1;
      }
      v = v * 16 + d;
    }
    return v;
  }
}
