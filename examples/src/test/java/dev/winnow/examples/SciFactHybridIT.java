package dev.winnow.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.Retrieval;
import dev.winnow.RetrievalMode;
import dev.winnow.RetrieveOptions;
import dev.winnow.Retriever;
import dev.winnow.ScoredDocument;
import dev.winnow.encoders.BundledModel;
import dev.winnow.encoders.DjlEncoder;
import dev.winnow.eval.BeirDataset;
import dev.winnow.eval.RetrievalEvaluation;
import dev.winnow.index.FlatVectorIndex;
import dev.winnow.index.VectorIndexes;
import dev.winnow.keyword.LuceneKeywordIndex;
import dev.winnow.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Hybrid retrieval on BEIR SciFact's 809 train claims over its 5,183 abstracts with all-MiniLM-L6-v2 and Lucene
 * BM25, depth 100 per side. Floors sit below the figures measured here (docs/evaluation.md: BM25 0.697, dense
 * 0.660, default hybrid (linear 0.7) 0.710, linear 0.4 0.733): BM25 >= 0.69, the default hybrid >= 0.70 and
 * never more than 0.01 below the better side, the keyword-heavier linear 0.4 >= 0.72.
 * The encoded retriever is cached in {@code cache/scifact-minilm} (first run: a few minutes of encoding).
 * Skips without {@code ../shared}.
 */
class SciFactHybridIT {

  @Test
  void hybridBeatsBothSidesOnSciFactTrain() throws Exception {
    Path dir = Shared.require("data/scifact");
    BeirDataset data = BeirDataset.load(dir.resolve("corpus.jsonl"), dir.resolve("queries.jsonl"),
        dir.resolve("qrels/train.tsv"), false);
    Path root = Paths.get(System.getProperty("winnow.root", ".")).toAbsolutePath();
    Path cached = root.resolve("cache/scifact-minilm");
    try (DjlEncoder encoder = BundledModel.ALL_MINILM_L6_V2.open()) {
      Retriever retriever = null;
      if (Files.isRegularFile(cached.resolve(Retriever.MANIFEST))) {
        try {
          retriever = Retriever.opener(cached).encoders(encoder.asDualEncoder()).vectorIndex(VectorIndexes::open)
              .keywordIndex(LuceneKeywordIndex::open).open();
          if (retriever.size() != data.corpus().size() || retriever.keywordIndex().isEmpty()) {
            retriever.close();
            retriever = null;
          }
        } catch (RuntimeException | java.io.IOException e) {
          retriever = null; // stale cache (other model id or format): rebuild
        }
      }
      FlatVectorIndex index = null;
      LuceneKeywordIndex keyword = null;
      if (retriever == null) {
        index = new FlatVectorIndex(encoder.dimension(), encoder.similarity());
        keyword = LuceneKeywordIndex.builder().build();
        retriever = Retriever.builder().encoders(encoder.asDualEncoder()).index(index).keywordIndex(keyword).build();
        retriever.add(data.corpus());
        retriever.save(cached);
      }
      try {
        double bm25 = ndcg(retriever, data, RetrieveOptions.DEFAULTS.withMode(RetrievalMode.KEYWORD));
        double dense = ndcg(retriever, data, RetrieveOptions.DEFAULTS.withMode(RetrievalMode.DENSE));
        double hybrid = ndcg(retriever, data, RetrieveOptions.DEFAULTS.withMode(RetrievalMode.HYBRID)
            .withFusion(Retriever.DEFAULT_FUSION));
        double keywordHeavy = ndcg(retriever, data, RetrieveOptions.DEFAULTS.withMode(RetrievalMode.HYBRID)
            .withFusion(dev.winnow.Fusion.linear(0.4)));
        System.out.printf(Locale.ROOT, "[scifact train] nDCG@10 bm25 %.4f dense %.4f hybrid %.4f linear:0.4 %.4f%n",
            bm25, dense, hybrid, keywordHeavy);
        assertTrue(bm25 >= 0.69, "BM25 nDCG@10 " + bm25);
        assertTrue(hybrid >= 0.70, "hybrid nDCG@10 " + hybrid);
        assertTrue(keywordHeavy >= 0.72, "hybrid linear:0.4 nDCG@10 " + keywordHeavy);
        assertTrue(hybrid >= Math.max(bm25, dense) - 0.01, "hybrid " + hybrid + " vs bm25 " + bm25 + ", dense " + dense);
      } finally {
        retriever.close();
        if (index != null) {
          index.close();
          keyword.close();
        }
      }
    }
  }

  static double ndcg(Retriever r, BeirDataset data, RetrieveOptions options) {
    return RetrievalEvaluation.evaluate(data.judgedQueries(), data.qrels(), q -> {
      Retrieval got = r.retrieve(q, 100, options);
      return got.results().stream().map(ScoredDocument::id).toList();
    }).ndcgAt10();
  }
}
