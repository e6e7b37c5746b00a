package dev.winnow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.Encoder;
import dev.winnow.encoders.Encoders;
import dev.winnow.testing.Shared;
import dev.winnow.testing.VectorMath;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short fine-tune of all-MiniLM-L6-v2 on NQ sample rows 1-800 (one epoch, max length 64) beats zero-shot
 * MiniLM on rows 801-1000 (each question against the 200 held-out answers) in MRR@10 and Recall@1; the saved
 * directory opens through winnow-encoders' {@code Encoders.open} and gives the trainer's vectors.
 */
class FineTuneIT {
  @TempDir
  Path tmp;

  @Test
  void fineTunedMiniLmBeatsZeroShotOnHeldOutNq() throws IOException {
    Path model = Shared.require("models/all-MiniLM-L6-v2");
    List<TrainingPair> all = TrainingPair.readTsv(Shared.require("data/nq_sample/nq_sample.utf8fixed.tsv"), true);
    assertEquals(1000, all.size());
    List<TrainingPair> train = all.subList(0, 800);
    List<TrainingPair> dev = all.subList(800, 1000);
    try (Tower minilm = Tower.load(model)) {
      DualEncoderTrainer trainer = DualEncoderTrainer.builder(minilm, minilm).epochs(1).batchSize(32)
          .learningRate(2e-5f).maxLength(64).seed(42).outputDir(tmp.resolve("run"))
          .progress(p -> System.out.println("fine-tune " + p), 5).build();
      RetrievalMetrics zeroShot = trainer.evaluate(dev);
      DualEncoderTrainer.Result r = trainer.train(train, dev);
      RetrievalMetrics tuned = r.epochs().get(0).dev();
      System.out.println("zero-shot MiniLM: " + zeroShot);
      System.out.println("fine-tuned 1 epoch: " + tuned + ", train loss " + r.epochs().get(0).meanLoss()
          + ", " + r.epochs().get(0).examplesPerSecond() + " pairs/s");
      assertTrue(tuned.mrrAt10() > zeroShot.mrrAt10(), "MRR@10 " + tuned + " vs zero-shot " + zeroShot);
      assertTrue(tuned.recallAt1() > zeroShot.recallAt1(), "R@1 " + tuned + " vs zero-shot " + zeroShot);

      List<String> probe = List.of(dev.get(0).question(), dev.get(0).answer());
      float[][] expected = minilm.encode(probe, 8);
      try (Encoder e = Encoders.open(r.bestDir())) {
        assertInstanceOf(BertEncoder.class, e);
        float[][] got = e.encode(probe);
        for (int i = 0; i < probe.size(); i++) {
          assertTrue(VectorMath.maxAbsDiff(expected[i], got[i]) < 1e-5, "text " + i);
        }
      }
    }
  }
}
