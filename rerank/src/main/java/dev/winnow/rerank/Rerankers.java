package dev.winnow.rerank;

import dev.winnow.Reranker;
import dev.winnow.encoders.runtime.ModelDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * Opens any cross-encoder directory Winnow can run: ONNX and TorchScript directories with
 * {@link CrossEncoderReranker}, other directories (a Hugging Face {@code model.safetensors} cross-encoder, as
 * winnow-train's {@code CrossEncoderTrainer} saves) with the first {@link RerankerProvider} on the classpath that
 * accepts them. Stateless, thread-safe.
 *
 * <pre>{@code
 * try (Reranker r = Rerankers.open(Path.of("cache/rerankers/minilm-ce/best"))) {   // winnow-train on the classpath
 *   float[] scores = r.score("who wrote dune?", List.of("Frank Herbert wrote Dune.", "Dune is a desert."));
 * }
 * }</pre>
 */
public final class Rerankers {
  private Rerankers() {}

  /**
   * Opens a cross-encoder directory with the settings it states; the caller closes the reranker.
   *
   * @throws IllegalArgumentException if {@code modelPath} is null
   * @throws dev.winnow.ModelLoadException if nothing can load it; the message names what is missing
   */
  public static Reranker open(Path modelPath) {
    if (modelPath == null) {
      throw new IllegalArgumentException("modelPath is null");
    }
    Path dir = modelPath.toAbsolutePath().normalize();
    if (Files.isDirectory(dir) && !ModelDirectory.hasModelFile(dir)) {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      for (RerankerProvider p : ServiceLoader.load(RerankerProvider.class,
          loader != null ? loader : Rerankers.class.getClassLoader())) {
        if (p.canOpen(dir)) {
          return p.open(dir);
        }
      }
    }
    return CrossEncoderReranker.open(modelPath);
  }
}
