package dev.winnow.keyword;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.winnow.Document;
import dev.winnow.Filter;
import dev.winnow.Hit;
import dev.winnow.IndexFormatException;
import dev.winnow.KeywordIndex;
import dev.winnow.testing.KeywordIndexContract;
import dev.winnow.testing.Seeds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.core.KeywordAnalyzer;
import org.apache.lucene.analysis.core.WhitespaceAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;

class LuceneKeywordIndexTest extends KeywordIndexContract {

  @Override
  protected KeywordIndex create() {
    return LuceneKeywordIndex.builder().build();
  }

  @Override
  protected KeywordIndex open(Path dir) throws IOException {
    return LuceneKeywordIndex.open(dir);
  }

  private static List<Document> corpus() {
    return List.of(
        new Document("everest", "Mount Everest is Earth's highest mountain above sea level.", Map.of("year", 1953)),
        new Document("k2", "K2 is the second-highest mountain on Earth, after Mount Everest.", Map.of("year", 1954)),
        new Document("nile", "The Nile is a major north-flowing river in northeastern Africa.", Map.of("year", 1)),
        new Document("amazon", "The Amazon River in South America is the largest river by discharge volume.",
            Map.of("year", 2)),
        new Document("running", "Running and runners: the runner runs.", Map.of("year", 3)));
  }

  // ---------------------------------------------------------------- builder and settings

  @Test
  void builderValidatesAtOnce() {
    assertMessage(() -> LuceneKeywordIndex.builder().k1(-0.1f), "k1 must be finite and >= 0", "-0.1");
    assertMessage(() -> LuceneKeywordIndex.builder().k1(Float.NaN), "k1", "NaN");
    assertMessage(() -> LuceneKeywordIndex.builder().k1(Float.POSITIVE_INFINITY), "k1", "Infinity");
    assertMessage(() -> LuceneKeywordIndex.builder().b(1.01f), "b must be in [0, 1]", "1.01");
    assertMessage(() -> LuceneKeywordIndex.builder().b(Float.NaN), "b must be in [0, 1]");
    assertMessage(() -> LuceneKeywordIndex.builder().analyzer(null), "analyzer is null");
    assertThrows(IllegalStateException.class, () -> LuceneKeywordIndex.builder().k1(1).k1(2));
    assertThrows(IllegalStateException.class, () -> LuceneKeywordIndex.builder().b(0.5f).b(0.5f));
    try (Analyzer a = new WhitespaceAnalyzer()) {
      assertThrows(IllegalStateException.class, () -> LuceneKeywordIndex.builder().analyzer(a).analyzer(a));
    }
    LuceneKeywordIndex.Builder b = LuceneKeywordIndex.builder();
    b.build().close();
    assertThrows(IllegalStateException.class, b::build, "builders are single-use");
    assertThrows(IllegalStateException.class, () -> b.open(tmp));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LuceneKeywordIndex.builder().open(null));
    assertEquals("dir is null", e.getMessage());
    try (LuceneKeywordIndex index = LuceneKeywordIndex.builder().k1(0).b(0).build()) {
      assertEquals(0f, index.k1());
      assertEquals(0f, index.b());
      assertEquals("english", index.analyzerName());
    }
    try (LuceneKeywordIndex index = LuceneKeywordIndex.builder().build()) {
      assertEquals(LuceneKeywordIndex.DEFAULT_K1, index.k1());
      assertEquals(LuceneKeywordIndex.DEFAULT_B, index.b());
    }
  }

  private static void assertMessage(Runnable call, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "'");
    }
  }

  @Test
  void englishAnalyzerStemsAndDropsStopWordsAndPossessives() {
    try (LuceneKeywordIndex index = LuceneKeywordIndex.builder().build()) {
      index.addAll(corpus());
      assertEquals("running", index.search("run", 5).get(0).id(), "Porter stemming: run/runs/running/runner?");
      assertEquals(List.of("everest", "k2"), ids(index.search("EARTH", 5)).stream().sorted().toList(),
          "lower case and possessive: Earth's → earth");
      assertTrue(ids(index.search("rivers", 5)).containsAll(List.of("nile", "amazon")));
      assertTrue(index.search("the is a on", 5).isEmpty());
    }
  }

  @Test
  void settingsAreSavedAndRestored() throws IOException {
    Path dir = tmp.resolve("settings");
    List<Hit> tuned;
    try (LuceneKeywordIndex index = LuceneKeywordIndex.builder().k1(0.3f).b(1f).build();
         LuceneKeywordIndex defaults = LuceneKeywordIndex.builder().build()) {
      index.addAll(corpus());
      defaults.addAll(corpus());
      tuned = index.search("river mountain everest", 5);
      assertNotEquals(defaults.search("river mountain everest", 5), tuned, "k1/b must change scores");
      index.save(dir);
    }
    try (LuceneKeywordIndex back = LuceneKeywordIndex.open(dir)) {
      assertEquals(0.3f, back.k1());
      assertEquals(1f, back.b());
      assertEquals(tuned, back.search("river mountain everest", 5));
    }
    try (LuceneKeywordIndex back = LuceneKeywordIndex.builder().k1(1.2f).open(dir)) {
      assertEquals(1.2f, back.k1(), "k1 is a search-time setting: opening may override it");
      assertEquals(1f, back.b());
      assertNotEquals(tuned, back.search("river mountain everest", 5));
      back.save(dir);
    }
    try (LuceneKeywordIndex back = LuceneKeywordIndex.open(dir)) {
      assertEquals(1.2f, back.k1(), "the override is saved");
    }
  }

  @Test
  void aCallersAnalyzerMustBeGivenAgainAndIsNotClosed() throws IOException {
    Path dir = tmp.resolve("whitespace");
    try (Analyzer whitespace = new WhitespaceAnalyzer()) {
      try (LuceneKeywordIndex index = LuceneKeywordIndex.builder().analyzer(whitespace).build()) {
        index.addAll(corpus());
        assertEquals(WhitespaceAnalyzer.class.getName(), index.analyzerName());
        assertTrue(index.search("running", 5).isEmpty(), "no lower-casing, no stemming");
        assertEquals(List.of("running"), ids(index.search("Running", 5)));
        index.save(dir);
      }
      // the index did not close the caller's analyzer
      whitespace.tokenStream("f", "still usable").close();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LuceneKeywordIndex.open(dir));
      assertTrue(e.getMessage().contains(WhitespaceAnalyzer.class.getName()) && e.getMessage().contains("analyzer("),
          e.getMessage());
      try (Analyzer standard = new StandardAnalyzer()) {
        e = assertThrows(IllegalArgumentException.class,
            () -> LuceneKeywordIndex.builder().analyzer(standard).open(dir));
        assertTrue(e.getMessage().contains(StandardAnalyzer.class.getName()), e.getMessage());
      }
      try (LuceneKeywordIndex back = LuceneKeywordIndex.builder().analyzer(whitespace).open(dir)) {
        assertEquals(List.of("running"), ids(back.search("Running", 5)));
      }
    }
    Path english = tmp.resolve("english");
    try (LuceneKeywordIndex index = LuceneKeywordIndex.builder().build()) {
      index.save(english);
    }
    try (Analyzer standard = new StandardAnalyzer(); Analyzer en = new EnglishAnalyzer()) {
      assertThrows(IllegalArgumentException.class, () -> LuceneKeywordIndex.builder().analyzer(standard).open(english));
      LuceneKeywordIndex.builder().analyzer(en).open(english).close();
    }
  }

  // ---------------------------------------------------------------- limits and Lucene's own errors

  @Test
  void termLimitsAreCheckedWithClearMessages() {
    try (LuceneKeywordIndex index = LuceneKeywordIndex.builder().build()) {
      String longest = "i".repeat(LuceneKeywordIndex.MAX_TERM_CHARS);
      index.add(new Document(longest, "ok", Map.of("s", longest)));
      assertTrue(index.contains(longest));
      assertEquals(List.of(longest), ids(index.search("ok", 3, Filter.eq("s", longest))));
      assertMessage(() -> index.add(new Document(longest + "i", "too long")), "id is 16384 chars", "at most 16383");
      assertMessage(() -> index.addAll(List.of(new Document("fine", "x"), new Document("meta", "x",
          Map.of("s", longest + "i")))), "documents[1]", "metadata 's'", "16384 chars");
      assertEquals(1, index.size());
    }
  }

  @Test
  void luceneIndexingErrorsLeaveTheIndexUnchanged() {
    try (Analyzer keyword = new KeywordAnalyzer();
         LuceneKeywordIndex index = LuceneKeywordIndex.builder().analyzer(keyword).build()) {
      index.add(new Document("small", "fine"));
      String immense = "y".repeat(40_000);   // one 40,000-byte term: over Lucene's limit
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> index.add(new Document("big", immense)));
      assertTrue(e.getMessage().contains("'big'") && e.getMessage().contains("cannot be indexed"), e.getMessage());
      assertThrows(IllegalArgumentException.class,
          () -> index.addAll(List.of(new Document("a", "a"), new Document("b", immense))));
      assertThrows(IllegalArgumentException.class, () -> index.upsert(new Document("small", immense)));
      assertEquals(1, index.size());
      assertFalse(index.contains("a") || index.contains("big"));
      assertTrue(index.search("a", 5).isEmpty(), "a failed block adds nothing");
      assertEquals(List.of("small"), ids(index.search("fine", 5)), "a failed upsert keeps the old document");
    }
  }

  @Test
  void theGlobalClauseLimitIsNeverChangedOrHit() {
    int before = IndexSearcher.getMaxClauseCount();
    try (LuceneKeywordIndex index = LuceneKeywordIndex.builder().build()) {
      List<Document> docs = new ArrayList<>();
      StringBuilder q = new StringBuilder();
      for (int i = 0; i < 3000; i++) {
        docs.add(new Document("d" + i, "term" + i + " shared", Map.of("i", i)));
        q.append("term").append(i).append(' ');
      }
      index.addAll(docs);
      Filter many = Filter.or(Stream.iterate(0, i -> i + 2).limit(1200).map(i -> Filter.eq("i", i)).toArray(Filter[]::new));
      List<Hit> hits = index.search(q.toString(), Integer.MAX_VALUE, many);
      // all 3000 terms have document frequency 1: the first 1023 are kept (term0..term1022), the filter keeps the
      // even ones among them
      assertEquals(1024, IndexSearcher.getMaxClauseCount());
      assertEquals(512, hits.size());
      assertTrue(hits.stream().allMatch(h -> Integer.parseInt(h.id().substring(1)) % 2 == 0));
    }
    assertEquals(before, IndexSearcher.getMaxClauseCount());
  }

  // ---------------------------------------------------------------- the saved folder

  @Test
  void aSavedFolderHoldsOneCommitAndNoLeftovers() throws IOException {
    Path dir = tmp.resolve("one-commit");
    try (LuceneKeywordIndex index = LuceneKeywordIndex.builder().build()) {
      index.addAll(corpus());
      index.save(dir);
      index.delete("nile");
      index.add(new Document("rhine", "The Rhine river"));
      // leftovers of an interrupted save: files Lucene writes before its commit point
      Files.writeString(dir.resolve("_zz.cfs"), "partial");
      Files.writeString(dir.resolve("pending_segments_99"), "partial");
      try (LuceneKeywordIndex back = LuceneKeywordIndex.open(dir)) {
        assertTrue(back.contains("nile"), "the last commit is read, leftovers ignored");
      }
      Files.writeString(dir.resolve("notes.txt"), "a user's file");
      index.save(dir);
    }
    List<String> names;
    try (Stream<Path> s = Files.list(dir)) {
      names = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertEquals(1, names.stream().filter(n -> n.startsWith("segments_")).count(), names.toString());
    assertFalse(names.contains("_zz.cfs") || names.contains("pending_segments_99"), names.toString());
    assertTrue(names.contains("notes.txt"), "files that are not Lucene's stay");
    try (LuceneKeywordIndex back = LuceneKeywordIndex.open(dir)) {
      assertFalse(back.contains("nile"));
      assertTrue(back.contains("rhine"));
    }
  }

  @Test
  void openRefusesWhatIsNotASavedKeywordIndex() throws IOException {
    assertThrows(NoSuchFileException.class, () -> LuceneKeywordIndex.open(tmp.resolve("absent")));
    Path file = Files.writeString(tmp.resolve("file"), "x");
    assertThrows(NoSuchFileException.class, () -> LuceneKeywordIndex.open(file));
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertFormatError(empty, "no Lucene commit");
    Path plain = tmp.resolve("plain-lucene");
    try (FSDirectory d = FSDirectory.open(plain); IndexWriter w = new IndexWriter(d, new IndexWriterConfig())) {
      org.apache.lucene.document.Document doc = new org.apache.lucene.document.Document();
      doc.add(new StringField("x", "y", StringField.Store.YES));
      w.addDocument(doc);
      w.commit();
    }
    assertFormatError(plain, "not a Winnow keyword index");
  }

  private static void assertFormatError(Path dir, String part) {
    IndexFormatException e = assertThrows(IndexFormatException.class, () -> LuceneKeywordIndex.open(dir));
    assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains(part), e.getMessage());
  }

  @Test
  void damagedFilesRaiseIndexFormatExceptionOnly() throws IOException {
    long seed = Seeds.seed("keyword-damaged");
    Random r = new Random(seed);
    Path good = tmp.resolve("good");
    try (LuceneKeywordIndex index = LuceneKeywordIndex.builder().build()) {
      index.addAll(corpus());
      index.save(good);
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(good)) {
      files = s.filter(p -> !p.getFileName().toString().equals("write.lock")).sorted().toList();
    }
    assertFalse(files.isEmpty());
    Path bad = tmp.resolve("bad");
    for (int t = 0; t < 60; t++) {
      copy(good, bad);
      Path victim = bad.resolve(files.get(t % files.size()).getFileName());
      byte[] b = Files.readAllBytes(victim);
      String what;
      if (t % 3 == 0) {
        int len = r.nextInt(b.length);
        Files.write(victim, java.util.Arrays.copyOf(b, len));
        what = victim.getFileName() + " truncated to " + len;
      } else if (t % 7 == 1) {
        Files.delete(victim);
        what = victim.getFileName() + " deleted";
      } else {
        int at = r.nextInt(b.length);
        b[at] ^= (byte) (1 << r.nextInt(8));
        Files.write(victim, b);
        what = victim.getFileName() + " flipped at " + at;
      }
      try {
        LuceneKeywordIndex.open(bad).close();
        fail(what + ": opened a damaged index; seed " + seed);
      } catch (IndexFormatException expected) {
        assertTrue(expected.getMessage().contains(bad.toString()), expected.getMessage());
      } catch (Throwable other) {
        throw new AssertionError(what + ": expected IndexFormatException, got " + other + "; seed " + seed, other);
      }
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    if (Files.exists(to)) {
      try (Stream<Path> s = Files.list(to)) {
        for (Path p : s.toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(to);
    try (Stream<Path> s = Files.list(from)) {
      for (Path p : s.toList()) {
        Files.copy(p, to.resolve(p.getFileName()));
      }
    }
  }

  @Test
  void openNeitherLocksNorChangesTheFolder() throws IOException {
    Path dir = tmp.resolve("shared");
    try (LuceneKeywordIndex index = LuceneKeywordIndex.builder().build()) {
      index.addAll(corpus());
      index.save(dir);
    }
    try (LuceneKeywordIndex a = LuceneKeywordIndex.open(dir); LuceneKeywordIndex b = LuceneKeywordIndex.open(dir)) {
      a.delete("nile");
      b.add(new Document("x", "x"));
      assertEquals(4, a.size());
      assertEquals(6, b.size());
      a.save(tmp.resolve("elsewhere"));
    }
    try (LuceneKeywordIndex back = LuceneKeywordIndex.open(dir)) {
      assertEquals(5, back.size());
    }
  }
}
