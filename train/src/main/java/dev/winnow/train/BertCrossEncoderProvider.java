package dev.winnow.train;

import dev.winnow.Reranker;
import dev.winnow.rerank.RerankerProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Lets winnow-rerank's {@code Rerankers.open(dir)} load Hugging Face {@code BertForSequenceClassification}
 * directories that hold {@code model.safetensors} but no ONNX or TorchScript file, through
 * {@link BertCrossEncoderReranker}. Registered in {@code META-INF/services}. Stateless, thread-safe.
 */
public final class BertCrossEncoderProvider implements RerankerProvider {
  /** Public for {@link java.util.ServiceLoader}. */
  public BertCrossEncoderProvider() {}

  @Override
  public String name() {
    return "winnow-train Java BERT cross-encoder (safetensors, PyTorch engine)";
  }

  @Override
  public boolean canOpen(Path modelDir) {
    Path config = modelDir.resolve("config.json");
    if (!Files.isRegularFile(modelDir.resolve("model.safetensors")) || !Files.isRegularFile(config)
        || !Files.isRegularFile(modelDir.resolve("tokenizer.json"))) {
      return false;
    }
    try {
      return Files.readString(config).contains("ForSequenceClassification");
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public Reranker open(Path modelDir) {
    return BertCrossEncoderReranker.open(modelDir);
  }
}
