package dev.winnow.train.internal;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Turns off PyTorch's autograd recording on this thread until closed (inference builds no graph), then
 * restores the previous mode. Not part of the public API; one instance per thread and scope.
 *
 * <p>Not thread-safe: one per forward pass.
 */
public final class NoGrad implements AutoCloseable {
  private final boolean previous;

  public NoGrad() {
    previous = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
  }

  @Override
  public void close() {
    JniUtils.setGradMode(previous);
  }
}
