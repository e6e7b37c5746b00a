package dev.winnow.keyword;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.Document;
import dev.winnow.DualEncoder;
import dev.winnow.Filter;
import dev.winnow.Fusion;
import dev.winnow.IndexFormatException;
import dev.winnow.Retrieval;
import dev.winnow.RetrievalMode;
import dev.winnow.RetrieveOptions;
import dev.winnow.Retriever;
import dev.winnow.ScoredDocument;
import dev.winnow.Similarity;
import dev.winnow.index.FlatVectorIndex;
import dev.winnow.index.HnswVectorIndex;
import dev.winnow.index.VectorIndexes;
import dev.winnow.testing.FakeEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Retriever with a real Lucene keyword index beside a real vector index (model-free encoder). */
class HybridRetrieverTest {
  static final int DIM = 16;

  static List<Document> corpus() {
    List<Document> docs = new ArrayList<>();
    String[] topics = {"volcano lava eruption", "penguin antarctic ice", "violin orchestra concerto",
        "glacier melting climate", "espresso coffee roasting"};
    for (int i = 0; i < 50; i++) {
      docs.add(new Document("d" + i, "document " + i + " about " + topics[i % topics.length] + " number" + i,
          Map.of("topic", i % topics.length, "even", i % 2 == 0)));
    }
    return docs;
  }

  static Retriever hybrid(FakeEncoder encoder, FlatVectorIndex index, LuceneKeywordIndex keyword) {
    return Retriever.builder().encoders(DualEncoder.shared(encoder)).index(index).keywordIndex(keyword).build();
  }

  @Test
  void hybridFusesBothSidesAndReportsEveryStageScore() {
    FakeEncoder encoder = new FakeEncoder(DIM);
    try (FlatVectorIndex index = new FlatVectorIndex(DIM, Similarity.COSINE);
        LuceneKeywordIndex keyword = LuceneKeywordIndex.builder().build();
        Retriever r = hybrid(encoder, index, keyword)) {
      r.add(corpus());
      assertEquals(RetrievalMode.HYBRID, r.mode());
      // the fake encoder gives d7's exact text its own vector: dense finds d7 first; the keyword side finds the
      // penguin documents (d1, d6, d11, ...), which share no vector similarity with the query
      String query = corpus().get(7).text();
      Retrieval dense = r.retrieve(query, 5, RetrieveOptions.DEFAULTS.withMode(RetrievalMode.DENSE));
      Retrieval kw = r.retrieve("penguins on the ice", 5, RetrieveOptions.DEFAULTS.withMode(RetrievalMode.KEYWORD));
      assertEquals("d7", dense.results().get(0).id());
      assertEquals(0, kw.timings().encodeNanos(), "keyword mode does not encode the query");
      assertTrue(kw.results().stream().allMatch(s -> ((Integer) s.document().metadata().get("topic")) == 1),
          "keyword hits are the penguin documents: " + kw.results());
      for (ScoredDocument s : kw.results()) {
        assertTrue(s.denseScore().isEmpty());
        assertEquals(s.firstStageScore(), s.keywordScore().orElseThrow(), 1e-6);
      }
      Retrieval h = r.retrieve(query, 10, RetrieveOptions.DEFAULTS.withFusion(Fusion.rrf()));
      assertEquals(RetrievalMode.HYBRID, h.mode());
      assertEquals("d7", h.results().get(0).id(), "top of both lists wins under RRF");
      ScoredDocument top = h.results().get(0);
      assertTrue(top.denseScore().isPresent() && top.keywordScore().isPresent());
      assertEquals(1.0 / 61 + 1.0 / 61, top.firstStageScore(), 1e-6);
      assertEquals(Retriever.DEFAULT_FUSION, r.fusion());
      assertEquals(1.0, r.retrieve(query, 10).results().get(0).firstStageScore(), 1e-6,
          "default linear fusion: best on both sides scores 0.7 + 0.3");
      assertTrue(h.timings().vectorSearchNanos() > 0 && h.timings().keywordSearchNanos() > 0);
      Set<String> denseIds = ids(r.retrieve(query, 100, RetrieveOptions.DEFAULTS.withMode(RetrievalMode.DENSE)));
      Set<String> kwIds = ids(r.retrieve(query, 100, RetrieveOptions.DEFAULTS.withMode(RetrievalMode.KEYWORD)));
      Set<String> union = new java.util.HashSet<>(denseIds);
      union.addAll(kwIds);
      assertEquals(union, h.candidates().stream().map(ScoredDocument::id).collect(Collectors.toSet()),
          "the fused candidates are the union of both sides");
      Retrieval linear = r.retrieve(query, 10, RetrieveOptions.DEFAULTS.withFusion(Fusion.linear(0.5)));
      assertEquals(h.candidates().size(), linear.candidates().size());
      assertEquals("d7", linear.results().get(0).id());
      assertEquals(1.0, linear.results().get(0).firstStageScore(), 1e-6, "best on both sides: 0.5 + 0.5");
    }
  }

  @Test
  void filtersApplyToBothSides() {
    try (FlatVectorIndex index = new FlatVectorIndex(DIM, Similarity.COSINE);
        LuceneKeywordIndex keyword = LuceneKeywordIndex.builder().build();
        Retriever r = hybrid(new FakeEncoder(DIM), index, keyword)) {
      r.add(corpus());
      Retrieval h = r.retrieve("volcano penguin violin", 50, Filter.eq("even", true));
      assertFalse(h.results().isEmpty());
      assertTrue(h.candidates().stream().allMatch(s -> Boolean.TRUE.equals(s.document().metadata().get("even"))));
      assertThrows(IllegalArgumentException.class, () -> r.retrieve("volcano", 5, Filter.eq("typo", 1)));
      // a query with no searchable term still gets dense results in hybrid mode, none in keyword mode
      assertEquals(5, r.retrieve("the of and", 5).results().size());
      assertTrue(r.retrieve("the of and", 5, RetrieveOptions.DEFAULTS.withMode(RetrievalMode.KEYWORD)).results()
          .isEmpty());
    }
  }

  @Test
  void writesKeepBothIndexesInStep() {
    try (FlatVectorIndex index = new FlatVectorIndex(DIM, Similarity.COSINE);
        LuceneKeywordIndex keyword = LuceneKeywordIndex.builder().build();
        Retriever r = hybrid(new FakeEncoder(DIM), index, keyword)) {
      r.add(corpus());
      assertEquals(50, keyword.size());
      assertTrue(r.upsert(new Document("d3", "now about submarines")));
      assertEquals("now about submarines", keyword.get("d3").orElseThrow().text());
      assertEquals("d3", r.retrieve("submarines", 1, RetrieveOptions.DEFAULTS.withMode(RetrievalMode.KEYWORD))
          .results().get(0).id());
      assertTrue(r.delete("d4"));
      assertFalse(keyword.contains("d4"));
      assertFalse(index.contains("d4"));
      assertEquals(49, keyword.size());
      assertThrows(IllegalArgumentException.class, () -> r.add(List.of(new Document("d5", "again"))));
      assertEquals(49, keyword.size());
    }
    try (FlatVectorIndex index = new FlatVectorIndex(DIM, Similarity.COSINE);
        LuceneKeywordIndex keyword = LuceneKeywordIndex.builder().build()) {
      keyword.add(new Document("only-keyword", "x"));
      assertThrows(IllegalArgumentException.class, () -> hybrid(new FakeEncoder(DIM), index, keyword),
          "indexes that start with different documents are refused");
    }
  }

  @Test
  void saveAndOpenKeepBothAndRefuseDisagreement(@TempDir Path tmp) throws Exception {
    FakeEncoder encoder = new FakeEncoder(DIM);
    Path dir = tmp.resolve("hybrid");
    List<String> expected;
    try (HnswVectorIndex index = HnswVectorIndex.builder(DIM, Similarity.COSINE).build();
        LuceneKeywordIndex keyword = LuceneKeywordIndex.builder().build();
        Retriever r = Retriever.builder().encoders(DualEncoder.shared(encoder)).index(index).keywordIndex(keyword)
            .fusion(Fusion.linear(0.3)).build()) {
      r.add(corpus());
      expected = r.retrieve("glacier climate", 10).results().stream().map(ScoredDocument::id).toList();
      r.save(dir);
      r.save(dir);
    }
    assertEquals(List.of("index-2.winnow", "keyword-2", Retriever.MANIFEST), names(dir));
    try (Retriever back = Retriever.opener(dir).encoders(DualEncoder.shared(encoder))
        .vectorIndex(VectorIndexes::open).keywordIndex(LuceneKeywordIndex::open).open()) {
      assertEquals(RetrievalMode.HYBRID, back.mode());
      assertEquals(Fusion.linear(0.3), back.fusion(), "the saved default fusion comes back");
      assertEquals(expected, back.retrieve("glacier climate", 10).results().stream().map(ScoredDocument::id)
          .toList());
    }
    IllegalArgumentException noOpener = assertThrows(IllegalArgumentException.class,
        () -> Retriever.open(dir, DualEncoder.shared(encoder), VectorIndexes::open, null, 100));
    assertTrue(noOpener.getMessage().contains("keyword"), noOpener.getMessage());

    // a keyword index that lost documents (here: replaced by a smaller one) is refused, naming both counts
    try (LuceneKeywordIndex smaller = LuceneKeywordIndex.builder().build()) {
      smaller.addAll(corpus().subList(0, 40));
      deleteRecursively(dir.resolve("keyword-2"));
      smaller.save(dir.resolve("keyword-2"));
    }
    IndexFormatException e = assertThrows(IndexFormatException.class, () -> Retriever.opener(dir)
        .encoders(DualEncoder.shared(encoder)).vectorIndex(VectorIndexes::open)
        .keywordIndex(LuceneKeywordIndex::open).open());
    assertTrue(e.getMessage().contains("50") && e.getMessage().contains("40"), e.getMessage());
    Properties m = new Properties();
    try (var in = Files.newBufferedReader(dir.resolve(Retriever.MANIFEST))) {
      m.load(in);
    }
    assertEquals("50", m.getProperty("keyword.documents"));
  }

  static Set<String> ids(Retrieval r) {
    return r.results().stream().map(ScoredDocument::id).collect(Collectors.toSet());
  }

  static List<String> names(Path dir) throws java.io.IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  static void deleteRecursively(Path p) throws java.io.IOException {
    try (var walk = Files.walk(p)) {
      for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
