package dev.winnow.train.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.winnow.encoders.Pooling;
import dev.winnow.train.BertBlock;

/**
 * A sentence-transformers stack as one DJL block: BERT, pooling over the attention mask, an optional dense
 * projection (no activation) and optional L2 normalization. Input (input_ids, attention_mask,
 * token_type_ids), each [B,S] int64; output (vectors [B,D]). Not part of the public API.
 *
 * <p>Not thread-safe for training; inference through Tower is guarded there.
 */
public final class TowerBlock extends AbstractBlock {
  private final BertBlock bert;
  private final Pooling pooling;
  private final Linear dense;
  private final int denseIn;
  private final boolean normalize;

  /**
   * @param dense a projection applied after pooling, or null
   * @throws IllegalArgumentException for a pooling other than CLS, MEAN, MEAN_SQRT_LEN or MAX
   */
  public TowerBlock(BertBlock bert, Pooling pooling, Linear dense, boolean normalize) {
    if (pooling == Pooling.POOLER) {
      throw new IllegalArgumentException("pooling POOLER is not supported for training; use CLS, MEAN,"
          + " MEAN_SQRT_LEN or MAX");
    }
    this.bert = addChildBlock("bert", bert);
    this.pooling = pooling;
    this.dense = dense == null ? null : addChildBlock("dense", dense);
    this.denseIn = bert.config().hiddenSize();
    this.normalize = normalize;
  }

  public BertBlock bert() {
    return bert;
  }

  public Linear dense() {
    return dense;
  }

  public Pooling pooling() {
    return pooling;
  }

  public boolean normalize() {
    return normalize;
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray hidden = bert.encode(ps, inputs, training);
    NDArray mask = inputs.get(1).toType(DataType.FLOAT32, false);
    NDArray v = switch (pooling) {
      case CLS -> hidden.get(":, 0, :");
      case MEAN, MEAN_SQRT_LEN -> {
        NDArray sum = hidden.mul(mask.expandDims(-1)).sum(new int[] {1});
        NDArray count = mask.sum(new int[] {1}, true).maximum(1e-9f);
        yield sum.div(pooling == Pooling.MEAN ? count : count.sqrt());
      }
      case MAX -> hidden.add(mask.neg().add(1f).mul(-1e9f).expandDims(-1)).max(new int[] {1});
      default -> throw new AssertionError(pooling);
    };
    if (dense != null) {
      v = dense.forward(ps, new NDList(v), training).singletonOrThrow();
    }
    if (normalize) {
      v = v.div(Layers.maximum(v.square().sum(new int[] {1}, true), 1e-24f).sqrt());
    }
    return new NDList(v);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long width = dense == null ? denseIn : dense.getParameters().get("weight").getShape().get(0);
    return new Shape[] {new Shape(inputShapes[0].get(0), width)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    bert.initialize(manager, dataType, inputShapes);
    if (dense != null) {
      Layers.init(dense, manager, dataType, denseIn);
    }
  }
}
