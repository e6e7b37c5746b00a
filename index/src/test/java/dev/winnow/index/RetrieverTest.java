package dev.winnow.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.Document;
import dev.winnow.DualEncoder;
import dev.winnow.EncodingException;
import dev.winnow.Filter;
import dev.winnow.IndexFormatException;
import dev.winnow.Reranker;
import dev.winnow.Retrieval;
import dev.winnow.Retriever;
import dev.winnow.ScoredDocument;
import dev.winnow.Similarity;
import dev.winnow.testing.FakeEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two-stage Retriever over a real index with a model-free encoder and reranker. */
class RetrieverTest {
  static final int DIM = 16;

  /** Scores a passage by its length: deterministic and unrelated to the vectors. */
  static final class LengthReranker implements Reranker {
    boolean fail;
    int calls;

    @Override
    public float[] score(String query, List<String> passages) {
      calls++;
      if (fail) {
        throw new EncodingException("the batch of inputs [0, 1] failed: boom", null);
      }
      float[] s = new float[passages.size()];
      for (int i = 0; i < s.length; i++) {
        s[i] = passages.get(i).length();
      }
      return s;
    }

    @Override
    public String modelId() {
      return "length";
    }

    @Override
    public void close() {}
  }

  static List<Document> corpus(int n) {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      docs.add(new Document("d" + i, "passage number " + i + " " + "x".repeat(i % 7),
          Map.of("parity", i % 2 == 0 ? "even" : "odd", "n", i)));
    }
    return docs;
  }

  @Test
  void oneStageFindsTheIdenticalText() {
    FakeEncoder encoder = new FakeEncoder(DIM);
    try (FlatVectorIndex index = new FlatVectorIndex(DIM, Similarity.COSINE);
        Retriever r = Retriever.builder().encoders(DualEncoder.shared(encoder)).index(index).build()) {
      r.add(corpus(30));
      assertEquals(30, r.size());
      Retrieval got = r.retrieve("passage number 8 x", 5); // d8's exact text: the fake encoder's identical vector
      assertEquals("d8", got.results().get(0).id());
      assertEquals(5, got.results().size());
      assertFalse(got.reranked());
      assertEquals(got.results(), got.candidates());
      for (ScoredDocument s : got.results()) {
        assertEquals(s.score(), s.firstStageScore());
      }
      assertTrue(got.timings().encodeNanos() > 0 && got.timings().searchNanos() > 0);
      assertEquals(0, got.timings().rerankNanos());
      assertEquals(30, r.retrieve("anything", 1000).results().size(), "k > corpus size gives all documents");
    }
  }

  @Test
  void twoStagesRerankTheCandidatesAndKeepBothScores() {
    LengthReranker reranker = new LengthReranker();
    try (FlatVectorIndex index = new FlatVectorIndex(DIM, Similarity.COSINE);
        Retriever r = Retriever.builder().encoders(DualEncoder.shared(new FakeEncoder(DIM))).index(index)
            .reranker(reranker).candidates(20).build()) {
      r.add(corpus(30));
      Retrieval got = r.retrieve("passage number 7 x", 3);
      assertTrue(got.reranked());
      assertEquals(20, got.candidates().size());
      assertEquals(3, got.results().size());
      // the reranker prefers the longest passages among the 20 candidates
      int longest = got.candidates().stream().mapToInt(c -> c.document().text().length()).max().orElseThrow();
      assertEquals(longest, (int) got.results().get(0).score());
      ScoredDocument top = got.results().get(0);
      float firstStage = got.candidates().stream().filter(c -> c.id().equals(top.id())).findFirst().orElseThrow()
          .score();
      assertEquals(firstStage, top.firstStageScore());
      assertTrue(got.timings().rerankNanos() > 0);
    }
  }

  @Test
  void badInputAndFilters() {
    LengthReranker reranker = new LengthReranker();
    try (FlatVectorIndex index = new FlatVectorIndex(DIM, Similarity.COSINE);
        Retriever r = Retriever.builder().encoders(DualEncoder.shared(new FakeEncoder(DIM))).index(index)
            .reranker(reranker).build()) {
      r.add(corpus(10));
      assertThrows(IllegalArgumentException.class, () -> r.retrieve("  ", 3));
      assertThrows(IllegalArgumentException.class, () -> r.retrieve(null, 3));
      assertThrows(IllegalArgumentException.class, () -> r.retrieve("q", 0));
      Retrieval even = r.retrieve("q", 10, Filter.eq("parity", "even"));
      assertEquals(5, even.results().size());
      assertTrue(even.results().stream().allMatch(s -> "even".equals(s.document().metadata().get("parity"))));
      Retrieval none = r.retrieve("q", 10, Filter.eq("parity", "no-such-value"));
      assertTrue(none.results().isEmpty() && none.candidates().isEmpty(), "a filter nothing passes gives nothing");
      assertThrows(IllegalArgumentException.class, () -> r.retrieve("q", 3, Filter.eq("typo", "x")));

      int calls = reranker.calls;
      reranker.fail = true;
      EncodingException e = assertThrows(EncodingException.class, () -> r.retrieve("q", 3));
      assertTrue(e.getMessage().contains("[0, 1]"), "the failing batch is named: " + e.getMessage());
      assertEquals(calls + 1, reranker.calls);
      assertEquals(10, r.size(), "a failed retrieval changes nothing");
    }
  }

  @Test
  void addIsAllOrNothing() {
    FakeEncoder encoder = new FakeEncoder(DIM);
    try (FlatVectorIndex index = new FlatVectorIndex(DIM, Similarity.COSINE);
        Retriever r = Retriever.builder().encoders(DualEncoder.shared(encoder)).index(index).build()) {
      r.add(corpus(3));
      List<Document> batch = List.of(new Document("new1", "a"), new Document("d1", "duplicate of an indexed id"));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.add(batch));
      assertTrue(e.getMessage().contains("documents[1]") && e.getMessage().contains("d1"), e.getMessage());
      assertEquals(3, r.size());
      assertFalse(index.contains("new1"));
      assertThrows(IllegalArgumentException.class,
          () -> r.add(List.of(new Document("x", "a"), new Document("x", "b"))));
      assertTrue(r.upsert(new Document("d1", "replaced")));
      assertEquals("replaced", index.get("d1").orElseThrow().text());
      assertTrue(r.delete("d1"));
      assertEquals(2, r.size());
    }
  }

  @Test
  void mismatchedPartsAreRefused() {
    try (FlatVectorIndex index = new FlatVectorIndex(DIM, Similarity.COSINE)) {
      assertThrows(IllegalArgumentException.class,
          () -> Retriever.builder().encoders(DualEncoder.shared(new FakeEncoder(DIM * 2))).index(index).build());
      assertThrows(IllegalStateException.class, () -> Retriever.builder().index(index).build());
      assertThrows(IllegalArgumentException.class, () -> Retriever.builder().candidates(0));
    }
    try (FlatVectorIndex dot = new FlatVectorIndex(DIM, Similarity.DOT_PRODUCT)) {
      assertThrows(IllegalArgumentException.class,
          () -> Retriever.builder().encoders(DualEncoder.shared(new FakeEncoder(DIM))).index(dot).build());
    }
  }

  @Test
  void saveAndOpenRoundTripAndRefuseOtherEncoders(@TempDir Path tmp) throws Exception {
    FakeEncoder encoder = new FakeEncoder(DIM);
    DualEncoder encoders = DualEncoder.shared(encoder);
    Path dir = tmp.resolve("saved");
    List<String> expected;
    try (FlatVectorIndex index = new FlatVectorIndex(DIM, Similarity.COSINE);
        Retriever r = Retriever.builder().encoders(encoders).index(index).build()) {
      r.add(corpus(25));
      expected = r.retrieve("passage number 3", 10).results().stream().map(ScoredDocument::id).toList();
      r.save(dir);
    }
    assertTrue(Files.isRegularFile(dir.resolve(Retriever.MANIFEST)));
    try (Retriever back = Retriever.open(dir, encoders, FlatVectorIndex::open, null, 100)) {
      assertEquals(25, back.size());
      assertEquals(expected, back.retrieve("passage number 3", 10).results().stream().map(ScoredDocument::id)
          .toList());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Retriever.open(dir, DualEncoder.withPrefixes(encoder, "query: ", "passage: "), FlatVectorIndex::open,
            null, 100));
    assertTrue(e.getMessage().contains("query.encoder") && e.getMessage().contains("fake-16"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Retriever.open(dir, DualEncoder.shared(new FakeEncoder(8)), FlatVectorIndex::open, null, 100));
    assertThrows(IndexFormatException.class,
        () -> Retriever.open(tmp, encoders, FlatVectorIndex::open, null, 100));
  }
}
