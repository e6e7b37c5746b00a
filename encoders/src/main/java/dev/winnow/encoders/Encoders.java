package dev.winnow.encoders;

import dev.winnow.Encoder;
import dev.winnow.encoders.runtime.ModelDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * Opens any model directory Winnow can run: ONNX and TorchScript directories with {@link DjlEncoder}, other
 * directories (e.g. Hugging Face {@code model.safetensors} only) with the first {@link EncoderProvider} on the
 * classpath that accepts them. Stateless, thread-safe.
 *
 * <pre>{@code
 * try (Encoder e = Encoders.open(Path.of("target/nq-minilm/best"))) {   // winnow-train on the classpath
 *   float[] v = e.encode("who wrote dune?");
 * }
 * }</pre>
 */
public final class Encoders {
  private Encoders() {}

  /**
   * Opens a model directory (or model file) with the settings it states; the caller closes the encoder.
   *
   * @throws IllegalArgumentException if {@code modelPath} is null
   * @throws dev.winnow.ModelLoadException if nothing can load it; the message names what is missing
   */
  public static Encoder open(Path modelPath) {
    if (modelPath == null) {
      throw new IllegalArgumentException("modelPath is null");
    }
    Path dir = modelPath.toAbsolutePath().normalize();
    if (Files.isDirectory(dir) && !ModelDirectory.hasModelFile(dir)) {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      for (EncoderProvider p : ServiceLoader.load(EncoderProvider.class,
          loader != null ? loader : Encoders.class.getClassLoader())) {
        if (p.canOpen(dir)) {
          return p.open(dir);
        }
      }
    }
    return DjlEncoder.open(modelPath);
  }
}
