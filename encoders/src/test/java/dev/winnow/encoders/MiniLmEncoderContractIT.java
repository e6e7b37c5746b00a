package dev.winnow.encoders;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.winnow.testing.EncoderContract;
import dev.winnow.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.function.Executable;

/**
 * The {@link dev.winnow.Encoder} contract on real models: the bundled all-MiniLM-L6-v2 (ONNX, always available)
 * and the same model as TorchScript from {@code ../shared/models} (skipped when absent).
 */
class MiniLmEncoderContractIT {
  @Nested
  class BundledOnnx extends EncoderContract<DjlEncoder> {
    @Override
    protected DjlEncoder create() {
      return DjlEncoder.defaultModel();
    }

    @Override
    protected float tolerance() {
      return 2e-5f; // batched and single runs differ by float rounding of padded matmuls
    }

    @Override
    protected List<Executable> otherMethods(DjlEncoder closed) {
      return DjlEncoderContractTest.djlMethods(closed);
    }
  }

  @Nested
  class SharedTorchScript extends EncoderContract<DjlEncoder> {
    @Override
    protected DjlEncoder create() {
      Path dir = Shared.root().resolve("models/all-MiniLM-L6-v2-torchscript");
      assumeTrue(Files.isDirectory(dir), "skipped: " + dir + " is absent");
      return DjlEncoder.open(dir);
    }

    @Override
    protected float tolerance() {
      return 2e-5f;
    }

    @Override
    protected List<Executable> otherMethods(DjlEncoder closed) {
      return DjlEncoderContractTest.djlMethods(closed);
    }
  }
}
