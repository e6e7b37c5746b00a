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
import dev.winnow.Encoder;
import dev.winnow.IngestProgress;
import dev.winnow.RetrievalMode;
import dev.winnow.RetrieveOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
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
  void rerankWeightBlendsFirstStageAndRerankerScores() {
    try (FlatVectorIndex index = new FlatVectorIndex(DIM, Similarity.COSINE);
        Retriever pure = Retriever.builder().encoders(DualEncoder.shared(new FakeEncoder(DIM))).index(index)
            .reranker(new LengthReranker()).candidates(20).build();
        Retriever none = Retriever.builder().encoders(DualEncoder.shared(new FakeEncoder(DIM))).index(index)
            .reranker(new LengthReranker()).candidates(20).rerankWeight(0).build();
        Retriever half = Retriever.builder().encoders(DualEncoder.shared(new FakeEncoder(DIM))).index(index)
            .reranker(new LengthReranker()).candidates(20).rerankWeight(0.5).build()) {
      pure.add(corpus(30));
      String q = "passage number 7 x";
      Retrieval p = pure.retrieve(q, 5);
      Retrieval n = none.retrieve(q, 5);
      Retrieval h = half.retrieve(q, 5);
      assertEquals(1.0, pure.rerankWeight());
      // weight 0 keeps the first-stage order of the candidates; the reranker still ran
      assertEquals(p.candidates().subList(0, 5).stream().map(ScoredDocument::id).toList(),
          n.results().stream().map(ScoredDocument::id).toList());
      assertTrue(n.results().get(0).rerankScore().isPresent());
      // 0.5: the scores are the blend of both stages, min-max normalised over the 20 candidates
      List<ScoredDocument> all = p.candidates();
      float[] first = new float[all.size()];
      float[] second = new float[all.size()];
      for (int i = 0; i < all.size(); i++) {
        first[i] = all.get(i).score();
        second[i] = all.get(i).document().text().length();
      }
      float[] blended = dev.winnow.RerankBlend.blend(first, second, 0.5);
      for (ScoredDocument d : h.results()) {
        int i = all.stream().map(ScoredDocument::id).toList().indexOf(d.id());
        assertEquals(blended[i], d.score(), 1e-6f, d.id());
      }
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

  /** Fails when it is asked to encode a text containing "poison". */
  static final class PoisonEncoder implements Encoder {
    final FakeEncoder inner = new FakeEncoder(DIM);

    @Override
    public int dimension() {
      return DIM;
    }

    @Override
    public Similarity similarity() {
      return Similarity.COSINE;
    }

    @Override
    public String modelId() {
      return inner.modelId();
    }

    @Override
    public float[][] encode(List<String> texts) {
      if (texts.stream().anyMatch(t -> t.contains("poison"))) {
        throw new EncodingException("poisoned batch", null);
      }
      return inner.encode(texts);
    }

    @Override
    public void close() {}
  }

  @Test
  void bulkAddStreamsChunksWithProgressAndRollsBackOnFailure() {
    try (FlatVectorIndex index = new FlatVectorIndex(DIM, Similarity.COSINE);
        Retriever r = Retriever.builder().encoders(DualEncoder.shared(new PoisonEncoder())).index(index)
            .chunkSize(7).build()) {
      List<IngestProgress> seen = new ArrayList<>();
      r.add(corpus(30), seen::add);
      assertEquals(30, r.size());
      assertEquals(5, seen.size(), "30 documents in chunks of 7 is 5 chunks: " + seen);
      assertEquals(List.of(7L, 14L, 21L, 28L, 30L), seen.stream().map(IngestProgress::done).toList());
      assertTrue(seen.stream().allMatch(p -> p.total() == 30));
      assertEquals(1.0, seen.get(4).fraction());
      assertEquals(0.0, seen.get(4).etaSeconds(), 1e-9);

      List<Document> more = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        more.add(new Document("m" + i, i == 17 ? "poison" : "more " + i));
      }
      List<IngestProgress> partial = new ArrayList<>();
      assertThrows(EncodingException.class, () -> r.add(more, partial::add));
      assertEquals(2, partial.size(), "two chunks were indexed before the third failed");
      assertEquals(30, r.size(), "the documents of the chunks before the failure are removed again");
      assertFalse(index.contains("m0"));
    }
  }

  @Test
  void hugeKAndDepthsAreBoundedBySize() {
    try (FlatVectorIndex index = new FlatVectorIndex(DIM, Similarity.COSINE);
        Retriever r = Retriever.builder().encoders(DualEncoder.shared(new FakeEncoder(DIM))).index(index)
            .reranker(new LengthReranker()).build()) {
      assertTrue(r.retrieve("empty index", Integer.MAX_VALUE).results().isEmpty());
      r.add(corpus(12));
      assertEquals(12, r.retrieve("q", Integer.MAX_VALUE).results().size());
      assertEquals(12, r.retrieve("q", Integer.MAX_VALUE - 1, RetrieveOptions.DEFAULTS.withoutRerank())
          .results().size());
      assertEquals(12, r.retrieve("q", 1 << 30, RetrieveOptions.DEFAULTS.withMmr(0.5)).results().size());
      assertThrows(IllegalArgumentException.class,
          () -> r.retrieve("q", 3, RetrieveOptions.DEFAULTS.withMode(RetrievalMode.HYBRID)),
          "hybrid without a keyword index");
      assertThrows(IllegalArgumentException.class, () -> RetrieveOptions.DEFAULTS.withDepth(-1));
      assertThrows(IllegalArgumentException.class, () -> r.retrieve("q", 3, (RetrieveOptions) null));
    }
  }

  @Test
  void mmrWithLambdaOneIsTheUndiversifiedOrderAndLowerLambdaDiversifies() {
    try (FlatVectorIndex index = new FlatVectorIndex(DIM, Similarity.COSINE);
        Retriever r = Retriever.builder().encoders(DualEncoder.shared(new FakeEncoder(DIM))).index(index).build()) {
      r.add(corpus(40));
      // near-duplicates of d0's vector: exact copies under other ids
      FakeEncoder e = new FakeEncoder(DIM);
      for (int i = 0; i < 5; i++) {
        index.add(new Document("dup" + i, "passage number 0 ", Map.of("parity", "even", "n", 0)),
            e.vector("passage number 0 "));
      }
      List<String> plain = r.retrieve("passage number 0 ", 10).results().stream().map(ScoredDocument::id).toList();
      List<String> one = r.retrieve("passage number 0 ", 10, RetrieveOptions.DEFAULTS.withMmr(1.0)).results()
          .stream().map(ScoredDocument::id).toList();
      assertEquals(plain, one);
      assertEquals(6, plain.stream().filter(id -> id.equals("d0") || id.startsWith("dup")).count());
      List<String> diverse = r.retrieve("passage number 0 ", 10, RetrieveOptions.DEFAULTS.withMmr(0.5)).results()
          .stream().map(ScoredDocument::id).toList();
      assertEquals(1, diverse.stream().filter(id -> id.equals("d0") || id.startsWith("dup")).count(),
          "MMR 0.5 keeps one of six identical vectors: " + diverse);
      assertEquals(10, diverse.size());
    }
  }

  @Test
  void stageScoresAreReported() {
    try (FlatVectorIndex index = new FlatVectorIndex(DIM, Similarity.COSINE);
        Retriever r = Retriever.builder().encoders(DualEncoder.shared(new FakeEncoder(DIM))).index(index)
            .reranker(new LengthReranker()).candidates(10).build()) {
      r.add(corpus(20));
      Retrieval got = r.retrieve("passage number 4 xxxx", 3);
      assertEquals(RetrievalMode.DENSE, got.mode());
      for (ScoredDocument s : got.results()) {
        assertEquals(s.firstStageScore(), s.denseScore().orElseThrow(), 1e-6);
        assertTrue(s.keywordScore().isEmpty());
        assertEquals(s.score(), s.rerankScore().orElseThrow(), 1e-6);
      }
      Retrieval plain = r.retrieve("passage number 4 xxxx", 3, RetrieveOptions.DEFAULTS.withoutRerank());
      assertFalse(plain.reranked());
      assertTrue(plain.results().get(0).rerankScore().isEmpty());
      assertEquals("d4", plain.results().get(0).id());
    }
  }

  @Test
  void savesAreGenerationsWithTheManifestAsCommitPoint(@TempDir Path tmp) throws Exception {
    DualEncoder encoders = DualEncoder.shared(new FakeEncoder(DIM));
    Path dir = tmp.resolve("gen");
    try (FlatVectorIndex index = new FlatVectorIndex(DIM, Similarity.COSINE);
        Retriever r = Retriever.builder().encoders(encoders).index(index).build()) {
      r.add(corpus(10));
      r.save(dir);
      assertEquals(List.of("index-1.winnow", Retriever.MANIFEST), names(dir));
      r.add(List.of(new Document("late", "a late document")));
      // a save killed after writing its index file but before its manifest: simulate with a stray generation
      Files.copy(dir.resolve("index-1.winnow"), dir.resolve("index-7.winnow"));
      Files.writeString(dir.resolve("retriever.properties.tmp-dead"), "junk");
      Files.writeString(dir.resolve("index-2.winnow.tmp-dead"), "junk");
      Files.writeString(dir.resolve("user-notes.txt"), "not ours");
      try (Retriever back = Retriever.open(dir, encoders, FlatVectorIndex::open, null, 100)) {
        assertEquals(10, back.size(), "the manifest's generation opens, not the stray one");
      }
      assertEquals(List.of("index-1.winnow", "index-7.winnow", Retriever.MANIFEST, "user-notes.txt"), names(dir),
          "open removes temp files and older generations but leaves a newer one (it may be a save in progress)");
      r.save(dir);
      assertEquals(List.of("index-8.winnow", Retriever.MANIFEST, "user-notes.txt"), names(dir));
      Properties m = new Properties();
      try (var in = Files.newBufferedReader(dir.resolve(Retriever.MANIFEST))) {
        m.load(in);
      }
      assertEquals("2", m.getProperty("version"));
      assertEquals("8", m.getProperty("generation"));
      assertEquals("11", m.getProperty("documents"));
    }
    try (Retriever back = Retriever.open(dir, encoders, FlatVectorIndex::open, null, 100)) {
      assertEquals(11, back.size());
    }
  }

  @Test
  void versionOneFoldersStillOpen(@TempDir Path tmp) throws Exception {
    DualEncoder encoders = DualEncoder.shared(new FakeEncoder(DIM));
    Path dir = tmp.resolve("v1");
    Files.createDirectories(dir);
    try (FlatVectorIndex index = new FlatVectorIndex(DIM, Similarity.COSINE)) {
      index.addAll(corpus(6), encoders.encodePassages(corpus(6).stream().map(Document::text).toList()));
      index.save(dir.resolve(Retriever.INDEX_FILE));
    }
    Files.writeString(dir.resolve(Retriever.MANIFEST), "version=1\ndimension=16\nsimilarity=COSINE\n"
        + "query.encoder=fake-16\npassage.encoder=fake-16\ndocuments=6\n");
    try (Retriever back = Retriever.open(dir, encoders, FlatVectorIndex::open, null, 100)) {
      assertEquals(6, back.size());
      assertEquals("d2", back.retrieve("passage number 2 xx", 1).results().get(0).id());
      back.save(dir);
    }
    assertEquals(List.of("index-1.winnow", Retriever.MANIFEST), names(dir), "saving over v1 moves to v2");
  }

  @Test
  void brokenFoldersAreIndexFormatExceptionsNamingTheFile(@TempDir Path tmp) throws Exception {
    DualEncoder encoders = DualEncoder.shared(new FakeEncoder(DIM));
    Path dir = tmp.resolve("broken");
    try (FlatVectorIndex index = new FlatVectorIndex(DIM, Similarity.COSINE);
        Retriever r = Retriever.builder().encoders(encoders).index(index).build()) {
      r.add(corpus(5));
      r.save(dir);
    }
    Path manifest = dir.resolve(Retriever.MANIFEST);
    byte[] good = Files.readAllBytes(manifest);
    Files.delete(dir.resolve("index-1.winnow"));
    IndexFormatException missing = assertThrows(IndexFormatException.class,
        () -> Retriever.open(dir, encoders, FlatVectorIndex::open, null, 100));
    assertTrue(missing.getMessage().contains("index-1.winnow") && missing.getMessage().contains(dir.toString()),
        missing.getMessage());
    Files.write(manifest, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, (byte) 0xc3, 0x28});
    IndexFormatException binary = assertThrows(IndexFormatException.class,
        () -> Retriever.open(dir, encoders, FlatVectorIndex::open, null, 100));
    assertTrue(binary.getMessage().contains(manifest.toString()), binary.getMessage());
    Files.writeString(manifest, new String(good, java.nio.charset.StandardCharsets.UTF_8)
        .replace("index.file=index-1.winnow", "index.file=../../etc/passwd"));
    assertThrows(IndexFormatException.class, () -> Retriever.open(dir, encoders, FlatVectorIndex::open, null, 100));
    Files.writeString(manifest, new String(good, java.nio.charset.StandardCharsets.UTF_8)
        .replace("index.file=index-1.winnow", "index.file=index-0.winnow"));
    IndexFormatException gen = assertThrows(IndexFormatException.class,
        () -> Retriever.open(dir, encoders, FlatVectorIndex::open, null, 100));
    assertTrue(gen.getMessage().contains("generation"), gen.getMessage());
  }

  static List<String> names(Path dir) throws java.io.IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
