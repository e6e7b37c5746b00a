package dev.winnow.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithRemovalIT;
import org.junit.jupiter.api.AfterEach;

/** LangChain4j's removal contract, unchanged, over {@link WinnowEmbeddingStore#inMemory}. */
class WinnowEmbeddingStoreRemovalIT extends EmbeddingStoreWithRemovalIT {
  private final WinnowEmbeddingStore store = WinnowEmbeddingStore.inMemory(384);

  @Override
  protected EmbeddingStore<TextSegment> embeddingStore() {
    return store;
  }

  @Override
  protected EmbeddingModel embeddingModel() {
    return TestModels.minilm();
  }

  @AfterEach
  void close() {
    store.close();
  }
}
