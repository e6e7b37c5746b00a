package dev.winnow.train;

import dev.winnow.Encoder;
import dev.winnow.encoders.EncoderProvider;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Lets winnow-encoders' {@code Encoders.open(dir)} load Hugging Face BERT directories that have
 * {@code model.safetensors} and {@code config.json} but no ONNX or TorchScript file, through
 * {@link BertEncoder}. Registered in {@code META-INF/services}. Stateless, thread-safe.
 */
public final class BertEncoderProvider implements EncoderProvider {
  /** Public for {@link java.util.ServiceLoader}. */
  public BertEncoderProvider() {}

  @Override
  public String name() {
    return "winnow-train Java BERT (safetensors, PyTorch engine)";
  }

  @Override
  public boolean canOpen(Path modelDir) {
    return Files.isRegularFile(modelDir.resolve("model.safetensors"))
        && Files.isRegularFile(modelDir.resolve("config.json"))
        && Files.isRegularFile(modelDir.resolve("tokenizer.json"));
  }

  @Override
  public Encoder open(Path modelDir) {
    return BertEncoder.open(modelDir);
  }
}
