package dev.winnow.langchain4j;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.winnow.Document;
import dev.winnow.Similarity;
import dev.winnow.index.FlatVectorIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LangChain4jFiltersTest {
  private static final UUID U = UUID.fromString("0b8f7c1e-4d5a-4c3b-9a2e-1f0d9c8b7a65");

  @Test
  void translatesEveryComparisonLangChain4jDefines() {
    assertEquals(dev.winnow.Filter.eq("k", "a"), LangChain4jFilters.toWinnow(metadataKey("k").isEqualTo("a")));
    assertEquals(dev.winnow.Filter.not(dev.winnow.Filter.eq("k", 1)), LangChain4jFilters.toWinnow(metadataKey("k").isNotEqualTo(1)));
    assertEquals(dev.winnow.Filter.greaterThan("k", 1L), LangChain4jFilters.toWinnow(metadataKey("k").isGreaterThan(1L)));
    assertEquals(dev.winnow.Filter.atLeast("k", 1.5), LangChain4jFilters.toWinnow(metadataKey("k").isGreaterThanOrEqualTo(1.5)));
    assertEquals(dev.winnow.Filter.lessThan("k", "m"), LangChain4jFilters.toWinnow(metadataKey("k").isLessThan("m")));
    assertEquals(dev.winnow.Filter.atMost("k", 2f), LangChain4jFilters.toWinnow(metadataKey("k").isLessThanOrEqualTo(2f)));
    assertEquals(dev.winnow.Filter.eq("k", U.toString()), LangChain4jFilters.toWinnow(metadataKey("k").isEqualTo(U)));
    assertEquals(dev.winnow.Filter.contains("k", "ab"), LangChain4jFilters.toWinnow(metadataKey("k").containsString("ab")));
    dev.winnow.Filter in = LangChain4jFilters.toWinnow(metadataKey("k").isIn(U, UUID.randomUUID()));
    assertTrue(in instanceof dev.winnow.Filter.In i && i.values().contains(U.toString()));
    dev.winnow.Filter notIn = LangChain4jFilters.toWinnow(metadataKey("k").isNotIn(1, 2));
    assertTrue(notIn instanceof dev.winnow.Filter.Not n && n.clause() instanceof dev.winnow.Filter.In);
    assertEquals(dev.winnow.Filter.and(dev.winnow.Filter.eq("a", 1), dev.winnow.Filter.or(dev.winnow.Filter.eq("b", 2),
            dev.winnow.Filter.not(dev.winnow.Filter.eq("c", 3)))),
        LangChain4jFilters.toWinnow(metadataKey("a").isEqualTo(1).and(metadataKey("b").isEqualTo(2)
            .or(Filter.not(metadataKey("c").isEqualTo(3))))));
    assertThrows(UnsupportedOperationException.class, () -> LangChain4jFilters.toWinnow(new dev.langchain4j.store.embedding.filter.comparison.IsGreaterThan("k", U)));
    assertThrows(UnsupportedOperationException.class, () -> LangChain4jFilters.toWinnow(o -> true));
    assertThrows(IllegalArgumentException.class, () -> LangChain4jFilters.toWinnow(null));
  }

  /** The store agrees with LangChain4j's own {@code Filter.test} on every entry, unknown keys included. */
  @Test
  void storeMatchesLangChain4jFilterTestEntryByEntry() {
    List<Metadata> metas = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Metadata m = new Metadata();
      if (i % 2 == 0) m.put("name", i % 4 == 0 ? "Klaus" : "Alice Klausen");
      if (i % 3 == 0) m.put("age", i);
      if (i % 5 == 0) m.put("id", i % 10 == 0 ? U : UUID.nameUUIDFromBytes(new byte[] {(byte) i}));
      if (i % 7 == 0) m.put("score", i / 10.0);
      metas.add(m);
    }
    List<Filter> filters = List.of(
        metadataKey("name").isEqualTo("Klaus"), metadataKey("name").isNotEqualTo("Klaus"),
        metadataKey("name").containsString("Klaus"), Filter.not(metadataKey("name").containsString("Alice")),
        metadataKey("age").isGreaterThan(10), metadataKey("age").isLessThanOrEqualTo(9L),
        metadataKey("age").isIn(0, 3, 6), metadataKey("age").isNotIn(0, 3, 6),
        metadataKey("id").isEqualTo(U), metadataKey("id").isNotEqualTo(U), metadataKey("id").isIn(U),
        metadataKey("id").isNotIn(U), metadataKey("score").isGreaterThanOrEqualTo(1.4),
        metadataKey("missing").isEqualTo(1), metadataKey("missing").isNotEqualTo(1), metadataKey("missing").isNotIn(1),
        Filter.not(metadataKey("missing").isIn("x")),
        metadataKey("missing").isEqualTo(1).or(metadataKey("age").isEqualTo(3)),
        metadataKey("missing").isNotEqualTo(1).and(metadataKey("age").isLessThan(12)),
        Filter.not(metadataKey("name").isEqualTo("Klaus").and(metadataKey("age").isGreaterThan(5))));
    try (WinnowEmbeddingStore store = WinnowEmbeddingStore.of(new FlatVectorIndex(2, Similarity.COSINE))) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < metas.size(); i++) {
        String id = "e" + i;
        ids.add(id);
        store.add(id, Embedding.from(new float[] {1, i}));
      }
      store.addAll(ids, ids.stream().map(id -> Embedding.from(new float[] {1, ids.indexOf(id)})).toList(),
          ids.stream().map(id -> TextSegment.from("t " + id, metas.get(ids.indexOf(id)))).toList());
      for (Filter f : filters) {
        Set<String> expected = new TreeSet<>();
        for (int i = 0; i < metas.size(); i++) {
          if (f.test(metas.get(i))) {
            expected.add("e" + i);
          }
        }
        Set<String> actual = new TreeSet<>();
        store.search(EmbeddingSearchRequest.builder().queryEmbedding(Embedding.from(new float[] {1, 0}))
            .maxResults(100).filter(f).build()).matches().forEach(m -> actual.add(m.embeddingId()));
        assertEquals(expected, actual, f.toString());
      }
      // LangChain4j's TypeChecker: a comparison with a value of another type than a stored one is an error
      assertThrows(IllegalArgumentException.class, () -> store.search(EmbeddingSearchRequest.builder()
          .queryEmbedding(Embedding.from(new float[] {1, 0})).filter(metadataKey("age").isEqualTo("3")).build()));
      assertThrows(IllegalArgumentException.class, () -> store.search(EmbeddingSearchRequest.builder()
          .queryEmbedding(Embedding.from(new float[] {1, 0})).filter(metadataKey("age").containsString("3")).build()));
      // removeAll(filter) with an unknown key removes nothing; its negation everything
      store.removeAll(metadataKey("missing").isEqualTo(1));
      assertEquals(40, store.size());
      store.removeAll(metadataKey("age").isGreaterThan(20));
      assertEquals(40 - 7, store.size());   // ages 21, 24, ..., 39
      store.removeAll(metadataKey("missing").isNotEqualTo(1));
      assertEquals(0, store.size());
    }
  }

  @Test
  void reservedKeyIsRefusedAndForeignDocumentsRead() {
    try (FlatVectorIndex index = new FlatVectorIndex(2, Similarity.DOT_PRODUCT);
         WinnowEmbeddingStore store = WinnowEmbeddingStore.of(index)) {
      assertThrows(IllegalArgumentException.class, () -> store.add(Embedding.from(new float[] {1, 0}),
          TextSegment.from("x", new Metadata().put(Segments.UUID_KEYS, "1:a"))));
      index.add(new Document("w1", "written by Winnow", java.util.Map.of("flag", true, "n", 3)), new float[] {1, 0});
      WinnowEmbeddingStore view = WinnowEmbeddingStore.of(index);   // learns the keys of existing documents
      var m = view.search(EmbeddingSearchRequest.builder().queryEmbedding(Embedding.from(new float[] {1, 0}))
          .filter(metadataKey("n").isEqualTo(3)).build()).matches();
      assertEquals(1, m.size());
      assertEquals("true", m.get(0).embedded().metadata().getString("flag"));
      assertEquals(1.0, m.get(0).score(), 1e-6, "(dot + 1) / 2");
    }
  }
}
