package dev.winnow.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithRemovalIT;
import dev.winnow.Similarity;
import dev.winnow.index.HnswVectorIndex;
import org.junit.jupiter.api.AfterEach;

/** LangChain4j's removal contract, unchanged, over an {@link HnswVectorIndex}. */
class WinnowHnswEmbeddingStoreRemovalIT extends EmbeddingStoreWithRemovalIT {
  private final HnswVectorIndex index = HnswVectorIndex.builder(384, Similarity.COSINE).build();
  private final WinnowEmbeddingStore store = WinnowEmbeddingStore.of(index);

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
    index.close();
  }
}
