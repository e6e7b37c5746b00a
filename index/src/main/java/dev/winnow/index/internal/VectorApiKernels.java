package dev.winnow.index.internal;

/**
 * Creates the Vector API kernels without reflection. Only this class names {@link PanamaKernel} and {@link
 * PanamaBufferKernel}, so the JVM links them (and {@code jdk.incubator.vector}) only when {@link VectorOps} calls
 * here, which it does once it has found the module; a {@link LinkageError} from a JVM whose Vector API lacks a method
 * (e.g. {@code fromByteBuffer} past Java 18) reaches the caller, which falls back. Stateless.
 */
final class VectorApiKernels {
  private VectorApiKernels() {}

  /** The array kernels (every Java with the module). */
  static Kernel arrays() {
    return new PanamaKernel();
  }

  /** The kernels that also read mapped buffers in place (Java 16-18). */
  static Kernel buffers() {
    return new PanamaBufferKernel();
  }
}
