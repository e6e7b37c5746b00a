package dev.winnow.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import dev.winnow.Reranker;
import dev.winnow.rerank.Rerankers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cross-encoder on a tiny random BERT: losses, gradients, padding, save/load, pair order, training. */
class CrossEncoderTest {
  private static final int EPOCHS = 60;
  private static final List<String> QUERIES = List.of("who wrote the origin of species", "what flew out of the cave");
  private static final List<String> PASSAGES = List.of("charles darwin wrote it in 1859", "the bat flew out at night");

  static CrossEncoder tiny(long seed) {
    return CrossEncoder.random(Tiny.CONFIG, Tiny.tokenizer(), 32, seed);
  }

  @Test
  void lossesMatchHandComputedValues() {
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      NDArray logits = m.create(new float[] {2f, 0f, -1f, 0.5f, 1f, 0f}, new Shape(2, 3));
      // listwise: −log softmax(row)[0], averaged over the 2 rows
      double row1 = -(2 - Math.log(Math.exp(2) + Math.exp(0) + Math.exp(-1)));
      double row2 = -(0.5 - Math.log(Math.exp(0.5) + Math.exp(1) + Math.exp(0)));
      assertEquals((row1 + row2) / 2, CrossEncoderLoss.LISTWISE_SOFTMAX.evaluate(logits).getFloat(), 1e-5);
      // pointwise: positives log(1 + e^−x), negatives log(1 + e^x), averaged over the 6 pairs
      double bce = (Math.log1p(Math.exp(-2)) + Math.log1p(Math.exp(0)) + Math.log1p(Math.exp(-1))
          + Math.log1p(Math.exp(-0.5)) + Math.log1p(Math.exp(1)) + Math.log1p(Math.exp(0))) / 6;
      assertEquals(bce, CrossEncoderLoss.POINTWISE_BCE.evaluate(logits).getFloat(), 1e-5);
      assertThrows(IllegalArgumentException.class,
          () -> CrossEncoderLoss.LISTWISE_SOFTMAX.evaluate(m.create(new float[] {1f, 2f}, new Shape(2, 1))));
    }
  }

  @Test
  void gradientReachesEveryParameter() {
    for (CrossEncoderLoss loss : CrossEncoderLoss.values()) {
      try (CrossEncoder ce = tiny(7); Model model = Model.newInstance("t", Device.cpu(), "PyTorch")) {
        model.setBlock(ce.block());
        try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()));
            NDManager sub = trainer.getManager().newSubManager()) {
          List<String> qs = List.of(QUERIES.get(0), QUERIES.get(0), QUERIES.get(1), QUERIES.get(1));
          List<String> ps = List.of(PASSAGES.get(0), PASSAGES.get(1), PASSAGES.get(1), PASSAGES.get(0));
          NDList in = ce.tokenize(qs, ps, sub);
          try (GradientCollector gc = trainer.newGradientCollector()) {
            NDArray logits = trainer.forward(in).singletonOrThrow().reshape(2, 2);
            gc.backward(loss.evaluate(logits));
          }
          for (Map.Entry<String, Parameter> p : ce.parameters().entrySet()) {
            if (loss == CrossEncoderLoss.LISTWISE_SOFTMAX && p.getKey().equals("classifier.bias")) {
              // softmax is shift-invariant: a bias shared by the whole row gets exactly zero gradient
              assertEquals(0f, p.getValue().getArray().getGradient().abs().sum().getFloat(), 1e-9f);
              continue;
            }
            float g = p.getValue().getArray().getGradient().abs().sum().getFloat();
            assertTrue(g > 0, loss + ": no gradient reaches " + p.getKey());
          }
        }
      }
    }
  }

  @Test
  void paddingDoesNotChangeScoresAndPairOrderMatters() {
    try (CrossEncoder ce = tiny(3)) {
      float[] alone = ce.logits(List.of(QUERIES.get(1)), List.of("a bat"), 1);
      float[] padded = ce.logits(List.of(QUERIES.get(1), QUERIES.get(0)),
          List.of("a bat", "charles darwin wrote the origin of species in 1859 at night"), 2);
      assertEquals(alone[0], padded[0], 1e-5f, "a short pair padded to a long neighbour");
      float[] swapped = ce.logits(List.of("a bat"), List.of(QUERIES.get(1)), 1);
      assertNotEquals(alone[0], swapped[0], "(query, passage) and (passage, query) must differ");
      assertEquals(0, ce.logits(List.of(), List.of(), 4).length);
      assertThrows(IllegalArgumentException.class, () -> ce.logits(List.of("q"), List.of(), 4));
      assertThrows(IllegalArgumentException.class, () -> ce.logits(List.of("q"), List.of("p"), 0));
    }
  }

  @Test
  void saveLoadRoundTripGivesIdenticalScoresAndOpensAsReranker(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("ce");
    List<String> qs = new ArrayList<>(QUERIES);
    List<String> ps = new ArrayList<>(PASSAGES);
    float[] before;
    try (CrossEncoder ce = tiny(11)) {
      before = ce.logits(qs, ps, 2);
      ce.save(dir);
    }
    for (String f : new String[] {"model.safetensors", "config.json", "tokenizer.json", "serving.properties"}) {
      assertTrue(Files.isRegularFile(dir.resolve(f)), f);
    }
    String config = Files.readString(dir.resolve("config.json"));
    assertTrue(config.contains("BertForSequenceClassification") && config.contains("LABEL_0"), config);
    try (CrossEncoder back = CrossEncoder.load(dir, 32, 99)) {
      assertArrayEquals(before, back.logits(qs, ps, 2), 0f, "the seed must not matter: nothing is fresh");
    }
    try (Reranker r = Rerankers.open(dir)) {
      assertTrue(r instanceof BertCrossEncoderReranker, r.toString());
      float[] s = r.score(QUERIES.get(0), List.of(PASSAGES.get(0)));
      assertEquals(1 / (1 + Math.exp(-before[0])), s[0], 1e-6);
    }
  }

  @Test
  void freshHeadFromBiEncoderDirectoryIsSeeded(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("bi");
    try (Tower t = Tiny.tower(5)) {
      t.save(dir);
    }
    try (CrossEncoder a = CrossEncoder.load(dir, 32, 1); CrossEncoder b = CrossEncoder.load(dir, 32, 1);
        CrossEncoder c = CrossEncoder.load(dir, 32, 2)) {
      float[] la = a.logits(QUERIES, PASSAGES, 2);
      assertArrayEquals(la, b.logits(QUERIES, PASSAGES, 2), 0f);
      assertNotEquals(la[0], c.logits(QUERIES, PASSAGES, 2)[0], 1e-6f);
    }
    assertThrows(IllegalArgumentException.class, () -> CrossEncoder.load(dir, 33, 1));
  }

  @Test
  void trainingLowersTheLossAndKeepsTheBest(@TempDir Path tmp) throws Exception {
    List<RerankExample> train = new ArrayList<>();
    for (TrainingPair p : Tiny.PAIRS) {
      List<String> negatives = new ArrayList<>();
      for (TrainingPair o : Tiny.PAIRS) {
        if (!o.answer().equals(p.answer())) {
          negatives.add(o.answer());
        }
      }
      train.add(new RerankExample(p.question(), p.answer(), negatives));
    }
    List<RerankQuery> dev = new ArrayList<>();
    for (RerankExample e : train) {
      List<String> cands = new ArrayList<>(e.negatives().subList(0, 3));
      cands.add(e.positive());
      dev.add(new RerankQuery(e.query(), cands, List.of(0, 0, 0, 1)));
    }
    for (CrossEncoderLoss loss : CrossEncoderLoss.values()) {
      try (CrossEncoder ce = tiny(21)) {
        List<Float> losses = new ArrayList<>();
        CrossEncoderTrainer.Result r = CrossEncoderTrainer.builder(ce).loss(loss).negatives(3).batchSize(4)
            .epochs(EPOCHS).learningRate(1e-2f).headLearningRateFactor(1).evaluateEvery(0)
            .outputDir(tmp.resolve(loss.name()))
            .progress(p -> losses.add(p.loss()), 1).build().train(train, dev);
        double first = (losses.get(0) + losses.get(1)) / 2;
        double last = (losses.get(losses.size() - 1) + losses.get(losses.size() - 2)) / 2;
        assertTrue(last < first * 0.6, loss + ": loss " + first + " -> " + last);
        assertEquals(EPOCHS + 1, r.evaluations().size(), "before training and after each epoch");
        assertTrue(r.best().dev().map() > r.evaluations().get(0).dev().map(), loss + " " + r.evaluations());
        float qp = ce.logits(List.of(train.get(0).query()), List.of(train.get(0).positive()), 1)[0];
        float pq = ce.logits(List.of(train.get(0).positive()), List.of(train.get(0).query()), 1)[0];
        assertTrue(Math.abs(qp - pq) > 0.01, loss + ": pair order must matter, " + qp + " vs " + pq);
        try (CrossEncoder best = CrossEncoder.load(r.bestDir(), 32, 0)) {
          assertEquals(r.best().dev().map(), RerankMetrics.of(dev, CrossEncoderTrainer.score(best, dev, 8)).map(),
              1e-9);
        }
      }
    }
  }

  @Test
  void badArgumentsNameTheRule() {
    try (CrossEncoder ce = tiny(1)) {
      CrossEncoderTrainer.Builder b = CrossEncoderTrainer.builder(ce);
      assertThrows(IllegalArgumentException.class, () -> b.negatives(0));
      assertThrows(IllegalArgumentException.class, () -> b.learningRate(Float.NaN));
      assertThrows(IllegalArgumentException.class, () -> b.batchSize(0));
      assertThrows(IllegalArgumentException.class, () -> new RerankExample("q", "p", List.of()));
      assertThrows(IllegalArgumentException.class, () -> new RerankExample("q", "p", List.of("p")));
      assertThrows(IllegalArgumentException.class, () -> new RerankQuery("q", List.of("a"), List.of()));
    }
  }
}
