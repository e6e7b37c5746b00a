package dev.winnow.train.internal;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Both towers as one DJL block for the trainer: input (question ids, mask, types, answer ids, mask, types
 * [, negative ids, mask, types]); output (Q, A [, H]). Negatives go through the answer tower. With a shared
 * tower the same child runs both sides. Not part of the public API; not thread-safe.
 */
public final class DualEncoderBlock extends AbstractBlock {
  private final TowerBlock questions;
  private final TowerBlock answers;

  public DualEncoderBlock(TowerBlock questions, TowerBlock answers) {
    this.questions = addChildBlock("questions", questions);
    this.answers = answers == questions ? questions : addChildBlock("answers", answers);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training,
      PairList<String, Object> params) {
    NDList out = new NDList();
    out.add(questions.forward(ps, new NDList(in.get(0), in.get(1), in.get(2)), training).singletonOrThrow());
    out.add(answers.forward(ps, new NDList(in.get(3), in.get(4), in.get(5)), training).singletonOrThrow());
    if (in.size() == 9) {
      out.add(answers.forward(ps, new NDList(in.get(6), in.get(7), in.get(8)), training).singletonOrThrow());
    }
    return out;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    throw new UnsupportedOperationException("DualEncoderBlock does not infer shapes");
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    // the towers are initialized (loaded or randomly drawn) before they are paired
  }

  @Override
  public boolean isInitialized() {
    return true;
  }
}
