package dev.winnow.keyword;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.Hit;
import dev.winnow.eval.BeirDataset;
import dev.winnow.eval.RetrievalEvaluation;
import dev.winnow.testing.Shared;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BM25 with the defaults (EnglishAnalyzer, {@code k1} {@value LuceneKeywordIndex#DEFAULT_K1}, {@code b}
 * {@value LuceneKeywordIndex#DEFAULT_B}) on BEIR SciFact, train judgments: 5,183 abstracts
 * ({@code title + " " + text}), 809 claims. Measured nDCG@10 0.6974 (see {@code docs/evaluation.md}); the
 * floor is 0.69. Skips when {@code ../shared/data/scifact} (system property {@code winnow.shared}) is absent.
 */
class SciFactBm25IT {
  @TempDir Path tmp;

  @Test
  void defaultsReachTheSciFactTarget() throws IOException {
    Path dir = Shared.require("data/scifact");
    BeirDataset data = BeirDataset.load(dir.resolve("corpus.jsonl"), dir.resolve("queries.jsonl"),
        dir.resolve("qrels/train.tsv"), false);
    assertEquals(5183, data.corpus().size());
    assertEquals(809, data.judgedQueries().size());
    RetrievalEvaluation.Result r;
    try (LuceneKeywordIndex index = LuceneKeywordIndex.builder().build()) {
      index.addAll(data.corpus());
      r = RetrievalEvaluation.evaluate(data.judgedQueries(), data.qrels(), q -> ids(index.search(q, 100)));
      System.out.printf(Locale.ROOT, "SciFact train, BM25 k1=%s b=%s: nDCG@10 %.4f  MRR@10 %.4f  Recall@100 %.4f%n",
          index.k1(), index.b(), r.ndcgAt10(), r.mrrAt10(), r.recallAt100());
      index.save(tmp.resolve("scifact"));
    }
    assertTrue(r.ndcgAt10() >= 0.69, "nDCG@10 " + r.ndcgAt10() + " < 0.69");
    assertTrue(r.mrrAt10() >= 0.65, "MRR@10 " + r.mrrAt10());
    assertTrue(r.recallAt100() >= 0.91, "Recall@100 " + r.recallAt100());
    try (LuceneKeywordIndex back = LuceneKeywordIndex.open(tmp.resolve("scifact"))) {
      assertEquals(r, RetrievalEvaluation.evaluate(data.judgedQueries(), data.qrels(), q -> ids(back.search(q, 100))),
          "the saved index ranks exactly like the one that wrote it");
    }
  }

  private static List<String> ids(List<Hit> hits) {
    return hits.stream().map(Hit::id).toList();
  }
}
