package dev.winnow.train.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import dev.winnow.train.BertConfig;
import java.util.Map;

/**
 * BERT's input layer: word + absolute position + token type embeddings, then LayerNorm and dropout. Input
 * (input_ids [B,S] int64, token_type_ids [B,S] int64); output [B,S,H]. Not part of the public API; not
 * thread-safe while training.
 */
public final class BertEmbeddingsBlock extends AbstractBlock {
  private final BertConfig config;
  private final Parameter words;
  private final Parameter positions;
  private final Parameter types;
  private final LayerNorm norm;

  public BertEmbeddingsBlock(BertConfig config) {
    this.config = config;
    int h = config.hiddenSize();
    words = addParameter(embedding("word_embeddings", config.vocabSize(), h));
    positions = addParameter(embedding("position_embeddings", config.maxPositionEmbeddings(), h));
    types = addParameter(embedding("token_type_embeddings", config.typeVocabSize(), h));
    norm = addChildBlock("LayerNorm", Layers.layerNorm(config.layerNormEps()));
  }

  private static Parameter embedding(String name, int rows, int width) {
    return Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optShape(new Shape(rows, width))
        .optInitializer(new NormalInitializer(0.02f)).build();
  }

  /** Records this block's parameters under their Hugging Face names, below {@code prefix}. */
  public void name(String prefix, Map<String, Parameter> out) {
    out.put(prefix + "word_embeddings.weight", words);
    out.put(prefix + "position_embeddings.weight", positions);
    out.put(prefix + "token_type_embeddings.weight", types);
    Layers.name(norm, prefix + "LayerNorm", out);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray ids = inputs.get(0);
    NDArray typeIds = inputs.get(1);
    long seq = ids.getShape().get(1);
    NDManager m = ids.getManager();
    NDArray pos = m.arange(0, (int) seq, 1, DataType.INT64, ids.getDevice()).expandDims(0);
    NDArray x = lookup(ids, ps.getValue(words, ids.getDevice(), training))
        .add(lookup(pos, ps.getValue(positions, ids.getDevice(), training)))
        .add(lookup(typeIds, ps.getValue(types, ids.getDevice(), training)));
    x = norm.forward(ps, new NDList(x), training).singletonOrThrow();
    if (training && config.hiddenDropout() > 0) {
      x = Dropout.dropout(x, config.hiddenDropout(), true).singletonOrThrow();
    }
    return new NDList(x);
  }

  private static NDArray lookup(NDArray ids, NDArray table) {
    return Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {new Shape(s.get(0), s.get(1), config.hiddenSize())};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Layers.init(norm, manager, dataType, config.hiddenSize());
  }
}
