package dev.winnow.springai;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import org.springframework.ai.vectorstore.filter.Filter;
import org.springframework.ai.vectorstore.filter.Filter.Expression;

/**
 * Translates Spring AI filter expressions ({@link Filter.Expression}, also what the text syntax
 * {@code "country == 'BG' && year >= 2020"} parses to) into Winnow {@link dev.winnow.Filter}s.
 *
 * <pre>{@code
 * dev.winnow.Filter f = SpringAiFilters.toWinnow(new FilterExpressionBuilder()
 *     .and(new FilterExpressionBuilder().eq("country", "BG"), new FilterExpressionBuilder().gte("year", 2020)).build());
 * }</pre>
 *
 * <p>{@code EQ}, {@code NE}, {@code GT}, {@code GTE}, {@code LT}, {@code LTE}, {@code IN}, {@code NIN},
 * {@code AND}, {@code OR}, {@code NOT} and groups map to Winnow's {@code eq}, {@code not(eq)}, ranges, {@code in},
 * {@code not(in)} and logic; {@code ISNOTNULL} is "the key has a value" (a number, a string or a boolean) and
 * {@code ISNULL} its negation. {@code Short} and {@code Byte} values become {@code Integer}. Like Spring AI's
 * stores, a negation matches documents that lack the key. Where Winnow's index would reject a key that no
 * document has, {@link WinnowVectorStore} folds the comparison to "no match" first (Spring AI's semantics).
 *
 * <p>Stateless and thread-safe.
 */
public final class SpringAiFilters {
  private SpringAiFilters() {}

  /**
   * The Winnow filter with the same meaning; keys no document has are left to the index to reject.
   *
   * @throws IllegalArgumentException for a null expression, a malformed one, or a value Winnow cannot filter on
   */
  public static dev.winnow.Filter toWinnow(Expression expression) {
    if (expression == null) {
      throw new IllegalArgumentException("filter expression is null");
    }
    return translate(expression, null).filter();
  }

  /** A translation against a store's keys: all documents, none, or a Winnow filter over keys that exist. */
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

  /** Spring AI's semantics over a store whose keys {@code known} tells; a null expression is {@link Folded#ALL}. */
  static Folded fold(Expression expression, Predicate<String> known) {
    return expression == null ? Folded.ALL : translate(expression, known);
  }

  private static Folded operand(Filter.Operand o, Predicate<String> known) {
    if (o instanceof Expression e) {
      return translate(e, known);
    }
    if (o instanceof Filter.Group g) {
      return translate(g.content(), known);
    }
    throw new IllegalArgumentException("expected an expression or a group, got " + o);
  }

  private static Folded translate(Expression e, Predicate<String> known) {
    switch (e.type()) {
      case AND: {
        Folded l = operand(e.left(), known);
        Folded r = operand(e.right(), known);
        if (l.none() || r.none()) {
          return Folded.NONE;
        }
        return l.all() ? r : r.all() ? l : Folded.of(dev.winnow.Filter.and(l.filter(), r.filter()));
      }
      case OR: {
        Folded l = operand(e.left(), known);
        Folded r = operand(e.right(), known);
        if (l.all() || r.all()) {
          return Folded.ALL;
        }
        return l.none() ? r : r.none() ? l : Folded.of(dev.winnow.Filter.or(l.filter(), r.filter()));
      }
      case NOT:
        return operand(e.left(), known).negate();
      default:
        break;
    }
    String key = key(e);
    boolean negated = switch (e.type()) {
      case NE, NIN, ISNULL -> true;
      default -> false;
    };
    if (known != null && !known.test(key)) {
      return negated ? Folded.ALL : Folded.NONE;
    }
    dev.winnow.Filter f = switch (e.type()) {
      case EQ -> dev.winnow.Filter.eq(key, value(e));
      case NE -> dev.winnow.Filter.not(dev.winnow.Filter.eq(key, value(e)));
      case GT -> dev.winnow.Filter.greaterThan(key, value(e));
      case GTE -> dev.winnow.Filter.atLeast(key, value(e));
      case LT -> dev.winnow.Filter.lessThan(key, value(e));
      case LTE -> dev.winnow.Filter.atMost(key, value(e));
      case IN -> dev.winnow.Filter.in(key, values(e));
      case NIN -> dev.winnow.Filter.not(dev.winnow.Filter.in(key, values(e)));
      case ISNOTNULL -> exists(key);
      case ISNULL -> dev.winnow.Filter.not(exists(key));
      default -> throw new IllegalArgumentException("unsupported filter expression type " + e.type());
    };
    return Folded.of(f);
  }

  /** The key has a value of some kind: any number, any string, or a boolean. */
  private static dev.winnow.Filter exists(String key) {
    return dev.winnow.Filter.or(dev.winnow.Filter.atLeast(key, -Double.MAX_VALUE), dev.winnow.Filter.atLeast(key, ""),
        dev.winnow.Filter.in(key, List.of(true, false)));
  }

  private static String key(Expression e) {
    if (!(e.left() instanceof Filter.Key k) || k.key() == null) {
      throw new IllegalArgumentException(e.type() + " expects a key on the left, got " + e.left());
    }
    String key = k.key();
    if (key.length() >= 2 && (key.startsWith("'") && key.endsWith("'") || key.startsWith("\"") && key.endsWith("\""))) {
      key = key.substring(1, key.length() - 1);   // the text syntax allows quoted keys
    }
    return key;
  }

  private static Object value(Expression e) {
    if (!(e.right() instanceof Filter.Value v)) {
      throw new IllegalArgumentException(e.type() + " expects a value on the right, got " + e.right());
    }
    return normalize(v.value());
  }

  private static List<Object> values(Expression e) {
    if (!(e.right() instanceof Filter.Value v) || !(v.value() instanceof Collection<?> c)) {
      throw new IllegalArgumentException(e.type() + " expects a list value on the right, got " + e.right());
    }
    List<Object> out = new ArrayList<>(c.size());
    for (Object o : c) {
      out.add(normalize(o));
    }
    return out;
  }

  static Object normalize(Object v) {
    return v instanceof Short || v instanceof Byte ? Integer.valueOf(((Number) v).intValue()) : v;
  }
}
