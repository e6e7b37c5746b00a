package dev.winnow.springai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.winnow.springai.autoconfigure.WinnowVectorStoreAutoConfiguration;
import dev.winnow.testing.FakeEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The auto-configuration wires a Winnow store from properties; the application's own beans win. */
class WinnowVectorStoreAutoConfigurationTest {
  @TempDir
  Path dir;

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(WinnowVectorStoreAutoConfiguration.class))
      .withUserConfiguration(FakeModel.class);

  @Configuration
  static class FakeModel {
    @Bean
    EmbeddingModel embeddingModel() {
      return WinnowEmbeddingModel.of(new FakeEncoder(16));
    }
  }

  @Test
  void wiresAWinnowStoreOverTheApplicationsModel() {
    runner.run(ctx -> {
      assertThat(ctx).hasSingleBean(VectorStore.class).doesNotHaveBean(dev.winnow.DualEncoder.class);
      VectorStore store = ctx.getBean(VectorStore.class);
      assertThat(store).isInstanceOf(WinnowVectorStore.class);
      store.add(List.of(new Document("a", "hello", Map.of("k", 1))));
      assertThat(store.similaritySearch(SearchRequest.builder().query("hello").filterExpression("k == 1").build()))
          .extracting(Document::getId).containsExactly("a");
    });
  }

  @Test
  void indexFolderAndTypeComeFromProperties() {
    Path folder = dir.resolve("vectors");
    runner.withPropertyValues("spring.ai.vectorstore.winnow.index-folder=" + folder,
        "spring.ai.vectorstore.winnow.index-type=hnsw").run(ctx -> {
          WinnowVectorStore store = ctx.getBean(WinnowVectorStore.class);
          assertThat(store.index()).isInstanceOf(dev.winnow.index.HnswVectorIndex.class);
          store.add(List.of(new Document("a", "hello", Map.of())));
        });
    assertThat(Files.isRegularFile(folder.resolve(WinnowVectorStore.INDEX_FILE))).as("saved on close").isTrue();
    runner.withPropertyValues("spring.ai.vectorstore.winnow.index-folder=" + folder).run(ctx ->
        assertThat(ctx.getBean(WinnowVectorStore.class).size()).isEqualTo(1));
  }

  @Test
  void theApplicationsStoreWins() {
    runner.withBean("myStore", VectorStore.class,
        () -> WinnowVectorStore.builder(WinnowEmbeddingModel.of(new FakeEncoder(8))).build())
        .run(ctx -> assertThat(ctx).hasSingleBean(VectorStore.class).hasBean("myStore"));
  }
}
