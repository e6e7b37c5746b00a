package dev.winnow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.DualEncoder;
import dev.winnow.train.internal.NoDuplicateBatches;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gradient flow to both towers, batching, schedule, metrics, checkpoints and argument checks. */
class DualEncoderTrainerTest {
  @TempDir
  Path tmp;

  @Test
  void gradientReachesBothTowersAndCheckpointsLoad() throws IOException {
    try (Tower q = Tiny.tower(1); Tower a = Tiny.tower(2)) {
      float[] q0 = weight(q);
      float[] a0 = weight(a);
      float[][] probeBefore = a.encode(List.of("a bat"), 1);
      List<DualEncoderTrainer.Progress> log = new ArrayList<>();
      DualEncoderTrainer.Result r = DualEncoderTrainer.builder(q, a).batchSize(4).epochs(2).learningRate(1e-3f)
          .warmupSteps(0).seed(5).outputDir(tmp.resolve("run")).progress(log::add, 1).build()
          .train(Tiny.PAIRS, Tiny.PAIRS.subList(0, 4));
      assertEquals(2, r.epochs().size());
      assertEquals(4, log.size(), "2 epochs of 2 batches of 4");
      assertTrue(log.stream().allMatch(p -> Float.isFinite(p.loss()) && p.examplesPerSecond() > 0));
      assertFalse(java.util.Arrays.equals(q0, weight(q)), "question tower updated");
      assertFalse(java.util.Arrays.equals(a0, weight(a)), "answer tower updated");
      assertTrue(r.epochs().get(1).dev().questions() == 4);
      assertTrue(Files.isDirectory(r.bestDir().resolve("query")) && Files.isDirectory(r.bestDir().resolve("answer")));
      assertTrue(Files.isDirectory(tmp.resolve("run/last/answer")));
      float[][] probeAfter = a.encode(List.of("a bat"), 1);
      assertFalse(java.util.Arrays.equals(probeBefore[0], probeAfter[0]));
      try (DualEncoder d = BertEncoder.openDual(tmp.resolve("run/last"))) {
        float[] v = d.encodePassages(List.of("a bat"))[0];
        for (int i = 0; i < v.length; i++) {
          assertEquals(probeAfter[0][i], v[i], 1e-5f);
        }
      }
    }
  }

  @Test
  void sharedTowerTrainsAndIsDeterministic() throws IOException {
    float[] first = trainShared();
    float[] second = trainShared();
    assertTrue(java.util.Arrays.equals(first, second), "same seed, same weights");
  }

  private static float[] trainShared() throws IOException {
    try (Tower t = Tiny.tower(9)) {
      float[] before = weight(t);
      DualEncoderTrainer.builder(t, t).batchSize(4).learningRate(1e-3f).seed(11).symmetric(true).build()
          .train(Tiny.PAIRS, List.of());
      float[] after = weight(t);
      assertFalse(java.util.Arrays.equals(before, after));
      return after;
    }
  }

  @Test
  void clippingBoundsTheGlobalGradientNorm() {
    try (Tower t = Tiny.tower(4); ai.djl.ndarray.NDManager m = t.manager().newSubManager()) {
      ai.djl.training.ParameterStore ps = new ai.djl.training.ParameterStore(m, false);
      List<ai.djl.nn.Parameter> params = DualEncoderTrainer.uniqueParameters(t.block());
      try (ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getEngine("PyTorch").newGradientCollector()) {
        ai.djl.ndarray.NDArray q = t.block().forward(ps, t.tokenize(List.of("who wrote it", "a bat", "1859"), m, 32),
            true).singletonOrThrow();
        ai.djl.ndarray.NDArray a = t.block().forward(ps, t.tokenize(List.of("darwin", "the cave", "night"), m, 32),
            true).singletonOrThrow();
        gc.backward(new InBatchNegativesLoss(20f, false).evaluate(null, new ai.djl.ndarray.NDList(q, a)));
      }
      int arrays = ((ai.djl.ndarray.BaseNDManager) t.manager()).getManagedArrays().size();
      double before = DualEncoderTrainer.gradientNorm(params);
      assertTrue(before > 1e-3, "norm " + before);
      assertEquals(before, DualEncoderTrainer.clip(params, 1e-3f), 1e-9);
      assertEquals(1e-3, DualEncoderTrainer.gradientNorm(params), 1e-5);
      assertEquals(arrays, ((ai.djl.ndarray.BaseNDManager) t.manager()).getManagedArrays().size(),
          "clipping leaves no array behind in the tower's manager");
    }
  }

  @Test
  void batchesNeverRepeatAText() {
    List<TrainingPair> pairs = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      pairs.add(new TrainingPair("q" + i, "answer " + (i % 10)));
    }
    List<int[]> batches = NoDuplicateBatches.plan(pairs, 8, new Random(1));
    int used = 0;
    for (int[] b : batches) {
      Set<String> answers = new HashSet<>();
      for (int i : b) {
        assertTrue(answers.add(pairs.get(i).answer()), "duplicate answer in a batch");
      }
      assertTrue(b.length >= 2 && b.length <= 8);
      used += b.length;
    }
    // a pair is dropped only when it ends up alone (its answer repeated by every pair still pending)
    assertTrue(used >= 90, "used " + used);
    List<TrainingPair> distinct = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      distinct.add(new TrainingPair("q" + i, "a" + i));
    }
    assertEquals(100, NoDuplicateBatches.plan(distinct, 8, new Random(1)).stream().mapToInt(b -> b.length).sum());
  }

  @Test
  void linearWarmupThenDecay() {
    LinearWarmupDecay s = new LinearWarmupDecay(1f, 4, 14, true);
    assertEquals(0.2f, s.getNewValue(1), 1e-6);
    assertEquals(0.8f, s.getNewValue(4), 1e-6);
    assertEquals(1f, s.getNewValue(5), 1e-6);
    assertEquals(0.5f, s.getNewValue(10), 1e-6);
    assertEquals(0.1f, s.getNewValue(14), 1e-6);
    assertEquals(1f, new LinearWarmupDecay(1f, 0, 10, false).getNewValue(9), 1e-6);
    assertThrows(IllegalArgumentException.class, () -> new LinearWarmupDecay(1f, 11, 10, true));
  }

  @Test
  void metricsKnownAnswer() {
    float[][] answers = {{1, 0}, {0, 1}, {0.7f, 0.7f}};
    float[][] questions = {{1, 0}, {1, 0.1f}, {0, 1}};
    // q0 -> a0 rank 1; q1 -> a1 rank 3 (a0 0.1 < a2?); q2 -> a1 rank 1
    RetrievalMetrics m = RetrievalMetrics.of(questions, answers, new int[] {0, 1, 1});
    assertEquals(2.0 / 3, m.recallAt1(), 1e-9);
    assertEquals(1.0, m.recallAt10(), 1e-9);
    assertEquals((1 + 1.0 / 3 + 1) / 3, m.mrrAt10(), 1e-9);
  }

  @Test
  void rejectsBadInput() throws IOException {
    assertThrows(IllegalArgumentException.class, () -> new TrainingPair(null, "a"));
    Path tsv = tmp.resolve("bad.tsv");
    Files.writeString(tsv, "questions\tanswers\nonly one field\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingPair.readTsv(tsv, true));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    Path jsonl = tmp.resolve("ok.jsonl");
    Files.writeString(jsonl, "{\"question\": \"q\", \"answer\": \"a\", \"negative\": \"n\"}\n\n");
    assertEquals(new TrainingPair("q", "a", "n"), TrainingPair.readJsonl(jsonl).get(0));
    try (Tower t = Tiny.tower(1)) {
      assertThrows(IllegalArgumentException.class, () -> DualEncoderTrainer.builder(t, t).batchSize(1));
      assertThrows(IllegalArgumentException.class, () -> DualEncoderTrainer.builder(t, t).maxLength(33));
      List<TrainingPair> mixed = List.of(new TrainingPair("q1", "a1", "n1"), new TrainingPair("q2", "a2"));
      e = assertThrows(IllegalArgumentException.class,
          () -> DualEncoderTrainer.builder(t, t).build().train(mixed, List.of()));
      assertTrue(e.getMessage().contains("hard negatives"), e.getMessage());
    }
  }

  static float[] weight(Tower t) {
    return t.bert().parameters().get("encoder.layer.0.attention.self.query.weight").getArray().toFloatArray();
  }
}
