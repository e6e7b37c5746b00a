package dev.winnow.train.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.winnow.train.BertBlock;

/**
 * Hugging Face's {@code BertForSequenceClassification} with one label: a {@link BertBlock} with its pooler
 * (dense + tanh over {@code [CLS]}), dropout ({@code hidden_dropout_prob}, training only) and a
 * {@code classifier} dense layer to one logit. Input: (input_ids, attention_mask, token_type_ids) [B,S];
 * output: logits [B]. Not part of the public API; not thread-safe while training.
 */
public final class CrossEncoderBlock extends AbstractBlock {
  private final BertBlock bert;
  private final Linear classifier;

  /** @param bert a BERT built with its pooler */
  public CrossEncoderBlock(BertBlock bert, Linear classifier) {
    if (!bert.hasPooler()) {
      throw new IllegalArgumentException("a cross-encoder needs the BERT pooler (BertBlock(config, true))");
    }
    this.bert = addChildBlock("bert", bert);
    this.classifier = addChildBlock("classifier", classifier);
  }

  public BertBlock bert() {
    return bert;
  }

  public Linear classifier() {
    return classifier;
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray pooled = bert.forward(ps, inputs, training).get(1);
    float p = bert.config().hiddenDropout();
    if (training && p > 0) {
      pooled = Dropout.dropout(pooled, p, true).singletonOrThrow();
    }
    NDArray logits = classifier.forward(ps, new NDList(pooled), training).singletonOrThrow();
    return new NDList(logits.reshape(-1));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0))};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    bert.initialize(manager, dataType, inputShapes);
    Layers.init(classifier, manager, dataType, bert.config().hiddenSize());
  }
}
