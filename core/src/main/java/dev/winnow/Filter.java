package dev.winnow;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A predicate over a {@link Document}'s metadata, used to restrict a search.
 *
 * <pre>{@code
 * Filter f = Filter.and(
 *     Filter.eq("lang", "en"),
 *     Filter.in("source", List.of("wiki", "news")),
 *     Filter.range("year", 2015, 2020),          // inclusive bounds
 *     Filter.contains("title", "Dune"),          // substring of a string value
 *     Filter.not(Filter.eq("draft", true)));
 * }</pre>
 *
 * <p>Semantics: numbers compare by numeric value whatever their boxed type ({@code 5}, {@code 5L} and
 * {@code 5.0} are equal); strings compare by {@link String#compareTo}; booleans only equal booleans. A document
 * that lacks the field, or whose value has another type, does not match {@code eq}, {@code in} or
 * {@code range} (so {@code not} of them matches it); {@code contains} matches only string values. Indexes reject a filter naming a field that no document of
 * the index has with {@link IllegalArgumentException}, because that is almost always a typo.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface Filter permits Filter.Eq, Filter.In, Filter.Range, Filter.Contains, Filter.And, Filter.Or,
    Filter.Not {

  /** Whether metadata passes this filter. */
  boolean test(Map<String, Object> metadata);

  /** The metadata fields this filter reads. */
  Set<String> fields();

  /** {@code field == value}; value is a String, Boolean or finite Number. */
  static Filter eq(String field, Object value) {
    return new Eq(field, value);
  }

  /** {@code field} equals one of {@code values} (non-empty). */
  static Filter in(String field, Collection<?> values) {
    return new In(field, values == null ? null : new ArrayList<>(values));
  }

  /** {@code min <= field <= max}; both bounds numbers or both strings; a null bound is open. */
  static Filter range(String field, Object min, Object max) {
    return new Range(field, min, true, max, true);
  }

  /** {@code field >= min}. */
  static Filter atLeast(String field, Object min) {
    return new Range(field, min, true, null, true);
  }

  /** {@code field > min}. */
  static Filter greaterThan(String field, Object min) {
    return new Range(field, min, false, null, true);
  }

  /** {@code field <= max}. */
  static Filter atMost(String field, Object max) {
    return new Range(field, null, true, max, true);
  }

  /** {@code field < max}. */
  static Filter lessThan(String field, Object max) {
    return new Range(field, null, true, max, false);
  }

  /**
   * {@code field} is a string that contains {@code substring} ({@link String#contains}: case-sensitive, by
   * UTF-16 code units; the empty substring matches every string value). Numbers and booleans never match.
   *
   * @since 0.1.0 (added for LangChain4j's {@code ContainsString})
   */
  static Filter contains(String field, String substring) {
    return new Contains(field, substring);
  }

  /** All of the clauses (at least one). */
  static Filter and(Filter... clauses) {
    return new And(clauses == null ? null : java.util.Arrays.asList(clauses));
  }

  /** Any of the clauses (at least one). */
  static Filter or(Filter... clauses) {
    return new Or(clauses == null ? null : java.util.Arrays.asList(clauses));
  }

  /** The negation of a clause. */
  static Filter not(Filter clause) {
    return new Not(clause);
  }

  /** Equality with a single value. */
  record Eq(String field, Object value) implements Filter {
    public Eq {
      checkField(field);
      checkValue(field, value);
    }

    @Override
    public boolean test(Map<String, Object> metadata) {
      return valueEquals(metadata.get(field), value);
    }

    @Override
    public Set<String> fields() {
      return Set.of(field);
    }
  }

  /** Equality with one of several values. */
  record In(String field, List<Object> values) implements Filter {
    public In {
      checkField(field);
      if (values == null || values.isEmpty()) {
        throw new IllegalArgumentException("in(" + field + "): values must be non-empty");
      }
      for (Object v : values) {
        checkValue(field, v);
      }
      values = List.copyOf(values);
    }

    @Override
    public boolean test(Map<String, Object> metadata) {
      Object actual = metadata.get(field);
      if (actual == null) {
        return false;
      }
      for (Object v : values) {
        if (valueEquals(actual, v)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public Set<String> fields() {
      return Set.of(field);
    }
  }

  /** A numeric or string interval; a null bound is open. */
  record Range(String field, Object min, boolean minInclusive, Object max, boolean maxInclusive) implements Filter {
    public Range {
      checkField(field);
      if (min == null && max == null) {
        throw new IllegalArgumentException("range(" + field + "): at least one bound must be non-null");
      }
      if (min != null) {
        checkBound(field, min);
      }
      if (max != null) {
        checkBound(field, max);
      }
      if (min != null && max != null) {
        if ((min instanceof String) != (max instanceof String)) {
          throw new IllegalArgumentException("range(" + field + "): bounds must both be numbers or both strings, got "
              + min.getClass().getSimpleName() + " and " + max.getClass().getSimpleName());
        }
        if (compare(min, max) > 0) {
          throw new IllegalArgumentException("range(" + field + "): min " + min + " > max " + max);
        }
      }
    }

    @Override
    public boolean test(Map<String, Object> metadata) {
      Object actual = metadata.get(field);
      Object kind = min != null ? min : max;
      if (actual == null || (actual instanceof String) != (kind instanceof String) || actual instanceof Boolean) {
        return false;
      }
      if (min != null) {
        int c = compare(actual, min);
        if (c < 0 || (c == 0 && !minInclusive)) {
          return false;
        }
      }
      if (max != null) {
        int c = compare(actual, max);
        return c < 0 || (c == 0 && maxInclusive);
      }
      return true;
    }

    @Override
    public Set<String> fields() {
      return Set.of(field);
    }

    private static void checkBound(String field, Object bound) {
      checkValue(field, bound);
      if (bound instanceof Boolean) {
        throw new IllegalArgumentException("range(" + field + "): bounds must be numbers or strings, got Boolean");
      }
    }
  }

  /** Substring match on a string value. */
  record Contains(String field, String substring) implements Filter {
    public Contains {
      checkField(field);
      if (substring == null) {
        throw new IllegalArgumentException("contains(" + field + "): substring is null");
      }
    }

    @Override
    public boolean test(Map<String, Object> metadata) {
      return metadata.get(field) instanceof String s && s.contains(substring);
    }

    @Override
    public Set<String> fields() {
      return Set.of(field);
    }
  }

  /** Conjunction. */
  record And(List<Filter> clauses) implements Filter {
    public And {
      clauses = checkClauses("and", clauses);
    }

    @Override
    public boolean test(Map<String, Object> metadata) {
      for (Filter f : clauses) {
        if (!f.test(metadata)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public Set<String> fields() {
      return union(clauses);
    }
  }

  /** Disjunction. */
  record Or(List<Filter> clauses) implements Filter {
    public Or {
      clauses = checkClauses("or", clauses);
    }

    @Override
    public boolean test(Map<String, Object> metadata) {
      for (Filter f : clauses) {
        if (f.test(metadata)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public Set<String> fields() {
      return union(clauses);
    }
  }

  /** Negation. */
  record Not(Filter clause) implements Filter {
    public Not {
      if (clause == null) {
        throw new IllegalArgumentException("not(): clause is null");
      }
    }

    @Override
    public boolean test(Map<String, Object> metadata) {
      return !clause.test(metadata);
    }

    @Override
    public Set<String> fields() {
      return clause.fields();
    }
  }

  private static void checkField(String field) {
    if (field == null || field.isBlank()) {
      throw new IllegalArgumentException("filter field must be non-blank, got "
          + (field == null ? "null" : "'" + field + "'"));
    }
  }

  private static void checkValue(String field, Object v) {
    boolean ok = v instanceof String || v instanceof Boolean || v instanceof Integer || v instanceof Long
        || v instanceof Short || v instanceof Byte
        || (v instanceof Double d && Double.isFinite(d)) || (v instanceof Float f && Float.isFinite(f));
    if (!ok) {
      throw new IllegalArgumentException("filter value for '" + field
          + "' must be a String, Boolean or finite number, got " + (v == null ? "null" : v.getClass().getName() + " " + v));
    }
  }

  private static List<Filter> checkClauses(String op, List<Filter> clauses) {
    if (clauses == null || clauses.isEmpty()) {
      throw new IllegalArgumentException(op + "(): needs at least one clause");
    }
    List<Filter> copy = new ArrayList<>(clauses.size());
    for (int i = 0; i < clauses.size(); i++) {
      if (clauses.get(i) == null) {
        throw new IllegalArgumentException(op + "(): clause " + i + " is null");
      }
      copy.add(clauses.get(i));
    }
    return List.copyOf(copy);
  }

  private static Set<String> union(List<Filter> clauses) {
    Set<String> out = new LinkedHashSet<>();
    for (Filter f : clauses) {
      out.addAll(f.fields());
    }
    return Set.copyOf(out);
  }

  private static boolean valueEquals(Object actual, Object expected) {
    if (actual == null) {
      return false;
    }
    if (actual instanceof Number a && expected instanceof Number e) {
      return compareNumbers(a, e) == 0;
    }
    return actual.equals(expected);
  }

  /** Compares two numbers or two strings (caller guarantees the kinds match). */
  private static int compare(Object a, Object b) {
    if (a instanceof String sa && b instanceof String sb) {
      return sa.compareTo(sb);
    }
    return compareNumbers((Number) a, (Number) b);
  }

  private static int compareNumbers(Number a, Number b) {
    boolean ia = !(a instanceof Double || a instanceof Float);
    boolean ib = !(b instanceof Double || b instanceof Float);
    if (ia && ib) {
      return Long.compare(a.longValue(), b.longValue());
    }
    return Double.compare(a.doubleValue(), b.doubleValue());
  }
}
