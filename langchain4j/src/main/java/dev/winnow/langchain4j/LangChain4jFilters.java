package dev.winnow.langchain4j;

import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.filter.comparison.ContainsString;
import dev.langchain4j.store.embedding.filter.comparison.IsEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThan;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsIn;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThan;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotIn;
import dev.langchain4j.store.embedding.filter.logical.And;
import dev.langchain4j.store.embedding.filter.logical.Not;
import dev.langchain4j.store.embedding.filter.logical.Or;
import dev.winnow.langchain4j.FieldKinds.Kind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Translates LangChain4j metadata {@link Filter}s into Winnow {@link dev.winnow.Filter}s.
 *
 * <pre>{@code
 * dev.winnow.Filter f = LangChain4jFilters.toWinnow(
 *     metadataKey("lang").isEqualTo("en").and(metadataKey("title").containsString("Dune")));
 * retriever.retrieve("who wrote dune?", 10, f);       // Filter.and(eq(lang, en), contains(title, Dune))
 * }</pre>
 *
 * <p>The mapping, comparison by comparison: {@code IsEqualTo} → {@code eq}; {@code IsNotEqualTo} →
 * {@code not(eq)}; {@code IsGreaterThan}, {@code IsGreaterThanOrEqualTo}, {@code IsLessThan},
 * {@code IsLessThanOrEqualTo} → {@code greaterThan}, {@code atLeast}, {@code lessThan}, {@code atMost};
 * {@code IsIn} → {@code in}; {@code IsNotIn} → {@code not(in)}; {@code ContainsString} → {@code contains};
 * {@code And}, {@code Or}, {@code Not} → {@code and}, {@code or}, {@code not}. A {@link UUID} comparison value
 * becomes its canonical string (LangChain4j compares a UUID with a string value by that string; Winnow stores
 * UUIDs that way, see {@link WinnowEmbeddingStore}). Both libraries let a negation match documents that lack the
 * key, so {@code IsNotEqualTo} and {@code IsNotIn} keep their LangChain4j meaning.
 *
 * <p>What stays Winnow's here (and what {@link WinnowEmbeddingStore} changes to LangChain4j's): a key that no
 * document has is an {@link IllegalArgumentException} at search time in Winnow, "no match" in LangChain4j; a
 * value of another type never matches in Winnow, and is an {@code IllegalArgumentException} in LangChain4j's
 * in-memory store. Float and Double compare as doubles in Winnow ({@code 1.23f != 1.23d}); LangChain4j compares
 * their decimal strings.
 *
 * <p>Stateless and thread-safe.
 */
public final class LangChain4jFilters {
  private LangChain4jFilters() {}

  /**
   * The Winnow filter with the same meaning (see the class comment).
   *
   * @throws IllegalArgumentException if {@code filter} is null, or a value is one Winnow filters cannot hold
   * @throws UnsupportedOperationException for a {@link Filter} implementation LangChain4j does not define, or an
   *     order comparison with a UUID
   */
  public static dev.winnow.Filter toWinnow(Filter filter) {
    if (filter == null) {
      throw new IllegalArgumentException("filter cannot be null");
    }
    return translate(filter, null).filter();
  }

  /**
   * A filter's translation against what a store holds: {@code all} (matches every document: no filter needed),
   * {@code none} (matches no document: no search needed), or a Winnow filter over keys that exist.
   */
  record Folded(dev.winnow.Filter filter, boolean all, boolean none) {
    static final Folded ALL = new Folded(null, true, false);
    static final Folded NONE = new Folded(null, false, true);

    static Folded of(dev.winnow.Filter f) {
      return new Folded(f, false, false);
    }

    Folded negate() {
      return all ? NONE : none ? ALL : of(dev.winnow.Filter.not(filter));
    }
  }

  /**
   * LangChain4j's semantics over a store whose keys and value types {@code kinds} tells: a comparison on a key
   * no document holds is folded to its constant (false, or true under {@code IsNotEqualTo}/{@code IsNotIn}), and
   * a comparison whose value type differs from a value the store holds under that key throws as LangChain4j's
   * {@code TypeChecker} does. A null filter is {@link Folded#ALL}.
   */
  static Folded fold(Filter filter, Function<String, Set<Kind>> kinds) {
    return filter == null ? Folded.ALL : translate(filter, kinds);
  }

  private static Folded translate(Filter f, Function<String, Set<Kind>> kinds) {
    if (f instanceof And and) {
      Folded l = translate(and.left(), kinds);
      Folded r = translate(and.right(), kinds);
      if (l.none() || r.none()) {
        return Folded.NONE;
      }
      return l.all() ? r : r.all() ? l : Folded.of(dev.winnow.Filter.and(l.filter(), r.filter()));
    }
    if (f instanceof Or or) {
      Folded l = translate(or.left(), kinds);
      Folded r = translate(or.right(), kinds);
      if (l.all() || r.all()) {
        return Folded.ALL;
      }
      return l.none() ? r : r.none() ? l : Folded.of(dev.winnow.Filter.or(l.filter(), r.filter()));
    }
    if (f instanceof Not not) {
      return translate(not.expression(), kinds).negate();
    }
    if (f instanceof IsEqualTo c) {
      return comparison(c.key(), List.of(c.comparisonValue()), false, kinds, k -> dev.winnow.Filter.eq(k, value(c.comparisonValue())));
    }
    if (f instanceof IsNotEqualTo c) {
      return comparison(c.key(), List.of(c.comparisonValue()), true, kinds,
          k -> dev.winnow.Filter.not(dev.winnow.Filter.eq(k, value(c.comparisonValue()))));
    }
    if (f instanceof IsGreaterThan c) {
      return comparison(c.key(), List.of(c.comparisonValue()), false, kinds,
          k -> dev.winnow.Filter.greaterThan(k, bound(k, c.comparisonValue())));
    }
    if (f instanceof IsGreaterThanOrEqualTo c) {
      return comparison(c.key(), List.of(c.comparisonValue()), false, kinds,
          k -> dev.winnow.Filter.atLeast(k, bound(k, c.comparisonValue())));
    }
    if (f instanceof IsLessThan c) {
      return comparison(c.key(), List.of(c.comparisonValue()), false, kinds,
          k -> dev.winnow.Filter.lessThan(k, bound(k, c.comparisonValue())));
    }
    if (f instanceof IsLessThanOrEqualTo c) {
      return comparison(c.key(), List.of(c.comparisonValue()), false, kinds,
          k -> dev.winnow.Filter.atMost(k, bound(k, c.comparisonValue())));
    }
    if (f instanceof IsIn c) {
      return comparison(c.key(), c.comparisonValues(), false, kinds, k -> dev.winnow.Filter.in(k, values(c.comparisonValues())));
    }
    if (f instanceof IsNotIn c) {
      return comparison(c.key(), c.comparisonValues(), true, kinds,
          k -> dev.winnow.Filter.not(dev.winnow.Filter.in(k, values(c.comparisonValues()))));
    }
    if (f instanceof ContainsString c) {
      if (kinds != null) {
        for (Kind held : kinds.apply(c.key())) {
          if (held != Kind.STRING) {
            throw new IllegalArgumentException("Type mismatch: metadata key \"" + c.key() + "\" holds " + describe(held)
                + " values, while ContainsString expects a string");
          }
        }
      }
      return comparison(c.key(), List.of(c.comparisonValue()), false, kinds,
          k -> dev.winnow.Filter.contains(k, c.comparisonValue()));
    }
    throw new UnsupportedOperationException("unsupported LangChain4j filter " + f.getClass().getName() + ": " + f);
  }

  /**
   * One comparison on {@code key}: its constant when no document has the key ({@code negated} comparisons match
   * such documents), else the translated filter, after LangChain4j's type check against the held types.
   */
  private static Folded comparison(String key, Collection<?> values, boolean negated, Function<String, Set<Kind>> kinds,
      Function<String, dev.winnow.Filter> translate) {
    if (kinds != null) {
      Set<Kind> held = kinds.apply(key);
      if (held.isEmpty()) {
        return negated ? Folded.ALL : Folded.NONE;
      }
      for (Object v : values) {
        for (Kind h : held) {
          if (!compatible(h, v)) {
            throw new IllegalArgumentException("Type mismatch: actual value of metadata key \"" + key + "\" has type "
                + describe(h) + ", while comparison value (" + v + ") has type " + v.getClass().getName());
          }
        }
      }
    }
    return Folded.of(translate.apply(key));
  }

  /** LangChain4j's {@code TypeChecker}: numbers with numbers, a string value with a UUID, else the same type. */
  private static boolean compatible(Kind held, Object v) {
    return switch (held) {
      case NUMBER -> v instanceof Number;
      case STRING -> v instanceof String || v instanceof UUID;
      case UUID -> v instanceof UUID;
      case OTHER -> !(v instanceof Number || v instanceof String || v instanceof UUID);
    };
  }

  private static String describe(Kind k) {
    return switch (k) {
      case NUMBER -> "java.lang.Number";
      case STRING -> "java.lang.String";
      case UUID -> "java.util.UUID";
      case OTHER -> "java.lang.Boolean";
    };
  }

  private static Object value(Object v) {
    return v instanceof UUID u ? u.toString() : v;
  }

  private static List<Object> values(Collection<?> vs) {
    List<Object> out = new ArrayList<>(vs.size());
    for (Object v : vs) {
      out.add(value(v));
    }
    return out;
  }

  private static Object bound(String key, Object v) {
    if (v instanceof UUID) {
      throw new UnsupportedOperationException("order comparison of metadata key \"" + key + "\" with a UUID (" + v
          + "): UUIDs only compare for equality");
    }
    return v;
  }
}
