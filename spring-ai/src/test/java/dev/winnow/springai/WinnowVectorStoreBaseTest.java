package dev.winnow.springai;

import dev.winnow.testing.FakeEncoder;
import java.util.function.Consumer;
import org.springframework.ai.test.vectorstore.BaseVectorStoreTests;
import org.springframework.ai.vectorstore.VectorStore;

/** Spring AI's own store test base ({@code BaseVectorStoreTests}, from spring-ai-test), unchanged. */
class WinnowVectorStoreBaseTest extends BaseVectorStoreTests {

  @Override
  protected void executeTest(Consumer<VectorStore> testFunction) {
    try (WinnowVectorStore store = WinnowVectorStore.builder(WinnowEmbeddingModel.of(new FakeEncoder(32))).build()) {
      testFunction.accept(store);
    }
  }
}
