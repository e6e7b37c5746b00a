package dev.winnow.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.Reranker;
import dev.winnow.eval.WikiQaDataset;
import dev.winnow.rerank.Rerankers;
import dev.winnow.testing.Shared;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short cross-encoder fine-tune of all-MiniLM-L6-v2 (fresh head) on 320 WikiQA train questions (pointwise BCE, 3
 * judged negatives each, 40 steps, lr 1e-4, max length 128) raises MAP on 60 WikiQA dev questions by more than
 * 0.03 over the untrained head (20 steps at lr 5e-5 gave only 0.398 -> 0.403);
 * the saved directory opens through {@code Rerankers.open} and scores exactly as the trained model did. Skips
 * without {@code ../shared}.
 */
class CrossEncoderFineTuneIT {
  @TempDir
  Path tmp;

  @Test
  void shortFineTuneBeatsTheUntrainedHeadOnWikiQaDev() throws Exception {
    Path model = Shared.require("models/all-MiniLM-L6-v2");
    List<RerankExample> train = new ArrayList<>();
    for (WikiQaDataset.Question q : WikiQaDataset.load(Shared.require("data/wikiqa/WikiQA-train.tsv.gz"), false)
        .answerable()) {
      List<String> negatives = new ArrayList<>();
      String positive = null;
      for (int i = 0; i < q.sentences().size(); i++) {
        if (q.labels().get(i) == 0) {
          negatives.add(q.sentences().get(i));
        } else if (positive == null) {
          positive = q.sentences().get(i);
        }
      }
      if (!negatives.isEmpty() && !negatives.contains(positive) && train.size() < 320) {
        train.add(new RerankExample(q.text(), positive, negatives));
      }
    }
    List<RerankQuery> dev = new ArrayList<>();
    for (WikiQaDataset.Question q : WikiQaDataset.load(Shared.require("data/wikiqa/WikiQA-dev.tsv.gz"), false)
        .answerable().subList(0, 60)) {
      dev.add(new RerankQuery(q.text(), q.sentences(), q.labels()));
    }
    try (CrossEncoder ce = CrossEncoder.load(model, 128, 42)) {
      CrossEncoderTrainer.Result r = CrossEncoderTrainer.builder(ce).loss(CrossEncoderLoss.POINTWISE_BCE)
          .negatives(3).batchSize(8).learningRate(1e-4f).outputDir(tmp.resolve("run"))
          .progress(p -> System.out.println("cross-encoder fine-tune " + p), 5).build().train(train, dev);
      RerankMetrics untrained = r.evaluations().get(0).dev();
      RerankMetrics tuned = r.evaluations().get(r.evaluations().size() - 1).dev();
      System.out.println("untrained head: " + untrained + "; after 40 steps: " + tuned);
      assertTrue(tuned.map() > untrained.map() + 0.03, "MAP " + tuned + " vs untrained " + untrained);

      List<String> qs = List.of(dev.get(0).query(), dev.get(1).query());
      List<String> ps = List.of(dev.get(0).passages().get(0), dev.get(1).passages().get(0));
      float[] logits = ce.logits(qs, ps, 2);
      try (Reranker saved = Rerankers.open(tmp.resolve("run/last"))) {
        assertInstanceOf(BertCrossEncoderReranker.class, saved);
        float[] expected = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
          expected[i] = (float) (1 / (1 + Math.exp(-logits[i])));
        }
        assertArrayEquals(expected, saved.scorePairs(qs, ps), 1e-6f);
      }
    }
  }
}
