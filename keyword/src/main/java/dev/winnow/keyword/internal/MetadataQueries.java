package dev.winnow.keyword.internal;

import dev.winnow.Filter;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.util.BytesRef;

/**
 * Lucene queries for one metadata comparison, with exactly the semantics of {@link Filter#test}. Each key has
 * one field per value kind ({@link FieldNames}), so a comparison only sees values of its kind: a string bound
 * never matches a number, a number never matches a boolean, a missing value matches nothing.
 *
 * <p>Numbers follow {@code Filter}'s rule: two integral values compare as longs, otherwise as doubles
 * ({@link Double#compare}, so {@code -0.0 < 0.0}). A document's integral value is indexed twice, as a long point
 * and as a double point, and a floating value once, as a double point; so a bound compares with an integral
 * document value through the long point when the bound is integral and through the double point when it is
 * floating, and with a floating document value always through the double point. Exclusive bounds become the
 * next long or the next double in {@code Double.compare} order ({@link DoublePoint#nextUp}, which steps from
 * {@code -0.0} to {@code 0.0}). Stateless.
 */
public final class MetadataQueries {
  private MetadataQueries() {}

  private static final BytesRef TRUE = new BytesRef("T");
  private static final BytesRef FALSE = new BytesRef("F");

  public static BytesRef booleanTerm(boolean b) {
    return b ? TRUE : FALSE;
  }

  /** Documents whose value of {@code key} equals {@code value} (a String, Boolean or Number). */
  public static Query equalTo(String key, Object value) {
    if (value instanceof String s) {
      return new TermQuery(new Term(FieldNames.metadata(FieldNames.STRING, key), Utf16.bytes(s)));
    }
    if (value instanceof Boolean b) {
      return new TermQuery(new Term(FieldNames.metadata(FieldNames.BOOLEAN, key), booleanTerm(b)));
    }
    Number n = (Number) value;
    return numeric(key, n, true, n, true);
  }

  /** Documents whose value of the range's field lies in the range. */
  public static Query range(Filter.Range r) {
    Object kind = r.min() != null ? r.min() : r.max();
    if (kind instanceof String) {
      return new TermRangeQuery(FieldNames.metadata(FieldNames.STRING, r.field()),
          r.min() == null ? null : Utf16.bytes((String) r.min()), r.max() == null ? null : Utf16.bytes((String) r.max()),
          r.minInclusive(), r.maxInclusive());
    }
    return numeric(r.field(), (Number) r.min(), r.minInclusive(), (Number) r.max(), r.maxInclusive());
  }

  private static boolean integral(Number n) {
    return !(n instanceof Double || n instanceof Float);   // Filter.compareNumbers' rule
  }

  /** {@code min <(=) value <(=) max} over numeric values; a null bound is open (at least one is not). */
  private static Query numeric(String key, Number min, boolean minInclusive, Number max, boolean maxInclusive) {
    // 1. integral document values: each bound constrains the long point (integral bound) or the double point
    //    (floating bound) of the same document
    long lo = Long.MIN_VALUE;
    long hi = Long.MAX_VALUE;
    double dlo = Double.NEGATIVE_INFINITY;
    double dhi = Double.POSITIVE_INFINITY;
    boolean useLong = false;
    boolean useDouble = false;
    boolean integralEmpty = false;
    if (min != null) {
      if (integral(min)) {
        useLong = true;
        long m = min.longValue();
        if (!minInclusive && m == Long.MAX_VALUE) {
          integralEmpty = true;
        }
        lo = minInclusive ? m : m + 1;
      } else {
        useDouble = true;
        dlo = minInclusive ? min.doubleValue() : DoublePoint.nextUp(min.doubleValue());
      }
    }
    if (max != null) {
      if (integral(max)) {
        useLong = true;
        long m = max.longValue();
        if (!maxInclusive && m == Long.MIN_VALUE) {
          integralEmpty = true;
        }
        hi = maxInclusive ? m : m - 1;
      } else {
        useDouble = true;
        dhi = maxInclusive ? max.doubleValue() : DoublePoint.nextDown(max.doubleValue());
      }
    }
    Query integralDocs;
    if (integralEmpty || lo > hi || Double.compare(dlo, dhi) > 0) {
      integralDocs = new MatchNoDocsQuery("empty integral range");
    } else {
      Query longs = useLong ? LongPoint.newRangeQuery(FieldNames.metadata(FieldNames.LONG, key), lo, hi) : null;
      Query doubles = useDouble
          ? DoublePoint.newRangeQuery(FieldNames.metadata(FieldNames.INTEGRAL_AS_DOUBLE, key), dlo, dhi) : null;
      integralDocs = longs == null ? doubles : doubles == null ? longs
          : new BooleanQuery.Builder().add(longs, Occur.FILTER).add(doubles, Occur.FILTER).build();
    }
    // 2. floating document values: both bounds compare as doubles
    double flo = min == null ? Double.NEGATIVE_INFINITY
        : minInclusive ? min.doubleValue() : DoublePoint.nextUp(min.doubleValue());
    double fhi = max == null ? Double.POSITIVE_INFINITY
        : maxInclusive ? max.doubleValue() : DoublePoint.nextDown(max.doubleValue());
    Query floatingDocs = Double.compare(flo, fhi) > 0 ? new MatchNoDocsQuery("empty floating range")
        : DoublePoint.newRangeQuery(FieldNames.metadata(FieldNames.FLOATING, key), flo, fhi);
    return new BooleanQuery.Builder().add(integralDocs, Occur.SHOULD).add(floatingDocs, Occur.SHOULD).build();
  }
}
