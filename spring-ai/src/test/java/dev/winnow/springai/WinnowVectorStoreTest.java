package dev.winnow.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.winnow.testing.FakeEncoder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.ai.document.Document;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.filter.Filter;
import org.springframework.ai.vectorstore.filter.FilterExpressionBuilder;

/**
 * The store through Spring AI's public {@code VectorStore} API, as Spring AI's {@code SimpleVectorStoreTests} and
 * {@code SimpleVectorStoreWithFilterTests} drive {@code SimpleVectorStore}: add, similaritySearch with and without
 * filters (text syntax and builder), topK, similarityThreshold, delete by ids, by expression and by text filter;
 * over the flat and the HNSW index.
 */
class WinnowVectorStoreTest {
  private final FakeEncoder encoder = new FakeEncoder(32);

  @TempDir
  Path dir;

  private WinnowVectorStore store(WinnowVectorStore.IndexType type) {
    return WinnowVectorStore.builder(WinnowEmbeddingModel.of(encoder)).indexType(type).build();
  }

  private static List<Document> docs() {
    return List.of(
        Document.builder().id("1").text("first").metadata(Map.of("country", "BG", "year", 2020, "draft", false)).build(),
        Document.builder().id("2").text("second").metadata(Map.of("country", "KR", "year", 2022)).build(),
        Document.builder().id("3").text("third").metadata(Map.of("country", "NL", "rating", 4.5)).build());
  }

  @ParameterizedTest
  @EnumSource(WinnowVectorStore.IndexType.class)
  void addSearchAndFilterLikeSpringAiStores(WinnowVectorStore.IndexType type) {
    try (WinnowVectorStore store = store(type)) {
      store.add(docs());
      List<Document> all = store.similaritySearch(SearchRequest.builder().query("first").topK(10)
          .similarityThresholdAll().build());
      assertThat(all).extracting(Document::getId).contains("1");
      assertThat(all.get(0).getId()).isEqualTo("1");
      assertThat(all.get(0).getScore()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
      assertThat(all.get(0).getMetadata()).containsEntry("country", "BG").containsKey("distance");
      assertThat(store.similaritySearch(SearchRequest.builder().query("first").topK(1).build())).hasSize(1);
      // threshold: only the exact match scores ~1
      assertThat(store.similaritySearch(SearchRequest.builder().query("first").topK(10).similarityThreshold(0.999)
          .build())).extracting(Document::getId).containsExactly("1");
      assertThat(ids(store, "country == 'BG'")).containsExactly("1");
      assertThat(ids(store, "country == 'XX'")).isEmpty();
      assertThat(ids(store, "country == 'BG' && year == 2020")).containsExactly("1");
      assertThat(ids(store, "country in ['BG', 'NL']")).containsExactlyInAnyOrder("1", "3");
      assertThat(ids(store, "country nin ['BG', 'NL']")).containsExactly("2");
      assertThat(ids(store, "year >= 2021 || rating > 4")).containsExactlyInAnyOrder("2", "3");
      assertThat(ids(store, "country != 'BG'")).containsExactlyInAnyOrder("2", "3");
      assertThat(ids(store, "NOT(country == 'BG')")).containsExactlyInAnyOrder("2", "3");
      assertThat(ids(store, "draft == false")).containsExactly("1");
      // a key no document has: no match; its negation: everything (Spring AI's semantics)
      assertThat(ids(store, "missing == 'x'")).isEmpty();
      assertThat(ids(store, "missing != 'x'")).containsExactlyInAnyOrder("1", "2", "3");
      FilterExpressionBuilder b = new FilterExpressionBuilder();
      assertThat(ids(store, b.isNull("year").build())).containsExactly("3");
      assertThat(ids(store, b.isNotNull("year").build())).containsExactlyInAnyOrder("1", "2");
      assertThat(ids(store, b.and(b.eq("country", "KR"), b.lt("year", 2030)).build())).containsExactly("2");
      assertThat(ids(store, b.group(b.or(b.eq("country", "KR"), b.eq("country", "NL"))).build()))
          .containsExactlyInAnyOrder("2", "3");
    }
  }

  @ParameterizedTest
  @EnumSource(WinnowVectorStore.IndexType.class)
  void deleteByIdsExpressionAndText(WinnowVectorStore.IndexType type) {
    try (WinnowVectorStore store = store(type)) {
      store.add(docs());
      store.delete(List.of("2", "nope"));
      assertThat(allIds(store)).containsExactlyInAnyOrder("1", "3");
      store.delete(new Filter.Expression(Filter.ExpressionType.EQ, new Filter.Key("country"), new Filter.Value("BG")));
      assertThat(allIds(store)).containsExactly("3");
      store.delete("missing == 1");                         // unknown key: deletes nothing
      assertThat(allIds(store)).containsExactly("3");
      store.add(docs());                                     // re-adding replaces by id
      assertThat(allIds(store)).hasSize(3);
      store.delete("rating > 1");
      assertThat(allIds(store)).containsExactlyInAnyOrder("1", "2");
      assertThat(store.getNativeClient()).containsSame(store.index());
    }
  }

  @Test
  void folderStoreIsSavedOnCloseAndReopened() {
    Path folder = dir.resolve("store");
    try (WinnowVectorStore store = WinnowVectorStore.builder(WinnowEmbeddingModel.of(encoder)).indexFolder(folder)
        .indexType(WinnowVectorStore.IndexType.HNSW).build()) {
      store.add(docs());
    }
    try (WinnowVectorStore again = WinnowVectorStore.builder(WinnowEmbeddingModel.of(encoder)).indexFolder(folder)
        .build()) {
      assertThat(allIds(again)).containsExactlyInAnyOrder("1", "2", "3");
      assertThat(ids(again, "year == 2022")).containsExactly("2");
      Document first = again.similaritySearch(SearchRequest.builder().query("first").topK(1).build()).get(0);
      assertThat(first.getText()).isEqualTo("first");
      assertThat(first.getMetadata()).containsEntry("year", 2020).containsEntry("draft", false);
    }
  }

  @Test
  void refusesMetadataWinnowCannotFilterOn() {
    try (WinnowVectorStore store = store(WinnowVectorStore.IndexType.FLAT)) {
      assertThatThrownBy(() -> store.add(List.of(Document.builder().id("x").text("t")
          .metadata(Map.of("tags", List.of("a", "b"))).build())))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tags");
      assertThatThrownBy(() -> store.add(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
  }

  private static List<String> ids(WinnowVectorStore store, String filter) {
    return store.similaritySearch(SearchRequest.builder().query("first").topK(10).similarityThresholdAll()
        .filterExpression(filter).build()).stream().map(Document::getId).toList();
  }

  private static List<String> ids(WinnowVectorStore store, Filter.Expression filter) {
    return store.similaritySearch(SearchRequest.builder().query("first").topK(10).similarityThresholdAll()
        .filterExpression(filter).build()).stream().map(Document::getId).toList();
  }

  private static List<String> allIds(WinnowVectorStore store) {
    return store.similaritySearch(SearchRequest.builder().query("first").topK(100).similarityThresholdAll().build())
        .stream().map(Document::getId).toList();
  }
}
