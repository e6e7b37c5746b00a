package dev.winnow.langchain4j;

import dev.winnow.encoders.DjlEncoder;

/**
 * The real embedding model of the contract ITs: Winnow's default encoder (all-MiniLM-L6-v2 from its Maven
 * artifact, offline) through {@link WinnowEmbeddingModel}, loaded once per JVM and shared by every IT class.
 */
final class TestModels {
  private TestModels() {}

  private static WinnowEmbeddingModel minilm;

  static synchronized WinnowEmbeddingModel minilm() {
    if (minilm == null) {
      DjlEncoder encoder = DjlEncoder.defaultModel();
      Runtime.getRuntime().addShutdownHook(new Thread(encoder::close));
      minilm = new WinnowEmbeddingModel(encoder);
    }
    return minilm;
  }
}
