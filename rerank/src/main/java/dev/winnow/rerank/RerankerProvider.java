package dev.winnow.rerank;

import dev.winnow.Reranker;
import java.nio.file.Path;

/**
 * A plug-in that opens reranker directories {@link CrossEncoderReranker} cannot run (no ONNX or TorchScript
 * file), found through {@link java.util.ServiceLoader} by {@link Rerankers#open(Path)}. winnow-train provides one
 * for Hugging Face {@code BertForSequenceClassification} directories holding {@code model.safetensors}.
 * Implementations are stateless and thread-safe, and have a public no-argument constructor.
 */
public interface RerankerProvider {

  /** A short description for error messages. */
  String name();

  /** Whether this provider can open {@code modelDir} (an existing directory); cheap: looks at file names. */
  boolean canOpen(Path modelDir);

  /**
   * Opens the directory; the caller closes the reranker.
   *
   * @throws dev.winnow.ModelLoadException if the directory cannot be loaded
   */
  Reranker open(Path modelDir);
}
