package dev.winnow.keyword.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.TermToBytesRefAttribute;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;

/**
 * User text → a BM25 query, without any query language: the analyzer's terms become SHOULD {@link TermQuery}
 * clauses of one {@link BooleanQuery}, so operators, quotes, wildcards and backslashes are just characters the
 * analyzer splits or drops. A term that occurs {@code n} times becomes one clause boosted by {@code n}, which
 * scores exactly like {@code n} repeated clauses (what a classic query parser produces). When the text has more
 * distinct terms than {@code maxTerms}, terms no document holds are dropped first (they cannot match), then the
 * rarest {@code maxTerms} are kept (lowest document frequency, so highest IDF; ties by first occurrence):
 * they carry most of the BM25 score. Stateless.
 */
public final class QueryTerms {
  private QueryTerms() {}

  /**
   * The query for {@code text}, or null when the analyzer finds no term (empty text, punctuation, stop words).
   *
   * @param maxTerms at least 1
   */
  public static Query build(Analyzer analyzer, String field, String text, IndexReader reader, int maxTerms)
      throws IOException {
    // 1. analyze: distinct terms in order of first occurrence, with their counts
    Map<BytesRef, int[]> counts = new LinkedHashMap<>();
    try (TokenStream ts = analyzer.tokenStream(field, text)) {
      TermToBytesRefAttribute term = ts.addAttribute(TermToBytesRefAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        BytesRef b = term.getBytesRef();
        int[] c = counts.get(b);
        if (c == null) {
          counts.put(BytesRef.deepCopyOf(b), new int[] {1});
        } else {
          c[0]++;
        }
      }
      ts.end();
    }
    if (counts.isEmpty()) {
      return null;
    }
    // 2. too many distinct terms: drop the absent ones, keep the rarest maxTerms
    List<Map.Entry<BytesRef, int[]>> terms = new ArrayList<>(counts.entrySet());
    if (terms.size() > maxTerms) {
      List<Map.Entry<BytesRef, int[]>> present = new ArrayList<>();
      List<Integer> docFreqs = new ArrayList<>();
      for (Map.Entry<BytesRef, int[]> e : terms) {
        int df = reader.docFreq(new Term(field, e.getKey()));
        if (df > 0) {
          present.add(e);
          docFreqs.add(df);
        }
      }
      List<Integer> order = new ArrayList<>(present.size());
      for (int i = 0; i < present.size(); i++) {
        order.add(i);
      }
      order.sort(Comparator.comparingInt((Integer i) -> docFreqs.get(i)).thenComparingInt(i -> i));
      terms = new ArrayList<>(Math.min(maxTerms, order.size()));
      for (int i = 0; i < Math.min(maxTerms, order.size()); i++) {
        terms.add(present.get(order.get(i)));
      }
      if (terms.isEmpty()) {
        return null;
      }
    }
    // 3. one SHOULD clause per distinct term, boosted by its count
    BooleanQuery.Builder q = new BooleanQuery.Builder();
    for (Map.Entry<BytesRef, int[]> e : terms) {
      Query t = new TermQuery(new Term(field, e.getKey()));
      int n = e.getValue()[0];
      q.add(n == 1 ? t : new BoostQuery(t, n), Occur.SHOULD);
    }
    return q.build();
  }
}
