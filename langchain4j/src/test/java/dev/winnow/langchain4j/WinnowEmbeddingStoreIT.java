package dev.winnow.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithFilteringIT;
import org.junit.jupiter.api.AfterEach;

/**
 * LangChain4j's store contract ({@code EmbeddingStoreWithFilteringIT}, which extends {@code EmbeddingStoreIT} and
 * {@code EmbeddingStoreWithoutMetadataIT}), unchanged, over {@link WinnowEmbeddingStore#inMemory} (exact, cosine)
 * with Winnow's default encoder. A fresh store per test (JUnit makes an instance per test method).
 */
class WinnowEmbeddingStoreIT extends EmbeddingStoreWithFilteringIT {
  private final WinnowEmbeddingStore store = WinnowEmbeddingStore.inMemory(384);

  @Override
  protected EmbeddingStore<TextSegment> embeddingStore() {
    return store;
  }

  @Override
  protected EmbeddingModel embeddingModel() {
    return TestModels.minilm();
  }

  /** Winnow has {@code Filter.contains}: run LangChain4j's ContainsString tests instead of its "unsupported" one. */
  @Override
  protected boolean supportsContains() {
    return true;
  }

  @AfterEach
  void close() {
    store.close();
  }
}
