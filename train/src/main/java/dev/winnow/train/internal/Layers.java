package dev.winnow.train.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.initializer.NormalInitializer;
import java.util.Map;

/**
 * Builds and names the DJL layers of a BERT: {@link Linear} with Hugging Face's initialization (normal 0.02,
 * zero bias) and {@link LayerNorm} over the last axis. Not part of the public API; stateless.
 */
public final class Layers {
  private Layers() {}

  /** A dense layer with {@code units} outputs; weight [units, in] like torch.nn.Linear. */
  public static Linear linear(int units) {
    Linear l = Linear.builder().setUnits(units).build();
    l.setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
    return l;
  }

  /** A layer norm over the last axis. */
  public static LayerNorm layerNorm(float eps) {
    return LayerNorm.builder().optEpsilon(eps).build();
  }

  /** Initializes a dense layer for {@code in} input features. */
  public static void init(Linear l, NDManager m, DataType t, int in) {
    l.initialize(m, t, new Shape(1, in));
  }

  /** Initializes a layer norm over {@code width} features. */
  public static void init(LayerNorm l, NDManager m, DataType t, int width) {
    l.initialize(m, t, new Shape(1, width)); // normalized shape = input shape without its first axis
  }

  /**
   * A 0-d constant with {@code like}'s data type and device, allocated by libtorch ({@code full}).
   *
   * <p>Use it, not {@code NDArray.mul(Number)} and friends, for any operation that autograd may record: DJL
   * turns the {@code Number} into a CPU array whose memory is a Java direct buffer ({@code from_blob}) and
   * closes it right after the operation. The operation has run by then, but autograd keeps that tensor for
   * the backward pass (mul, div and maximum save their operand) while the JVM is free to garbage-collect the
   * buffer; backward then reads freed memory and, depending on GC timing, gets garbage gradients (zeros,
   * NaN, or silently wrong values). Storage allocated by libtorch is reference-counted, so the saved tensor
   * stays valid after this wrapper is closed.
   */
  public static NDArray scalar(NDArray like, float value) {
    NDArray c = like.getManager().full(new Shape(), value, like.getDataType());
    if (!c.getDevice().equals(like.getDevice())) {
      try (NDArray host = c) {
        c = host.toDevice(like.getDevice(), true);
      }
    }
    return c;
  }

  /** {@code x * value}, safe under autograd (see {@link #scalar}). */
  public static NDArray mul(NDArray x, float value) {
    try (NDArray c = scalar(x, value)) {
      return x.mul(c);
    }
  }

  /** {@code x / value}, safe under autograd (see {@link #scalar}). */
  public static NDArray div(NDArray x, float value) {
    try (NDArray c = scalar(x, value)) {
      return x.div(c);
    }
  }

  /** Element-wise {@code max(x, value)}, safe under autograd (see {@link #scalar}). */
  public static NDArray maximum(NDArray x, float value) {
    try (NDArray c = scalar(x, value)) {
      return x.maximum(c);
    }
  }

  /** Records a dense layer's parameters as {@code prefix.weight} and {@code prefix.bias}. */
  public static void name(Linear l, String prefix, Map<String, Parameter> out) {
    out.put(prefix + ".weight", l.getParameters().get("weight"));
    out.put(prefix + ".bias", l.getParameters().get("bias"));
  }

  /** Records a layer norm's parameters as {@code prefix.weight} (gamma) and {@code prefix.bias} (beta). */
  public static void name(LayerNorm l, String prefix, Map<String, Parameter> out) {
    out.put(prefix + ".weight", l.getParameters().get("gamma"));
    out.put(prefix + ".bias", l.getParameters().get("beta"));
  }
}
