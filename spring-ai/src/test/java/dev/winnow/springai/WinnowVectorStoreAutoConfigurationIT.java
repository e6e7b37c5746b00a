package dev.winnow.springai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.winnow.springai.autoconfigure.WinnowVectorStoreAutoConfiguration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** With no beans of its own, an application gets the bundled MiniLM model and a store that finds by meaning. */
class WinnowVectorStoreAutoConfigurationIT {
  @Test
  void wiresTheBundledModelAndTheStore() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(WinnowVectorStoreAutoConfiguration.class))
        .withPropertyValues("spring.ai.vectorstore.winnow.model=minilm")
        .run(ctx -> {
          assertThat(ctx).hasSingleBean(EmbeddingModel.class).hasSingleBean(VectorStore.class);
          assertThat(ctx.getBean(EmbeddingModel.class).dimensions()).isEqualTo(384);
          VectorStore store = ctx.getBean(VectorStore.class);
          store.add(List.of(new Document("everest", "Mount Everest is the tallest mountain in the world.",
                  java.util.Map.of()),
              new Document("yoga", "I am going to a yoga class.", java.util.Map.of())));
          List<Document> top = store.similaritySearch(SearchRequest.builder().query("What is the highest peak?")
              .topK(1).build());
          assertThat(top).extracting(Document::getId).containsExactly("everest");
        });
  }
}
