package dev.winnow.keyword;

import dev.winnow.Document;
import dev.winnow.Hit;
import dev.winnow.SearchOptions;
import dev.winnow.Similarity;
import dev.winnow.index.FlatVectorIndex;
import dev.winnow.testing.FilterCases;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The same {@link FilterCases} against the vector side ({@link FlatVectorIndex}) and the keyword side: both must
 * return exactly the documents {@code Filter.test} accepts, so hybrid retrieval filters both lists alike.
 */
class FilterParityTest {

  @Test
  void flatVectorIndexMatchesFilterTest() {
    List<Document> docs = FilterCases.documents();
    try (FlatVectorIndex index = new FlatVectorIndex(1, Similarity.DOT_PRODUCT)) {
      float[][] vectors = new float[docs.size()][];
      for (int i = 0; i < vectors.length; i++) {
        vectors[i] = new float[] {1f};
      }
      index.addAll(docs, vectors);
      FilterCases.assertAllMatch("FlatVectorIndex",
          f -> ids(index.search(new float[] {1f}, docs.size(), SearchOptions.DEFAULTS.withFilter(f))));
    }
  }

  @Test
  void luceneKeywordIndexMatchesFilterTest() {
    try (LuceneKeywordIndex index = LuceneKeywordIndex.builder().build()) {
      index.addAll(FilterCases.documents());
      FilterCases.assertAllMatch("LuceneKeywordIndex",
          f -> ids(index.search(FilterCases.WORD, Integer.MAX_VALUE, f)));
    }
  }

  @Test
  void bothSidesAgreeDocumentByDocument() {
    List<Document> docs = FilterCases.documents();
    try (FlatVectorIndex vectors = new FlatVectorIndex(1, Similarity.DOT_PRODUCT);
         LuceneKeywordIndex keywords = LuceneKeywordIndex.builder().build()) {
      for (Document d : docs) {
        vectors.add(d, new float[] {1f});
        keywords.add(d);   // one at a time: many small segments
      }
      for (FilterCases.Case c : FilterCases.cases()) {
        Set<String> v = ids(vectors.search(new float[] {1f}, docs.size(), SearchOptions.DEFAULTS.withFilter(c.filter())));
        Set<String> k = ids(keywords.search(FilterCases.WORD, Integer.MAX_VALUE, c.filter()));
        org.junit.jupiter.api.Assertions.assertEquals(v, k, c.name());
      }
    }
  }

  private static Set<String> ids(List<Hit> hits) {
    Set<String> out = new TreeSet<>();
    hits.forEach(h -> out.add(h.id()));
    return out;
  }
}
