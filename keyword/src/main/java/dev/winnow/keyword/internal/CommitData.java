package dev.winnow.keyword.internal;

import dev.winnow.IndexFormatException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings a saved keyword index records in its Lucene commit's user data: a format version, the analyzer
 * ({@link #DEFAULT_ANALYZER} for the builder's default {@code EnglishAnalyzer}, else the analyzer's class name)
 * and the BM25 parameters. Immutable.
 */
public record CommitData(String analyzer, float k1, float b) {
  public static final String FORMAT_KEY = "winnow.keyword.format";
  public static final String FORMAT = "1";
  public static final String ANALYZER_KEY = "winnow.keyword.analyzer";
  public static final String K1_KEY = "winnow.keyword.k1";
  public static final String B_KEY = "winnow.keyword.b";
  /** Recorded for the builder's default analyzer, which an open can recreate. */
  public static final String DEFAULT_ANALYZER = "english";

  public Map<String, String> toUserData() {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(FORMAT_KEY, FORMAT);
    data.put(ANALYZER_KEY, analyzer);
    data.put(K1_KEY, Float.toString(k1));
    data.put(B_KEY, Float.toString(b));
    return data;
  }

  /**
   * @throws IndexFormatException naming {@code dir} if the data lack a key, hold another format version or a
   *     value out of range
   */
  public static CommitData read(Path dir, Map<String, String> data) {
    String format = data.get(FORMAT_KEY);
    if (!FORMAT.equals(format)) {
      throw new IndexFormatException(dir + ": not a Winnow keyword index (" + FORMAT_KEY + " is "
          + (format == null ? "absent" : "'" + format + "', this version reads '" + FORMAT + "'") + ")");
    }
    String analyzer = data.get(ANALYZER_KEY);
    if (analyzer == null || analyzer.isBlank()) {
      throw new IndexFormatException(dir + ": commit data lack " + ANALYZER_KEY);
    }
    return new CommitData(analyzer, number(dir, data, K1_KEY, Float.MAX_VALUE), number(dir, data, B_KEY, 1));
  }

  private static float number(Path dir, Map<String, String> data, String key, float max) {
    String s = data.get(key);
    try {
      float v = Float.parseFloat(s);
      if (v >= 0 && v <= max) {
        return v;
      }
    } catch (NullPointerException | NumberFormatException e) {
      // reported below
    }
    throw new IndexFormatException(dir + ": commit data " + key + " is " + (s == null ? "absent" : "'" + s + "'")
        + ", expected a number in [0, " + max + "]");
  }
}
