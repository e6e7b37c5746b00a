package dev.winnow.springai.autoconfigure;

import dev.winnow.DualEncoder;
import dev.winnow.encoders.BundledModel;
import dev.winnow.springai.WinnowEmbeddingModel;
import dev.winnow.springai.WinnowVectorStore;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Spring Boot auto-configuration: with {@code winnow-spring-ai} on the class path, an application gets a
 * {@link WinnowVectorStore} (and, unless it defines its own {@link EmbeddingModel}, a {@link WinnowEmbeddingModel}
 * over a bundled, offline model) from {@link WinnowVectorStoreProperties}.
 *
 * <pre>{@code
 * @SpringBootApplication
 * public class App {
 *   public static void main(String[] args) { SpringApplication.run(App.class, args); }
 *   @Bean CommandLineRunner run(VectorStore store) {          // a WinnowVectorStore
 *     return args -> store.add(List.of(new Document("Mount Everest is the tallest mountain.")));
 *   }
 * }
 * }</pre>
 *
 * <p>The encoder bean is closed, and the store saved (when it has a folder) and closed, when the context closes.
 */
@AutoConfiguration
@ConditionalOnClass({VectorStore.class, WinnowVectorStore.class})
@EnableConfigurationProperties(WinnowVectorStoreProperties.class)
public class WinnowVectorStoreAutoConfiguration {

  /** The bundled model named by {@code model}, with its query/passage prompts. Closed with the context. */
  @Bean
  @ConditionalOnMissingBean({EmbeddingModel.class, DualEncoder.class})
  public DualEncoder winnowEncoders(WinnowVectorStoreProperties properties) {
    return BundledModel.named(properties.getModel()).open().asDualEncoder();
  }

  @Bean
  @ConditionalOnMissingBean(EmbeddingModel.class)
  public WinnowEmbeddingModel winnowEmbeddingModel(DualEncoder encoders) {
    return new WinnowEmbeddingModel(encoders);
  }

  @Bean
  @ConditionalOnMissingBean(VectorStore.class)
  public WinnowVectorStore winnowVectorStore(EmbeddingModel embeddingModel, WinnowVectorStoreProperties properties,
      ObjectProvider<ObservationRegistry> observationRegistry) {
    WinnowVectorStore.Builder b = WinnowVectorStore.builder(embeddingModel)
        .indexType(properties.getIndexType())
        .observationRegistry(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP));
    if (properties.getIndexFolder() != null) {
      b.indexFolder(properties.getIndexFolder());
    }
    return b.build();
  }
}
