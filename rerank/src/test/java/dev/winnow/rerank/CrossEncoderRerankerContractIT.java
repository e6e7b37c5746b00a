package dev.winnow.rerank;

import dev.winnow.testing.RerankerContract;
import dev.winnow.testing.Shared;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.function.Executable;

/**
 * {@link CrossEncoderReranker} keeps the {@link dev.winnow.Reranker} contract on the real int8 MiniLM-L6
 * cross-encoder of {@code ../shared/models} (skipped when absent): with its default batch size 1 scores are batch
 * independent; with batches of 8 they are not (dynamic int8 quantization), and the contract skips that check.
 */
class CrossEncoderRerankerContractIT {
  static List<Executable> rerankerMethods(CrossEncoderReranker r) {
    return List.of(r::sigmoid, r::maxLength, r::batchSize, r::format);
  }

  @Nested
  class DefaultBatchSize extends RerankerContract<CrossEncoderReranker> {
    @Override
    protected CrossEncoderReranker create() {
      return CrossEncoderReranker.open(Shared.require("models/minilm-l6-reranker"));
    }

    @Override
    protected List<Executable> otherMethods(CrossEncoderReranker closed) {
      return rerankerMethods(closed);
    }
  }

  @Nested
  class BatchesOfEight extends RerankerContract<CrossEncoderReranker> {
    @Override
    protected CrossEncoderReranker create() {
      return CrossEncoderReranker.builder(Shared.require("models/minilm-l6-reranker")).batchSize(8).build();
    }

    @Override
    protected boolean batchIndependent() {
      return false;
    }

    @Override
    protected float tolerance() {
      return 1e-4f;
    }

    @Override
    protected List<Executable> otherMethods(CrossEncoderReranker closed) {
      return rerankerMethods(closed);
    }
  }
}
