package dev.winnow.train.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.winnow.train.BertConfig;
import java.util.Map;

/**
 * One standard (post-LayerNorm) BERT layer, as Hugging Face's {@code BertLayer}:
 * {@code a = LN(x + drop(Wo·attention(x)))}, {@code y = LN(a + drop(W2·gelu(W1·a)))}. Input (hidden [B,S,H],
 * additive attention mask [B,1,1,S]: 0 for tokens, a large negative number for padding); output [B,S,H].
 * Not part of the public API; not thread-safe while training.
 */
public final class BertLayerBlock extends AbstractBlock {
  private final BertConfig config;
  private final Linear query;
  private final Linear key;
  private final Linear value;
  private final Linear attentionOut;
  private final LayerNorm attentionNorm;
  private final Linear intermediate;
  private final Linear output;
  private final LayerNorm outputNorm;

  public BertLayerBlock(BertConfig config) {
    this.config = config;
    int h = config.hiddenSize();
    query = addChildBlock("query", Layers.linear(h));
    key = addChildBlock("key", Layers.linear(h));
    value = addChildBlock("value", Layers.linear(h));
    attentionOut = addChildBlock("attention_output", Layers.linear(h));
    attentionNorm = addChildBlock("attention_norm", Layers.layerNorm(config.layerNormEps()));
    intermediate = addChildBlock("intermediate", Layers.linear(config.intermediateSize()));
    output = addChildBlock("output", Layers.linear(h));
    outputNorm = addChildBlock("output_norm", Layers.layerNorm(config.layerNormEps()));
  }

  /** Records this layer's parameters under their Hugging Face names, below {@code prefix}. */
  public void name(String prefix, Map<String, Parameter> out) {
    Layers.name(query, prefix + "attention.self.query", out);
    Layers.name(key, prefix + "attention.self.key", out);
    Layers.name(value, prefix + "attention.self.value", out);
    Layers.name(attentionOut, prefix + "attention.output.dense", out);
    Layers.name(attentionNorm, prefix + "attention.output.LayerNorm", out);
    Layers.name(intermediate, prefix + "intermediate.dense", out);
    Layers.name(output, prefix + "output.dense", out);
    Layers.name(outputNorm, prefix + "output.LayerNorm", out);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
      PairList<String, Object> params) {
    // 1. project to queries, keys, values and split the heads: [B,S,H] -> [B,heads,S,headSize]
    // 2. scores = q·kᵀ/√headSize + mask; softmax over keys; (dropout); context = probs·v, heads merged
    // 3. residual + LayerNorm; feed-forward with exact GELU; residual + LayerNorm
    NDArray x = inputs.get(0);
    NDArray mask = inputs.get(1);
    long b = x.getShape().get(0);
    long s = x.getShape().get(1);
    int heads = config.numAttentionHeads();
    int hs = config.headSize();
    NDArray q = heads(apply(query, ps, x, training), b, s, heads, hs);
    NDArray k = heads(apply(key, ps, x, training), b, s, heads, hs);
    NDArray v = heads(apply(value, ps, x, training), b, s, heads, hs);
    NDArray scores = Layers.div(q.matMul(k.transpose(0, 1, 3, 2)), (float) Math.sqrt(hs)).add(mask);
    NDArray probs = scores.softmax(-1);
    if (training && config.attentionDropout() > 0) {
      probs = Dropout.dropout(probs, config.attentionDropout(), true).singletonOrThrow();
    }
    NDArray context = probs.matMul(v).transpose(0, 2, 1, 3).reshape(b, s, config.hiddenSize());
    NDArray a = dropout(apply(attentionOut, ps, context, training), training).add(x);
    a = attentionNorm.forward(ps, new NDList(a), training).singletonOrThrow();
    NDArray f = Activation.gelu(apply(intermediate, ps, a, training));
    NDArray y = dropout(apply(output, ps, f, training), training).add(a);
    return new NDList(outputNorm.forward(ps, new NDList(y), training).singletonOrThrow());
  }

  private NDArray dropout(NDArray x, boolean training) {
    return training && config.hiddenDropout() > 0
        ? Dropout.dropout(x, config.hiddenDropout(), true).singletonOrThrow() : x;
  }

  private static NDArray apply(Linear l, ParameterStore ps, NDArray x, boolean training) {
    return l.forward(ps, new NDList(x), training).singletonOrThrow();
  }

  private static NDArray heads(NDArray x, long b, long s, int heads, int hs) {
    return x.reshape(b, s, heads, hs).transpose(0, 2, 1, 3);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    int h = config.hiddenSize();
    for (Linear l : new Linear[] {query, key, value, attentionOut}) {
      Layers.init(l, manager, dataType, h);
    }
    Layers.init(attentionNorm, manager, dataType, h);
    Layers.init(intermediate, manager, dataType, h);
    Layers.init(output, manager, dataType, config.intermediateSize());
    Layers.init(outputNorm, manager, dataType, h);
  }
}
