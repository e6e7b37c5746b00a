package dev.winnow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.winnow.train.internal.BertEmbeddingsBlock;
import dev.winnow.train.internal.BertLayerBlock;
import dev.winnow.train.internal.Layers;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A standard, trainable BERT encoder ({@code BertModel}) in DJL blocks: embeddings (word + position + token
 * type, LayerNorm), {@link BertConfig#numHiddenLayers()} post-LayerNorm transformer layers with masked
 * multi-head self-attention and exact-GELU feed-forward, and an optional pooler (dense + tanh over
 * {@code [CLS]}). Unlike DJL's own {@code ai.djl.nn.transformer.BertBlock} it uses LayerNorm, the usual
 * residuals and the usual parameter layout, so Hugging Face weights load into it by name
 * ({@link #parameters()}).
 *
 * <p>Input: {@code (input_ids [B,S] int64, attention_mask [B,S] int64, token_type_ids [B,S] int64)}. Output:
 * {@code (last_hidden_state [B,S,H])}, plus {@code pooler_output [B,H]} when built with a pooler. Padding
 * positions (mask 0) never influence the other positions' outputs. Dropout is applied only when
 * {@code training} is true.
 *
 * <p>Not thread-safe while training; inference forwards may run concurrently (DJL blocks keep no per-call
 * state, but callers of Winnow's trainer and encoder serialize anyway).
 */
public final class BertBlock extends AbstractBlock {
  /** Added to attention scores of padding keys: exp(score − 1e9) is exactly 0 in float32. */
  private static final float MASKED = -1e9f;

  private final BertConfig config;
  private final BertEmbeddingsBlock embeddings;
  private final List<BertLayerBlock> layers = new ArrayList<>();
  private final Linear pooler;

  /**
   * @param config the shape
   * @param withPooler whether to add the pooler (dense + tanh over {@code [CLS]}), as in {@code BertModel}
   */
  public BertBlock(BertConfig config, boolean withPooler) {
    if (config == null) {
      throw new IllegalArgumentException("config is null");
    }
    this.config = config;
    embeddings = addChildBlock("embeddings", new BertEmbeddingsBlock(config));
    for (int i = 0; i < config.numHiddenLayers(); i++) {
      layers.add(addChildBlock("layer" + i, new BertLayerBlock(config)));
    }
    pooler = withPooler ? addChildBlock("pooler", Layers.linear(config.hiddenSize())) : null;
  }

  /** The shape. */
  public BertConfig config() {
    return config;
  }

  /** Whether the pooler is present. */
  public boolean hasPooler() {
    return pooler != null;
  }

  /**
   * Every parameter under its Hugging Face name ({@code embeddings.word_embeddings.weight},
   * {@code encoder.layer.0.attention.self.query.weight}, ..., {@code pooler.dense.bias}), in a stable order.
   */
  public Map<String, Parameter> parameters() {
    Map<String, Parameter> out = new LinkedHashMap<>();
    embeddings.name("embeddings.", out);
    for (int i = 0; i < layers.size(); i++) {
      layers.get(i).name("encoder.layer." + i + ".", out);
    }
    if (pooler != null) {
      Layers.name(pooler, "pooler.dense", out);
    }
    return Collections.unmodifiableMap(out);
  }

  /** Shapes to initialize this block with: three [1, length] int64 inputs. */
  public static Shape[] inputShapes(int length) {
    Shape s = new Shape(1, length);
    return new Shape[] {s, s, s};
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray x = encode(ps, inputs, training);
    if (pooler == null) {
      return new NDList(x);
    }
    NDArray cls = x.get(":, 0, :");
    NDArray pooled = pooler.forward(ps, new NDList(cls), training).singletonOrThrow().tanh();
    return new NDList(x, pooled);
  }

  /**
   * The last hidden state [B,S,H] only, without running the pooler (sentence-transformers towers do not use
   * it, so it gets no gradient).
   */
  public NDArray encode(ParameterStore ps, NDList inputs, boolean training) {
    if (inputs.size() != 3) {
      throw new IllegalArgumentException("BertBlock takes (input_ids, attention_mask, token_type_ids), got "
          + inputs.size() + " arrays");
    }
    NDArray ids = inputs.get(0);
    NDArray mask = inputs.get(1);
    NDArray types = inputs.get(2);
    long b = ids.getShape().get(0);
    long s = ids.getShape().get(1);
    if (s > config.maxPositionEmbeddings()) {
      throw new IllegalArgumentException("sequence length " + s + " exceeds max_position_embeddings "
          + config.maxPositionEmbeddings());
    }
    // additive mask [B,1,1,S]: 0 where attention_mask is 1, MASKED where it is 0
    NDArray additive = mask.toType(DataType.FLOAT32, false).neg().add(1f).mul(MASKED).reshape(b, 1, 1, s);
    NDArray x = embeddings.forward(ps, new NDList(ids, types), training).singletonOrThrow();
    for (BertLayerBlock layer : layers) {
      x = layer.forward(ps, new NDList(x, additive), training).singletonOrThrow();
    }
    return x;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    Shape hidden = new Shape(s.get(0), s.get(1), config.hiddenSize());
    return pooler == null ? new Shape[] {hidden} : new Shape[] {hidden, new Shape(s.get(0), config.hiddenSize())};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape ids = inputShapes[0];
    embeddings.initialize(manager, dataType, ids, ids);
    Shape hidden = new Shape(ids.get(0), ids.get(1), config.hiddenSize());
    for (BertLayerBlock layer : layers) {
      layer.initialize(manager, dataType, hidden, new Shape(ids.get(0), 1, 1, ids.get(1)));
    }
    if (pooler != null) {
      Layers.init(pooler, manager, dataType, config.hiddenSize());
    }
  }
}
