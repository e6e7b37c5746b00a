package dev.winnow.train;

import dev.winnow.Similarity;
import dev.winnow.encoders.Pooling;
import java.nio.file.Path;

/**
 * Ready-made configurations. The seed's from-scratch tower: a BERT-uncased token embedding, a 3-layer
 * transformer encoder (d = 512, 8 heads, feed-forward 2048), the {@code [CLS]} vector and a linear projection
 * to 128, trained with Adam at lr 1e-5, batch 32, max length 64 on raw dot products. Stateless.
 */
public final class Presets {
  private Presets() {}

  /** The seed's tower shape for a vocabulary of {@code vocabSize} (30522 for BERT uncased). */
  public static BertConfig seedConfig(int vocabSize) {
    return new BertConfig(vocabSize, 512, 3, 8, 2048, 64, 2, 1e-12f, 0.1f, 0.1f);
  }

  /**
   * A from-scratch tower as the seed builds it, with random weights.
   *
   * @param tokenizerJson a BERT uncased {@code tokenizer.json} (e.g. all-MiniLM-L6-v2's), 30522 word pieces
   */
  public static Tower seedTower(Path tokenizerJson, long seed) {
    return Tower.builder(seedConfig(30522), tokenizerJson).pooling(Pooling.CLS).projection(128)
        .normalize(false).similarity(Similarity.DOT_PRODUCT).maxLength(64).seed(seed).build();
  }

  /** The seed's training settings: Adam, lr 1e-5 constant, batch 32, max length 64, no clipping, scale 1. */
  public static DualEncoderTrainer.Builder seedTrainer(Tower questions, Tower answers) {
    return DualEncoderTrainer.builder(questions, answers).optimizer(DualEncoderTrainer.OptimizerKind.ADAM)
        .learningRate(1e-5f).warmupSteps(0).decay(false).weightDecay(0).batchSize(32).maxLength(64)
        .maxGradNorm(0).scale(1f);
  }
}
