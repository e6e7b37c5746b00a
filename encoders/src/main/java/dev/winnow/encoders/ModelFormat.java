package dev.winnow.encoders;

/**
 * The file format of a model, which decides the DJL engine that runs it.
 *
 * <p>Immutable and thread-safe.
 */
public enum ModelFormat {
  /** An ONNX graph, run by DJL's OnnxRuntime engine ({@code ai.djl.onnxruntime:onnxruntime-engine}). */
  ONNX("OnnxRuntime", ".onnx"),
  /**
   * A TorchScript file, run by DJL's PyTorch engine. Needs {@code ai.djl.pytorch:pytorch-engine},
   * {@code pytorch-jni} and {@code pytorch-native-cpu} on the classpath (optional dependencies of this module).
   */
  TORCHSCRIPT("PyTorch", ".pt");

  private final String engine;
  private final String extension;

  ModelFormat(String engine, String extension) {
    this.engine = engine;
    this.extension = extension;
  }

  /** DJL's engine name. */
  public String engine() {
    return engine;
  }

  /** File name extension, with the dot. */
  public String extension() {
    return extension;
  }
}
