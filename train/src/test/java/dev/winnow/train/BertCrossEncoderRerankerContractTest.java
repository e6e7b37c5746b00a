package dev.winnow.train;

import dev.winnow.testing.RerankerContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Reranker contract on a tiny random cross-encoder, saved once and opened the way {@code Rerankers.open}
 * opens it (fast; no shared model needed).
 */
class BertCrossEncoderRerankerContractTest extends RerankerContract<BertCrossEncoderReranker> {
  private Path dir;

  @Override
  protected BertCrossEncoderReranker create() {
    try {
      if (dir == null) {
        dir = Files.createTempDirectory("tiny-ce").resolve("model");
        try (CrossEncoder ce = CrossEncoderTest.tiny(5)) {
          ce.save(dir);
        }
      }
      return BertCrossEncoderReranker.open(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
