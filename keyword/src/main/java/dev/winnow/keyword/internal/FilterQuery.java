package dev.winnow.keyword.internal;

import dev.winnow.Filter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.ConstantScoreScorer;
import org.apache.lucene.search.ConstantScoreWeight;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.BitSetIterator;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.FixedBitSet;

/**
 * A {@link Filter} as one Lucene query clause. Each comparison ({@code eq}, {@code in}, {@code range}) runs as
 * a small Lucene query ({@link MetadataQueries}); {@code and}, {@code or} and {@code not} combine their results
 * as bit sets per segment. So a filter of any size counts as one clause towards
 * {@link IndexSearcher#getMaxClauseCount()}, where nesting Lucene {@code BooleanQuery}s would fail beyond 1024
 * comparisons. Cost per segment and search: one bit set of {@code maxDoc} bits per node of the filter, plus the
 * comparisons' own term and point lookups; a {@code contains} reads every distinct string value of its key in the
 * segment (the term dictionary), decodes it and tests {@link String#contains}. Deleted documents may be set in the bits; the searcher's live docs
 * exclude them. Immutable.
 */
public final class FilterQuery extends Query {
  private final Filter filter;

  public FilterQuery(Filter filter) {
    this.filter = filter;
  }

  /** One node of the compiled filter: its matches in a segment. */
  private interface Node {
    FixedBitSet bits(LeafReaderContext leaf) throws IOException;
  }

  @Override
  public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) throws IOException {
    Node root = compile(filter, searcher);
    return new ConstantScoreWeight(this, boost) {
      @Override
      public Scorer scorer(LeafReaderContext leaf) throws IOException {
        FixedBitSet bits = root.bits(leaf);
        int cardinality = bits.cardinality();
        return cardinality == 0 ? null
            : new ConstantScoreScorer(this, score(), scoreMode, new BitSetIterator(bits, cardinality));
      }

      @Override
      public boolean isCacheable(LeafReaderContext leaf) {
        return false;
      }
    };
  }

  private static Node compile(Filter f, IndexSearcher searcher) throws IOException {
    if (f instanceof Filter.Eq eq) {
      return comparisons(List.of(MetadataQueries.equalTo(eq.field(), eq.value())), searcher);
    }
    if (f instanceof Filter.In in) {
      List<Query> each = new ArrayList<>(in.values().size());
      for (Object v : in.values()) {
        each.add(MetadataQueries.equalTo(in.field(), v));
      }
      return comparisons(each, searcher);
    }
    if (f instanceof Filter.Range range) {
      return comparisons(List.of(MetadataQueries.range(range)), searcher);
    }
    if (f instanceof Filter.Contains contains) {
      return containing(contains);
    }
    if (f instanceof Filter.And and) {
      List<Node> clauses = compileAll(and.clauses(), searcher);
      return leaf -> {
        FixedBitSet bits = clauses.get(0).bits(leaf);
        for (int i = 1; i < clauses.size() && bits.cardinality() > 0; i++) {
          bits.and(clauses.get(i).bits(leaf));
        }
        return bits;
      };
    }
    if (f instanceof Filter.Or or) {
      List<Node> clauses = compileAll(or.clauses(), searcher);
      return leaf -> {
        FixedBitSet bits = clauses.get(0).bits(leaf);
        for (int i = 1; i < clauses.size(); i++) {
          bits.or(clauses.get(i).bits(leaf));
        }
        return bits;
      };
    }
    Node clause = compile(((Filter.Not) f).clause(), searcher);
    return leaf -> {
      FixedBitSet bits = clause.bits(leaf);
      bits.flip(0, leaf.reader().maxDoc());
      return bits;
    };
  }

  private static List<Node> compileAll(List<Filter> filters, IndexSearcher searcher) throws IOException {
    List<Node> nodes = new ArrayList<>(filters.size());
    for (Filter c : filters) {
      nodes.add(compile(c, searcher));
    }
    return nodes;
  }

  /** Documents whose string value of the key contains the substring: a scan of the key's terms per segment. */
  private static Node containing(Filter.Contains c) {
    String field = FieldNames.metadata(FieldNames.STRING, c.field());
    String substring = c.substring();
    return leaf -> {
      FixedBitSet bits = new FixedBitSet(leaf.reader().maxDoc());
      Terms terms = leaf.reader().terms(field);
      if (terms == null) {
        return bits;
      }
      TermsEnum te = terms.iterator();
      PostingsEnum postings = null;
      for (BytesRef term = te.next(); term != null; term = te.next()) {
        if (Utf16.string(term).contains(substring)) {
          postings = te.postings(postings, PostingsEnum.NONE);
          bits.or(postings);
        }
      }
      return bits;
    };
  }

  /** The union of some comparison queries' matches. */
  private static Node comparisons(List<Query> queries, IndexSearcher searcher) throws IOException {
    List<Weight> weights = new ArrayList<>(queries.size());
    for (Query q : queries) {
      weights.add(searcher.createWeight(searcher.rewrite(q), ScoreMode.COMPLETE_NO_SCORES, 1f));
    }
    return leaf -> {
      FixedBitSet bits = new FixedBitSet(leaf.reader().maxDoc());
      for (Weight w : weights) {
        Scorer s = w.scorer(leaf);
        if (s != null) {
          bits.or(s.iterator());
        }
      }
      return bits;
    };
  }

  @Override
  public void visit(QueryVisitor visitor) {
    visitor.visitLeaf(this);
  }

  @Override
  public String toString(String field) {
    return "filter(" + filter + ")";
  }

  @Override
  public boolean equals(Object other) {
    return sameClassAs(other) && filter.equals(((FilterQuery) other).filter);
  }

  @Override
  public int hashCode() {
    return 31 * classHash() + filter.hashCode();
  }
}
