package dev.winnow.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.winnow.Document;
import dev.winnow.Filter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One set of metadata-filter cases for every index that filters ({@code VectorIndex}, {@code KeywordIndex}), so
 * that all of them agree with {@link Filter#test}: documents whose metadata mix value types under the same keys
 * (Integer, Long, Float, Double, String, Boolean, absent), numbers at the edges of long and double precision,
 * strings that UTF-8 and UTF-16 order differently or cannot both carry, keys that look like an index's internal
 * field names; and filters of every kind over them. The expected ids of a filter are brute force:
 * {@code Filter.test} over {@link #documents()}.
 *
 * <pre>{@code
 * index.addAll(FilterCases.documents());                 // each text holds FilterCases.WORD
 * FilterCases.assertAllMatch("my index", f -> ids(index.search(FilterCases.WORD, Integer.MAX_VALUE, f)));
 * }</pre>
 */
public final class FilterCases {
  private FilterCases() {}

  /** A word in every document's text: a keyword search for it returns every document that passes a filter. */
  public static final String WORD = "winnow";

  /** A named filter. */
  public record Case(String name, Filter filter) {}

  private static final long MAX = Long.MAX_VALUE;
  private static final long TWO_53 = 1L << 53;
  /** {@code (double) Long.MAX_VALUE}: 2^63, which {@code Long.MAX_VALUE} and {@code Long.MAX_VALUE - 1} round to. */
  private static final double MAX_AS_DOUBLE = (double) Long.MAX_VALUE;
  private static final String GRIN = "\uD83D\uDE00";     // U+1F600: before U+E000 in UTF-16, after it in UTF-8
  private static final String LONE_HIGH = "x\uD800";     // unpaired surrogates: UTF-8 turns both into U+FFFD
  private static final String LONE_HIGH2 = "x\uDBFF";
  private static final String LONE_LOW = "x\uDC00";
  private static final String ODD_KEY = "k\uD800";       // a metadata key with an unpaired surrogate

  /** Values of {@code n}; null leaves the key out. */
  private static final Object[] N = {
      5, 5L, 5.0, 5.0f, 5.5, -0.0, 0.0, 0, MAX, MAX - 1, MAX_AS_DOUBLE, 1e19, Long.MIN_VALUE, TWO_53 + 1,
      (double) TWO_53, 0.1f, 0.1, (double) 0.1f, "5", true, null, Integer.MIN_VALUE, -7, Double.MAX_VALUE,
      -Double.MAX_VALUE, Double.MIN_VALUE, 2.5f, 3L, TWO_53, Integer.MAX_VALUE};
  /** Values of {@code s}. */
  private static final Object[] S = {
      "", "a", "b", "Z", "\u00e9", "e", GRIN, "\uFFFD", "\uE000", LONE_HIGH, LONE_HIGH2, LONE_LOW, "abc", "ab",
      "a\u0000", "\u65e5\u672c", 7, false, null};
  /** Values of {@code flag}. */
  private static final Object[] FLAG = {true, false, "true", 1, null};

  /** 60 documents {@code f00..f59}; every value above occurs at least once. */
  public static List<Document> documents() {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      Map<String, Object> m = new LinkedHashMap<>();
      put(m, "n", N[i % N.length]);
      put(m, "s", S[(i * 7) % S.length]);
      put(m, "flag", FLAG[(i * 3) % FLAG.length]);
      if (i % 4 == 0) {
        m.put("_id", String.format("f%02d", (i + 4) % 60));   // not the document's id
        m.put("_text", WORD);
      }
      if (i % 5 == 1) {
        m.put("s:n", "x");
        m.put("a\\b", i % 2);
        m.put(ODD_KEY, "v");
      }
      if (i % 6 == 2) {
        m.put("with space", i);
        m.put("\u043a\u043b\u044e\u0447", "\u0437\u043d\u0430\u0447\u0435\u043d\u0438\u0435");
      }
      docs.add(new Document(String.format("f%02d", i), WORD + " document " + i, m));
    }
    return docs;
  }

  private static void put(Map<String, Object> m, String key, Object v) {
    if (v != null) {
      m.put(key, v);
    }
  }

  /** The filters, each with a readable name. */
  public static List<Case> cases() {
    List<Case> c = new ArrayList<>();
    // numbers: equality across boxed types and at the edges of long/double precision
    for (Object v : new Object[] {5, 5L, 5.0, 5.0f, (short) 5, (byte) 5, 0, 0.0, -0.0, MAX, MAX - 1, MAX_AS_DOUBLE,
        TWO_53, TWO_53 + 1, (double) TWO_53, 0.1f, 0.1, Long.MIN_VALUE, Double.MIN_VALUE, 5.5f, 1e19, -7.0f}) {
      c.add(new Case("eq(n, " + describe(v) + ")", Filter.eq("n", v)));
    }
    c.add(new Case("eq(n, \"5\") string vs numbers", Filter.eq("n", "5")));
    c.add(new Case("eq(n, true) boolean vs numbers", Filter.eq("n", true)));
    c.add(new Case("in(n, mixed kinds)", Filter.in("n", List.of(5, 0.1f, "5", true))));
    c.add(new Case("in(n, [Long.MAX])", Filter.in("n", List.of(MAX))));
    c.add(new Case("in(n, [-0.0])", Filter.in("n", List.of(-0.0))));
    List<Object> many = new ArrayList<>();
    for (int i = -1000; i < 1000; i++) {
      many.add(i % 2 == 0 ? i : (long) i);
    }
    c.add(new Case("in(n, 2000 values)", Filter.in("n", many)));
    // numeric ranges: open and closed bounds, mixed bound types, edges
    c.add(new Case("range(n, 0, 5)", Filter.range("n", 0, 5)));
    c.add(new Case("range(n, 0.0, 5)", Filter.range("n", 0.0, 5)));
    c.add(new Case("range(n, -0.0, 0.0)", Filter.range("n", -0.0, 0.0)));
    c.add(new Case("range(n, 0, 0)", Filter.range("n", 0, 0)));
    c.add(new Case("range(n, 1, 5.5)", Filter.range("n", 1, 5.5)));
    c.add(new Case("range(n, 0.5, 5L)", Filter.range("n", 0.5, 5L)));
    c.add(new Case("(5, 5.5) exclusive", new Filter.Range("n", 5, false, 5.5, false)));
    c.add(new Case("(4.9, 5] mixed", new Filter.Range("n", 4.9, false, 5, true)));
    c.add(new Case("[2^53, 2^53+1]", Filter.range("n", TWO_53, TWO_53 + 1)));
    c.add(new Case("range(n, Integer.MIN, -1)", Filter.range("n", Integer.MIN_VALUE, -1)));
    c.add(new Case("range(n, -Double.MAX, Double.MAX)", Filter.range("n", -Double.MAX_VALUE, Double.MAX_VALUE)));
    c.add(new Case("n > 5", Filter.greaterThan("n", 5)));
    c.add(new Case("n > 5.0", Filter.greaterThan("n", 5.0)));
    c.add(new Case("n >= 5", Filter.atLeast("n", 5)));
    c.add(new Case("n < 5", Filter.lessThan("n", 5)));
    c.add(new Case("n <= 5.0f", Filter.atMost("n", 5.0f)));
    c.add(new Case("n > Long.MAX", Filter.greaterThan("n", MAX)));
    c.add(new Case("n > Long.MAX - 1", Filter.greaterThan("n", MAX - 1)));
    c.add(new Case("n >= 2^63 (double)", Filter.atLeast("n", MAX_AS_DOUBLE)));
    c.add(new Case("n > 2^63 (double)", Filter.greaterThan("n", MAX_AS_DOUBLE)));
    c.add(new Case("n < Long.MIN", Filter.lessThan("n", Long.MIN_VALUE)));
    c.add(new Case("n <= Long.MIN", Filter.atMost("n", Long.MIN_VALUE)));
    c.add(new Case("n > -0.0", Filter.greaterThan("n", -0.0)));
    c.add(new Case("n < 0.0", Filter.lessThan("n", 0.0)));
    c.add(new Case("n < 0", Filter.lessThan("n", 0)));
    c.add(new Case("n > 0.1f", Filter.greaterThan("n", 0.1f)));
    c.add(new Case("n < 0.1", Filter.lessThan("n", 0.1)));
    c.add(new Case("range(n, \"0\", \"9\") strings only", Filter.range("n", "0", "9")));
    // strings: equality, UTF-16 order, unpaired surrogates, the empty string
    for (Object v : new Object[] {"", "\u00e9", "e", "Z", LONE_HIGH, LONE_HIGH2, LONE_LOW, "\uFFFD", GRIN, "a\u0000",
        "\u65e5\u672c", 7, 7.0, false}) {
      c.add(new Case("eq(s, " + describe(v) + ")", Filter.eq("s", v)));
    }
    c.add(new Case("in(s, [a, \u00e9, grin])", Filter.in("s", List.of("a", "\u00e9", GRIN))));
    c.add(new Case("range(s, a, z)", Filter.range("s", "a", "z")));
    c.add(new Case("range(s, \"\", a)", Filter.range("s", "", "a")));
    c.add(new Case("s > \"\"", Filter.greaterThan("s", "")));
    c.add(new Case("s < a", Filter.lessThan("s", "a")));
    c.add(new Case("s >= grin", Filter.atLeast("s", GRIN)));
    c.add(new Case("s > grin", Filter.greaterThan("s", GRIN)));
    c.add(new Case("s < U+E000", Filter.lessThan("s", "\uE000")));
    c.add(new Case("s >= U+E000", Filter.atLeast("s", "\uE000")));
    c.add(new Case("range(s, U+D800, U+DFFF)", Filter.range("s", "\uD800", "\uDFFF")));
    c.add(new Case("s <= x+U+D800", Filter.atMost("s", LONE_HIGH)));
    c.add(new Case("s > x+U+D800", Filter.greaterThan("s", LONE_HIGH)));
    c.add(new Case("range(s, x, y)", Filter.range("s", "x", "y")));
    c.add(new Case("range(s, 0, 10) numbers only", Filter.range("s", 0, 10)));
    // contains: substrings of string values only (UTF-16 code units), the empty substring matches every string
    for (String sub : new String[] {"", "a", "b", "ab", "\u0000", "\uD83D", "\uDE00", GRIN, "x\uD800", "\uDC00", "\u672c",
        "zzz"}) {
      c.add(new Case("contains(s, \"" + escape(sub) + "\")", Filter.contains("s", sub)));
    }
    c.add(new Case("contains(n, \"5\") string values only", Filter.contains("n", "5")));
    c.add(new Case("contains(flag, \"true\")", Filter.contains("flag", "true")));
    c.add(new Case("not(contains(s, a))", Filter.not(Filter.contains("s", "a"))));
    c.add(new Case("or(contains(s, b), eq(n, 5))", Filter.or(Filter.contains("s", "b"), Filter.eq("n", 5))));
    // booleans only equal booleans
    c.add(new Case("eq(flag, true)", Filter.eq("flag", true)));
    c.add(new Case("eq(flag, false)", Filter.eq("flag", false)));
    c.add(new Case("eq(flag, \"true\")", Filter.eq("flag", "true")));
    c.add(new Case("eq(flag, 1)", Filter.eq("flag", 1)));
    c.add(new Case("in(flag, [true, false])", Filter.in("flag", List.of(true, false))));
    c.add(new Case("range(flag, 0, 1) numbers only", Filter.range("flag", 0, 1)));
    c.add(new Case("range(flag, a, z) strings only", Filter.range("flag", "a", "z")));
    // keys shaped like internal field names, with odd characters
    c.add(new Case("eq(_id, f08) metadata, not the id", Filter.eq("_id", "f08")));
    c.add(new Case("eq(_text, word)", Filter.eq("_text", WORD)));
    c.add(new Case("eq(s:n, x)", Filter.eq("s:n", "x")));
    c.add(new Case("eq(a\\b, 1)", Filter.eq("a\\b", 1)));
    c.add(new Case("eq(k+U+D800, v)", Filter.eq(ODD_KEY, "v")));
    c.add(new Case("with space >= 10", Filter.atLeast("with space", 10)));
    c.add(new Case("eq(cyrillic)", Filter.eq("\u043a\u043b\u044e\u0447",
        "\u0437\u043d\u0430\u0447\u0435\u043d\u0438\u0435")));
    // logic; not() matches documents that lack the field or hold another type
    c.add(new Case("not(eq(n, 5))", Filter.not(Filter.eq("n", 5))));
    c.add(new Case("not(range(n, 0, 10))", Filter.not(Filter.range("n", 0, 10))));
    c.add(new Case("not(eq(flag, true))", Filter.not(Filter.eq("flag", true))));
    c.add(new Case("not(not(eq(s, a)))", Filter.not(Filter.not(Filter.eq("s", "a")))));
    c.add(new Case("not(in(s, ...))", Filter.not(Filter.in("s", List.of("a", "b", "", GRIN)))));
    c.add(new Case("and(flag, n in [0, 10])", Filter.and(Filter.eq("flag", true), Filter.range("n", 0, 10))));
    c.add(new Case("and(not flag true, not flag false)",
        Filter.and(Filter.not(Filter.eq("flag", true)), Filter.not(Filter.eq("flag", false)))));
    c.add(new Case("and(two ranges)", Filter.and(Filter.range("n", 0, 10), Filter.range("s", "a", "z"))));
    c.add(new Case("or(s = a, n = 5)", Filter.or(Filter.eq("s", "a"), Filter.eq("n", 5))));
    c.add(new Case("or(three fields)", Filter.or(Filter.eq("n", 5), Filter.eq("s", "a"), Filter.eq("flag", true))));
    c.add(new Case("not(and(...))", Filter.not(Filter.and(Filter.atLeast("n", 0), Filter.eq("flag", true)))));
    c.add(new Case("and(or(...), not(...))", Filter.and(Filter.or(Filter.eq("s", "a"), Filter.lessThan("n", 1)),
        Filter.not(Filter.eq("flag", false)))));
    Filter[] wide = new Filter[1500];
    for (int i = 0; i < wide.length; i++) {
      wide[i] = Filter.eq("n", i - 750);
    }
    c.add(new Case("or(1500 eq clauses)", Filter.or(wide)));
    Filter deep = Filter.eq("n", 5);
    for (int i = 0; i < 50; i++) {
      deep = i % 2 == 0 ? Filter.not(deep) : Filter.and(deep, Filter.atLeast("n", -100));
    }
    c.add(new Case("50 nested not/and", deep));
    return c;
  }

  /** Filters naming a field no document has; indexes must reject them with IllegalArgumentException. */
  public static List<Filter> unknownFieldFilters() {
    return List.of(
        Filter.eq("nope", 1),
        Filter.eq("N", 5),                                         // keys are case-sensitive
        Filter.and(Filter.eq("n", 5), Filter.eq("nope", 1)),
        Filter.not(Filter.range("missing", 0, 1)),
        Filter.contains("nope", "a"),
        Filter.or(Filter.eq("s", "a"), Filter.in("NOPE", List.of(1))));
  }

  /** Brute force: the ids of {@link #documents()} that pass {@code filter}. */
  public static Set<String> expected(Filter filter) {
    Set<String> out = new TreeSet<>();
    for (Document d : documents()) {
      if (filter.test(d.metadata())) {
        out.add(d.id());
      }
    }
    return out;
  }

  /**
   * Runs every case through {@code search} (filter → ids of the matching documents among {@link #documents()})
   * and fails listing every case whose ids differ from brute force; then checks that each unknown-field filter
   * throws {@link IllegalArgumentException} naming the field.
   */
  public static void assertAllMatch(String what, Function<Filter, Collection<String>> search) {
    List<String> wrong = new ArrayList<>();
    int selective = 0;
    for (Case c : cases()) {
      Set<String> expected = expected(c.filter());
      Set<String> actual = new TreeSet<>(search.apply(c.filter()));
      if (!expected.equals(actual)) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(actual);
        Set<String> extra = new TreeSet<>(actual);
        extra.removeAll(expected);
        wrong.add(c.name() + ": missing " + missing + ", extra " + extra);
      }
      if (!expected.isEmpty() && expected.size() < documents().size()) {
        selective++;
      }
    }
    if (!wrong.isEmpty()) {
      fail(what + ": " + wrong.size() + " of " + cases().size() + " filters disagree with Filter.test:\n  "
          + String.join("\n  ", wrong));
    }
    assertTrue(selective >= cases().size() * 3 / 4, "too few selective cases: " + selective);
    for (Filter f : unknownFieldFilters()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> search.apply(f),
          what + " accepted " + f);
      assertTrue(e.getMessage().contains("unknown"), e.getMessage());
    }
  }

  private static String describe(Object v) {
    String s = v instanceof String str ? "\"" + escape(str) + "\"" : String.valueOf(v);
    return s + " " + v.getClass().getSimpleName();
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder();
    for (char ch : s.toCharArray()) {
      b.append(ch < 0x20 || ch > 0x7e ? String.format("\\u%04X", (int) ch) : String.valueOf(ch));
    }
    return b.toString();
  }
}
