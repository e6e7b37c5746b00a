package dev.winnow.encoders;

import dev.winnow.testing.EncoderContract;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.function.Executable;

/**
 * {@link DjlEncoder} keeps the {@link dev.winnow.Encoder} contract on both engines, with the tiny committed
 * fixtures (a 2-layer BERT of width 32): ONNX on OnnxRuntime and TorchScript on PyTorch. The bundled MiniLM runs
 * the same contract in {@code MiniLmEncoderContractIT}.
 */
class DjlEncoderContractTest {
  /** The methods of DjlEncoder beyond Encoder's, for the after-close check. */
  static List<Executable> djlMethods(DjlEncoder e) {
    return List.of(e::pooling, e::normalize, e::maxLength, e::format, e::batchSize, e::prompts, e::asDualEncoder,
        () -> e.tokenEmbeddings("a"), () -> e.tokenCounts(List.of("a")));
  }

  @Nested
  class Onnx extends EncoderContract<DjlEncoder> {
    @Override
    protected DjlEncoder create() {
      try {
        return DjlEncoder.builder(TinyDprTest.fixture("question-onnx")).pooling(Pooling.MEAN).batchSize(3).build();
      } catch (java.net.URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    protected List<Executable> otherMethods(DjlEncoder closed) {
      return djlMethods(closed);
    }
  }

  @Nested
  class TorchScript extends EncoderContract<DjlEncoder> {
    @Override
    protected DjlEncoder create() {
      try {
        return DjlEncoder.builder(TinyDprTest.fixture("context-torchscript")).batchSize(3).build();
      } catch (java.net.URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    protected List<Executable> otherMethods(DjlEncoder closed) {
      return djlMethods(closed);
    }
  }
}
