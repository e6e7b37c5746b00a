package dev.winnow.encoders;

import dev.winnow.Encoder;
import java.nio.file.Path;

/**
 * A plug-in that opens model directories {@link DjlEncoder} cannot run (no ONNX or TorchScript file), found
 * through {@link java.util.ServiceLoader} by {@link Encoders#open(Path)}. winnow-train provides one for
 * Hugging Face BERT directories holding {@code model.safetensors}. Implementations are stateless and
 * thread-safe, and have a public no-argument constructor.
 */
public interface EncoderProvider {

  /** A short description for error messages. */
  String name();

  /** Whether this provider can open {@code modelDir} (an existing directory); cheap: looks at file names. */
  boolean canOpen(Path modelDir);

  /**
   * Opens the directory; the caller closes the encoder.
   *
   * @throws dev.winnow.ModelLoadException if the directory cannot be loaded
   */
  Encoder open(Path modelDir);
}
