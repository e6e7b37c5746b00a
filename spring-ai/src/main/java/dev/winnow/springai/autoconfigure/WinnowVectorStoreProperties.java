package dev.winnow.springai.autoconfigure;

import dev.winnow.springai.WinnowVectorStore;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the auto-configured Winnow store, prefix {@value #PREFIX}.
 *
 * <pre>
 * spring.ai.vectorstore.winnow.index-folder=data/vectors   # opened if saved before, saved on shutdown
 * spring.ai.vectorstore.winnow.index-type=hnsw              # flat (default) or hnsw, for a new store
 * spring.ai.vectorstore.winnow.model=bge-small              # minilm (default), minilm-q, bge-small, e5-small
 * </pre>
 *
 * <p>Not thread-safe (a configuration bean, filled once by Spring).
 */
@ConfigurationProperties(WinnowVectorStoreProperties.PREFIX)
public class WinnowVectorStoreProperties {
  public static final String PREFIX = "spring.ai.vectorstore.winnow";

  /** Folder of the store; unset keeps it in memory only. */
  private Path indexFolder;

  /** Index of a new store. */
  private WinnowVectorStore.IndexType indexType = WinnowVectorStore.IndexType.FLAT;

  /** Bundled model of the auto-configured EmbeddingModel (when the application defines none). */
  private String model = "minilm";

  public Path getIndexFolder() {
    return indexFolder;
  }

  public void setIndexFolder(Path indexFolder) {
    this.indexFolder = indexFolder;
  }

  public WinnowVectorStore.IndexType getIndexType() {
    return indexType;
  }

  public void setIndexType(WinnowVectorStore.IndexType indexType) {
    this.indexType = indexType;
  }

  public String getModel() {
    return model;
  }

  public void setModel(String model) {
    this.model = model;
  }
}
