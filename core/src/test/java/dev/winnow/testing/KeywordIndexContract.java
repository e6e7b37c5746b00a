package dev.winnow.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.Document;
import dev.winnow.Filter;
import dev.winnow.Hit;
import dev.winnow.KeywordIndex;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link KeywordIndex} promises. Implementations extend this class and supply a factory (the
 * implementation's default analyzer, which must drop English stop words such as "the" and "of", lower-case, and
 * split on punctuation) and a reader for what {@code save} wrote. Randomized cases print their seed
 * ({@link Seeds}). Filters are checked against {@link Filter#test} with the shared {@link FilterCases}.
 */
public abstract class KeywordIndexContract {

  @TempDir protected Path tmp;

  /** A new empty index with the implementation's defaults. */
  protected abstract KeywordIndex create();

  /** Reads what {@link KeywordIndex#save} wrote into {@code dir}. */
  protected abstract KeywordIndex open(Path dir) throws IOException;

  /** A query that the default analyzer reduces to no term. */
  protected String stopWordsOnly() {
    return "The of and a to in";
  }

  // ---------------------------------------------------------------- fixtures

  /** Words of the random corpus; word {@code i} has weight 1/(i+1) (Zipf), so low indexes are common. */
  protected static final String[] VOCABULARY = vocabulary(400);

  private static String[] vocabulary(int n) {
    String[] v = new String[n];
    String letters = "bcdfghjklmnpqrstvwxz";
    for (int i = 0; i < n; i++) {
      // consonant-vowel syllables: never an English stop word, unchanged by an English stemmer
      StringBuilder w = new StringBuilder();
      int x = i + 21;
      while (x > 0) {
        w.append(letters.charAt(x % 20)).append("aeiou".charAt((x / 20) % 5));
        x /= 100;
      }
      v[i] = w.append("x").toString();
    }
    return v;
  }

  protected static String randomText(Random r, int words) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < words; i++) {
      int w = (int) Math.min(VOCABULARY.length - 1, Math.floor(Math.exp(r.nextDouble() * Math.log(VOCABULARY.length))) - 1);
      b.append(i == 0 ? "" : " ").append(VOCABULARY[w]);
    }
    return b.toString();
  }

  protected static Document doc(int i, String text) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("bucket", i % 10);
    meta.put("parity", i % 2 == 0 ? "even" : "odd");
    meta.put("weight", i / 7.0);
    meta.put("flag", i % 3 == 0);
    return new Document("doc-" + i, text, meta);
  }

  /** {@code n} documents of random Zipf text, 5 to 60 words each. */
  protected static List<Document> randomDocs(Random r, int n) {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      docs.add(doc(i, randomText(r, 5 + r.nextInt(56))));
    }
    return docs;
  }

  protected static KeywordIndex fill(KeywordIndex index, List<Document> docs) {
    index.addAll(docs);
    return index;
  }

  protected static List<String> ids(List<Hit> hits) {
    return hits.stream().map(Hit::id).toList();
  }

  /** Best first, ties by id (the {@link Hit} order), no duplicates, finite positive scores. */
  protected static void assertOrdered(List<Hit> hits) {
    for (int i = 0; i < hits.size(); i++) {
      Hit h = hits.get(i);
      int at = i;
      assertTrue(Float.isFinite(h.score()) && h.score() > 0, () -> "score of " + h);
      if (i > 0) {
        assertTrue(hits.get(i - 1).compareTo(h) < 0, () -> "not best-first, ties by id, at " + at + ": " + hits);
      }
    }
    assertEquals(hits.size(), new HashSet<>(ids(hits)).size(), () -> "duplicate ids in " + hits);
  }

  private static void assertMessage(Runnable call, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "'");
    }
  }

  // ---------------------------------------------------------------- basics

  @Test
  void emptyIndexHasNothing() {
    try (KeywordIndex index = create()) {
      assertEquals(0, index.size());
      List<Hit> hits = index.search("mountain", 5);
      assertNotNull(hits);
      assertTrue(hits.isEmpty());
      assertTrue(index.get("x").isEmpty());
      assertFalse(index.contains("x"));
    }
  }

  @Test
  void documentsRoundTripExactly() {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("int", 7);
    meta.put("long", 7L);
    meta.put("float", 0.1f);
    meta.put("double", -0.0);
    meta.put("max", Long.MAX_VALUE);
    meta.put("flag", false);
    meta.put("empty", "");
    meta.put("unicode", "\u00e9\uD83D\uDE00 x\uD800");       // accent, a supplementary char, an unpaired surrogate
    meta.put("k\uDC00", "v");
    List<Document> docs = List.of(
        new Document("plain", "Mount Everest is the highest mountain", meta),
        new Document("id \uD83D\uDE00 \uDBFF", "odd id \uD800 lone surrogate in the text"),
        new Document("empty-text", ""),
        new Document("spaces", "   "));
    try (KeywordIndex index = fill(create(), docs)) {
      assertEquals(4, index.size());
      for (Document d : docs) {
        assertTrue(index.contains(d.id()), d.id());
        Document back = index.get(d.id()).orElseThrow();
        assertEquals(d, back);
        for (Map.Entry<String, Object> e : d.metadata().entrySet()) {
          assertEquals(e.getValue().getClass(), back.metadata().get(e.getKey()).getClass(), "type of " + e.getKey());
        }
        assertEquals(List.copyOf(d.metadata().keySet()), List.copyOf(back.metadata().keySet()), "key order");
      }
      assertFalse(index.contains("id \uD83D\uDE00 \uDBFE"), "ids differing in an unpaired surrogate are distinct");
      assertEquals(List.of("plain"), ids(index.search("mountains", 10)));
      assertTrue(index.search("anything", 10).stream().noneMatch(h -> h.id().equals("empty-text")));
    }
  }

  @Test
  void addAllIsAllOrNothing() {
    try (KeywordIndex index = create()) {
      index.add(new Document("a", "alpha"));
      Document b = new Document("b", "bravo");
      Document c = new Document("c", "charlie");
      assertMessage(() -> index.addAll(List.of(b, c, new Document("a", "again"))), "documents[2]", "'a'",
          "already present");
      assertMessage(() -> index.addAll(List.of(b, c, new Document("b", "twice"))), "documents[2]", "'b'", "repeated");
      List<Document> withNull = new ArrayList<>(List.of(b, c));
      withNull.add(1, null);
      assertMessage(() -> index.addAll(withNull), "documents[1]", "null");
      assertMessage(() -> index.addAll(null), "documents is null");
      assertEquals(1, index.size(), "failed batches must add nothing");
      assertFalse(index.contains("b") || index.contains("c"));
      assertTrue(index.search("bravo charlie", 10).isEmpty());
      index.addAll(List.of());
      index.addAll(List.of(b, c));
      assertEquals(3, index.size());
      assertEquals(List.of("b", "c"), ids(index.search("bravo charlie", 10)).stream().sorted().toList());
    }
  }

  @Test
  void upsertReplacesTextAndMetadata() {
    try (KeywordIndex index = create()) {
      index.add(new Document("d", "volcano eruption", Map.of("year", 1990)));
      index.add(new Document("e", "glacier", Map.of("year", 2000)));
      assertTrue(index.upsert(new Document("d", "ocean currents", Map.of("year", 2020, "tag", "new"))));
      assertFalse(index.upsert(new Document("f", "ocean floor")));
      assertEquals(3, index.size());
      assertTrue(index.search("volcano", 10).isEmpty(), "old text still matches");
      assertEquals(List.of("d", "f"), ids(index.search("ocean", 10)).stream().sorted().toList());
      assertEquals(List.of("d"), ids(index.search("ocean", 10, Filter.eq("year", 2020))));
      assertTrue(index.search("ocean", 10, Filter.eq("year", 1990)).isEmpty(), "old metadata still matches");
      assertEquals(List.of("d"), ids(index.search("ocean", 10, Filter.eq("tag", "new"))));
      assertEquals(new Document("d", "ocean currents", Map.of("year", 2020, "tag", "new")), index.get("d").orElseThrow());
    }
  }

  @Test
  void deletedDocumentsNeverComeBack() {
    long seed = Seeds.seed("keyword-deleted");
    Random r = new Random(seed);
    List<Document> docs = randomDocs(r, 800);
    try (KeywordIndex index = fill(create(), docs)) {
      Set<String> deleted = new HashSet<>();
      for (Document d : docs) {
        if (r.nextDouble() < 0.4) {
          assertTrue(index.delete(d.id()));
          deleted.add(d.id());
        }
      }
      String gone = deleted.iterator().next();
      assertFalse(index.delete(gone), "second delete returns false");
      assertFalse(index.delete("never-there"));
      assertEquals(docs.size() - deleted.size(), index.size());
      for (String id : deleted) {
        assertFalse(index.contains(id));
        assertTrue(index.get(id).isEmpty());
      }
      for (int t = 0; t < 50; t++) {
        List<Hit> hits = index.search(randomText(r, 3), Integer.MAX_VALUE);
        assertOrdered(hits);
        for (Hit h : hits) {
          assertFalse(deleted.contains(h.id()), h.id() + " was deleted; seed " + seed);
        }
      }
      index.add(docs.stream().filter(d -> d.id().equals(gone)).findFirst().orElseThrow());
      assertTrue(index.contains(gone), "a deleted id can be added again");
    }
  }

  // ---------------------------------------------------------------- ranking

  @Test
  void bm25PrefersRareTermsMoreOccurrencesAndShortDocuments() {
    try (KeywordIndex index = create()) {
      index.addAll(List.of(
          new Document("common", "river river river valley"),
          new Document("both", "river glacier"),
          new Document("short", "glacier"),
          new Document("long", "glacier " + "valley ".repeat(30)),
          new Document("twice", "glacier glacier " + "valley ".repeat(30)),
          new Document("filler1", "river valley"),
          new Document("filler2", "river valley")));
      List<Hit> hits = index.search("river glacier", 10);
      assertOrdered(hits);
      assertEquals("both", hits.get(0).id(), "both terms beat one: " + hits);
      List<String> glacier = ids(index.search("glacier", 10));
      assertEquals(List.of("short", "both", "twice", "long"), glacier, "length and tf normalization");
      assertTrue(ids(index.search("valley", 100)).containsAll(List.of("common", "long", "twice", "filler1")));
      assertFalse(ids(index.search("glacier", 100)).contains("common"), "only documents sharing a term");
    }
  }

  @Test
  void tiesAreBrokenByIdEvenAtTheCutoff() {
    try (KeywordIndex index = create()) {
      List<String> idsInOrder = List.of("m", "b", "z", "a", "k", "c", "y", "d");
      for (String id : idsInOrder) {
        index.add(new Document(id, "same words here"));
      }
      index.add(new Document("other", "different"));
      List<Hit> all = index.search("same words", 100);
      assertEquals(idsInOrder.stream().sorted().toList(), ids(all));
      assertEquals(1, all.stream().map(Hit::score).distinct().count(), "identical documents score alike");
      assertEquals(List.of("a", "b", "c"), ids(index.search("same words", 3)), "the k smallest ids among ties");
      assertEquals(List.of("a"), ids(index.search("words", 1)));
    }
  }

  @Test
  void kBounds() {
    try (KeywordIndex index = create()) {
      for (int i = 0; i < 30; i++) {
        index.add(new Document("d" + i, "shared term " + i));
      }
      assertEquals(30, index.search("shared", Integer.MAX_VALUE).size());
      assertEquals(30, index.search("shared", 31).size());
      assertEquals(1, index.search("shared", 1).size());
      assertEquals(7, index.search("shared", 7).size());
      assertEquals(List.of("d5"), ids(index.search("5", Integer.MAX_VALUE)));
      assertMessage(() -> index.search("shared", 0), "k must be > 0", "0");
      assertMessage(() -> index.search("shared", -3), "k must be > 0", "-3");
      assertMessage(() -> index.search("shared", Integer.MIN_VALUE, null), "k must be > 0");
    }
  }

  @Test
  void randomQueriesAreOrderedAndMatchOnlyTheirTerms() {
    long seed = Seeds.seed("keyword-random");
    Random r = new Random(seed);
    List<Document> docs = randomDocs(r, 1500);
    try (KeywordIndex index = fill(create(), docs)) {
      for (int t = 0; t < 100; t++) {
        String q = randomText(r, 1 + r.nextInt(6));
        Set<String> qWords = new HashSet<>(List.of(q.split(" ")));
        List<Hit> all = index.search(q, Integer.MAX_VALUE);
        assertOrdered(all);
        Set<String> expected = new HashSet<>();
        for (Document d : docs) {
          for (String w : d.text().split(" ")) {
            if (qWords.contains(w)) {
              expected.add(d.id());
            }
          }
        }
        assertEquals(expected, new HashSet<>(ids(all)), "documents sharing a term with '" + q + "', seed " + seed);
        int k = 1 + r.nextInt(20);
        assertEquals(all.subList(0, Math.min(k, all.size())), index.search(q, k), "top-" + k + " is a prefix");
      }
    }
  }

  // ---------------------------------------------------------------- queries are text, never syntax

  @Test
  void adversarialQueriesNeverThrow() {
    try (KeywordIndex index = fill(create(), List.of(
        new Document("m", "the tallest mountain in the world"),
        new Document("r", "a long river"),
        new Document("u", "caf\u00e9 na\u00efve \u65e5\u672c\u8a9e \uD83D\uDE00 emoji")))) {
      List<String> mountain = ids(index.search("mountain", 10));
      assertEquals(List.of("m"), mountain);
      for (String q : List.of("mountain AND", "AND mountain OR", "(mountain)", "\"mountain\"", "mountain*",
          "mountain?", "+mountain -", "mountain^2", "mountain~", "!mountain", "mountain\\", "\\mountain",
          "mountain && ||", "[mountain TO z]", "{mountain}", "/mountain/", "mountain: ", "mountain\u0000")) {
        assertEquals(mountain, ids(index.search(q, 10)), "query '" + q + "'");
      }
      for (String q : List.of("AND", "OR", "NOT", "(", ")", "\"", "\"unbalanced", "*", "?", "~", ":", "\\", "\\\\",
          "title:foo", "a\\", "[a TO", "{", "}", "+-&&||!(){}[]^\"~*?:\\/", "/", "/[/", "\u0000", "\uD800",
          "\uDFFF\uD800", "\uFFFF", "\u200B\u200E\u202E", "\u05e9\u05dc\u05d5\u05dd", "\uD83D\uDE00",
          "caf\u00e9", "\u65e5\u672c", "%s %n {0}", "' OR 1=1 --", "<script>")) {
        List<Hit> hits = index.search(q, 10);
        assertOrdered(hits);
      }
      assertEquals(List.of("u"), ids(index.search("CAF\u00c9", 10)), "case-folded non-ASCII");
    }
  }

  @Test
  void queriesWithoutSearchableTermsReturnNothing() {
    try (KeywordIndex index = fill(create(), List.of(new Document("d", "the of and a to in is it mountain",
        Map.of("lang", "en"))))) {
      for (String q : List.of("", " ", "\t\n\r", "!!! ??? ...", "--- ,,, ;;;", stopWordsOnly(), "the", "*", "\"\"")) {
        assertEquals(List.of(), index.search(q, 10), "query '" + q + "'");
        assertEquals(List.of(), index.search(q, 10, Filter.eq("lang", "en")), "filtered query '" + q + "'");
        assertThrows(IllegalArgumentException.class, () -> index.search(q, 10, Filter.eq("never", "x")),
            "an unknown filter field is an error even when the query has no term");
      }
      assertEquals(List.of("d"), ids(index.search("the mountain", 10)));
    }
  }

  @Test
  void manyDistinctTermsKeepTheRarest() {
    long seed = Seeds.seed("keyword-manyTerms");
    Random r = new Random(seed);
    try (KeywordIndex index = create()) {
      List<Document> docs = new ArrayList<>();
      // 300 documents share 3000 common words, each in exactly two documents; one document holds the needle
      for (int i = 0; i < 300; i++) {
        StringBuilder t = new StringBuilder();
        for (int j = 0; j < 10; j++) {
          t.append(common(i * 10 + j)).append(' ').append(common(((i + 150) % 300) * 10 + j)).append(' ');
        }
        docs.add(new Document("c" + i, t.toString()));
      }
      docs.add(new Document("needle", "zyzzyvax"));
      index.addAll(docs);
      StringBuilder q = new StringBuilder();
      List<String> words = new ArrayList<>();
      for (int i = 0; i < 3000; i++) {
        words.add(common(i));
      }
      for (int i = 0; i < 2000; i++) {
        words.add("absentword" + i);
      }
      words.add(r.nextInt(words.size()), "zyzzyvax");
      for (String w : words) {
        q.append(w).append(' ');
      }
      assertEquals(5001, new HashSet<>(words).size());
      List<Hit> hits = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> index.search(q.toString(), 1000));
      assertOrdered(hits);
      assertTrue(ids(hits).contains("needle"), "the rarest term must be kept, seed " + seed);
      assertTrue(hits.size() > 100, "common terms still match: " + hits.size());
      assertEquals("needle", index.search("zyzzyvax " + common(0), 1).get(0).id());
    }
  }

  private static String common(int i) {
    return VOCABULARY[i % 400] + "q" + (i / 400);
  }

  @Test
  void hugeQueriesWork() {
    long seed = Seeds.seed("keyword-hugeQuery");
    Random r = new Random(seed);
    try (KeywordIndex index = fill(create(), randomDocs(r, 200))) {
      StringBuilder q = new StringBuilder();
      while (q.length() < 100_000) {
        q.append(VOCABULARY[r.nextInt(VOCABULARY.length)]).append(r.nextBoolean() ? " " : "-(\"*\\) ");
      }
      List<Hit> hits = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> index.search(q.toString(), 50));
      assertEquals(50, hits.size());
      assertOrdered(hits);
      String one = "x".repeat(100_000);   // a single 100k-char token
      assertTrue(index.search(one, 10).isEmpty());
    }
  }

  // ---------------------------------------------------------------- bad input and lifecycle

  @Test
  void badInputIsRejectedWithClearMessages() {
    try (KeywordIndex index = fill(create(), List.of(doc(1, "alpha"), doc(2, "beta")))) {
      assertMessage(() -> index.add(null), "document is null");
      assertMessage(() -> index.add(doc(1, "again")), "doc-1", "already present", "upsert");
      assertMessage(() -> index.upsert(null), "document is null");
      assertMessage(() -> index.delete(null), "id is null");
      assertMessage(() -> index.get(null), "id is null");
      assertMessage(() -> index.contains(null), "id is null");
      assertMessage(() -> index.search(null, 5), "query is null");
      assertMessage(() -> index.search("alpha", 5, Filter.eq("colour", "red")), "filter field 'colour'", "unknown");
      assertMessage(() -> index.search("alpha", 5, Filter.and(Filter.eq("bucket", 1), Filter.not(Filter.eq("Bucket", 1)))),
          "'Bucket'");
      assertEquals(2, index.size(), "failed calls must not change the index");
      assertEquals(List.of("doc-1"), ids(index.search("alpha", 5, Filter.eq("bucket", 1))));
    }
  }

  @Test
  void closedIndexThrowsIllegalStateEverywhere() {
    KeywordIndex index = fill(create(), List.of(doc(1, "alpha")));
    index.close();
    index.close(); // idempotent
    Document d = doc(2, "beta");
    assertThrows(IllegalStateException.class, () -> index.add(d));
    assertThrows(IllegalStateException.class, () -> index.addAll(List.of(d)));
    assertThrows(IllegalStateException.class, () -> index.upsert(d));
    assertThrows(IllegalStateException.class, () -> index.delete("doc-1"));
    assertThrows(IllegalStateException.class, () -> index.get("doc-1"));
    assertThrows(IllegalStateException.class, () -> index.contains("doc-1"));
    assertThrows(IllegalStateException.class, index::size);
    assertThrows(IllegalStateException.class, () -> index.search("alpha", 3));
    assertThrows(IllegalStateException.class, () -> index.search("alpha", 3, Filter.eq("bucket", 1)));
    assertThrows(IllegalStateException.class, () -> index.save(tmp.resolve("closed")));
  }

  // ---------------------------------------------------------------- filters

  @Test
  void filtersHaveExactlyTheSemanticsOfFilterTest() throws IOException {
    try (KeywordIndex index = fill(create(), FilterCases.documents())) {
      FilterCases.assertAllMatch("in memory", f -> ids(index.search(FilterCases.WORD, Integer.MAX_VALUE, f)));
      Path dir = tmp.resolve("filters");
      index.save(dir);
      try (KeywordIndex back = open(dir)) {
        FilterCases.assertAllMatch("after save/open", f -> ids(back.search(FilterCases.WORD, Integer.MAX_VALUE, f)));
      }
    }
  }

  @Test
  void filteredSearchIsTheFilteredUnfilteredRanking() {
    long seed = Seeds.seed("keyword-filtered");
    Random r = new Random(seed);
    List<Document> docs = randomDocs(r, 1000);
    Map<String, Document> byId = new LinkedHashMap<>();
    docs.forEach(d -> byId.put(d.id(), d));
    List<Filter> filters = List.of(Filter.eq("bucket", 3), Filter.eq("parity", "odd"), Filter.range("weight", 10, 50.5),
        Filter.not(Filter.eq("flag", true)), Filter.or(Filter.eq("bucket", 1L), Filter.in("bucket", List.of(2.0, 9))));
    try (KeywordIndex index = fill(create(), docs)) {
      for (int t = 0; t < 40; t++) {
        String q = randomText(r, 1 + r.nextInt(4));
        Filter f = filters.get(t % filters.size());
        List<Hit> expected = index.search(q, Integer.MAX_VALUE).stream()
            .filter(h -> f.test(byId.get(h.id()).metadata())).toList();
        int k = 1 + r.nextInt(15);
        assertEquals(expected.subList(0, Math.min(k, expected.size())), index.search(q, k, f),
            "'" + q + "' " + f + ", seed " + seed);
      }
      assertTrue(index.search(VOCABULARY[0], 10, Filter.eq("bucket", 12345)).isEmpty());
    }
  }

  // ---------------------------------------------------------------- persistence

  @Test
  void saveAndOpenGiveIdenticalHitsAndScores() throws IOException {
    long seed = Seeds.seed("keyword-saveOpen");
    Random r = new Random(seed);
    List<Document> docs = randomDocs(r, 1200);
    Path dir = tmp.resolve("sub/dir");
    try (KeywordIndex index = fill(create(), docs)) {
      for (int i = 0; i < 200; i++) {
        index.delete("doc-" + (i * 3));
      }
      index.upsert(new Document("doc-1", "changed " + VOCABULARY[5], Map.of("k", "v", "n", 3.5f)));
      index.add(new Document("late", VOCABULARY[7] + " late", Map.of("bucket", 3)));
      List<String> queries = new ArrayList<>();
      for (int t = 0; t < 40; t++) {
        queries.add(randomText(r, 1 + r.nextInt(5)));
      }
      index.save(dir);
      try (KeywordIndex back = open(dir)) {
        assertEquals(index.size(), back.size());
        assertEquals(index.get("doc-1"), back.get("doc-1"));
        assertEquals(index.get("doc-5"), back.get("doc-5"));
        assertFalse(back.contains("doc-3"));
        assertTrue(back.contains("late"));
        for (int t = 0; t < queries.size(); t++) {
          Filter f = t % 2 == 0 ? null : Filter.eq("flag", true);
          assertEquals(index.search(queries.get(t), 20, f), back.search(queries.get(t), 20, f),
              "'" + queries.get(t) + "' seed " + seed);
        }
        assertEquals(List.of("doc-1"), ids(back.search("changed", 5, Filter.eq("k", "v"))), "known fields survive");
        assertThrows(IllegalArgumentException.class, () -> back.search("changed", 5, Filter.eq("nope", 1)));
        back.add(new Document("after-open", "fresh words"));
        back.delete("doc-1");
        assertTrue(back.contains("after-open"));
        assertTrue(index.search("fresh", 5).isEmpty(), "the indexes are independent");
      }
      try (KeywordIndex again = open(dir)) {
        assertEquals(index.size(), again.size(), "writes after open do not touch the saved folder");
        assertTrue(again.contains("doc-1"));
      }
    }
  }

  @Test
  void savingAgainReplacesTheFolder() throws IOException {
    Path dir = tmp.resolve("again");
    try (KeywordIndex first = fill(create(), List.of(new Document("one", "first version"),
        new Document("two", "first too")))) {
      first.save(dir);
    }
    try (KeywordIndex second = fill(create(), List.of(new Document("three", "second version")))) {
      second.save(dir);
      second.add(new Document("four", "unsaved"));
    }
    try (KeywordIndex back = open(dir)) {
      assertEquals(1, back.size());
      assertTrue(back.contains("three"));
      assertFalse(back.contains("one"));
      assertEquals(List.of("three"), ids(back.search("version", 10)));
      back.save(dir);   // an opened index saves over its own folder
    }
    try (KeywordIndex back = open(dir)) {
      assertEquals(List.of("three"), ids(back.search("version", 10)));
    }
  }

  @Test
  void emptyIndexRoundTrips() throws IOException {
    Path dir = tmp.resolve("empty");
    try (KeywordIndex index = create()) {
      index.save(dir);
    }
    try (KeywordIndex back = open(dir)) {
      assertEquals(0, back.size());
      assertTrue(back.search("anything", 3).isEmpty());
      back.add(new Document("x", "anything"));
      assertEquals(List.of("x"), ids(back.search("anything", 3)));
    }
  }

  // ---------------------------------------------------------------- visibility and concurrency

  @Test
  void writesAreVisibleToSearchesThatStartAfterThemReturn() throws Exception {
    try (KeywordIndex index = create()) {
      for (int i = 0; i < 200; i++) {
        String id = "v" + i;
        String word = VOCABULARY[i % VOCABULARY.length];
        index.add(new Document(id, word + " visible", Map.of("i", i)));
        assertTrue(ids(index.search(word, Integer.MAX_VALUE)).contains(id), "add of " + id + " not visible");
        assertEquals(List.of(id), ids(index.search("visible", 5, Filter.eq("i", i))));
        if (i % 3 == 0) {
          index.upsert(new Document(id, "replaced" + i));
          assertEquals(List.of(id), ids(index.search("replaced" + i, 5)));
          assertFalse(ids(index.search(word, Integer.MAX_VALUE)).contains(id), "upsert of " + id + " not visible");
        }
        if (i % 5 == 0) {
          index.delete(id);
          assertFalse(ids(index.search("visible replaced" + i, Integer.MAX_VALUE)).contains(id));
          assertTrue(index.get(id).isEmpty());
        }
      }
      // and from another thread, which starts after the write returned
      index.add(new Document("cross", "crossthread"));
      List<Hit> seen = new ArrayList<>();
      Thread t = new Thread(() -> seen.addAll(index.search("crossthread", 3)));
      t.start();
      t.join();
      assertEquals(List.of("cross"), ids(seen));
    }
  }

  @Test
  void searchesRunSafelyDuringWritesAndSaves() throws Exception {
    long seed = Seeds.seed("keyword-concurrency");
    Random r = new Random(seed);
    List<Document> docs = randomDocs(r, 3000);
    try (KeywordIndex index = create()) {
      index.addAll(docs.subList(0, 1000));
      Set<String> deletedForGood = ConcurrentHashMap.newKeySet();
      List<Throwable> errors = new CopyOnWriteArrayList<>();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger searches = new AtomicInteger();
      AtomicInteger searchesDuringWrites = new AtomicInteger();
      AtomicInteger writersRunning = new AtomicInteger(2);
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        int start = 1000 + w * 1000;
        threads.add(new Thread(() -> {
          try {
            while (searches.get() < 5) {
              Thread.onSpinWait();
            }
            for (int i = start; i < start + 1000; i++) {
              if (i % 50 == 0) {
                TimeUnit.MILLISECONDS.sleep(1);
              }
              if (i % 10 == 0) {
                index.addAll(List.of(docs.get(i)));
              } else {
                index.add(docs.get(i));
              }
              if (i % 4 == 0) {
                String victim = "doc-" + (i - start) / 4 * 2;   // among the first 1000
                index.delete(victim);
                deletedForGood.add(victim);   // only after the delete returned
              }
              if (i % 3 == 0) {
                index.upsert(doc(i, docs.get((i * 7) % 3000).text()));
              }
            }
          } catch (Throwable t) {
            errors.add(t);
          } finally {
            writersRunning.decrementAndGet();
          }
        }));
      }
      for (int s = 0; s < 2; s++) {
        long threadSeed = seed + s;
        threads.add(new Thread(() -> {
          Random lr = new Random(threadSeed);
          try {
            while (!stop.get()) {
              Set<String> before = new HashSet<>(deletedForGood);
              List<Hit> hits = index.search(randomText(lr, 2), 10, lr.nextBoolean() ? null : Filter.eq("parity", "odd"));
              assertOrdered(hits);
              for (Hit h : hits) {
                if (before.contains(h.id())) {
                  errors.add(new AssertionError(h.id() + " returned after its delete completed"));
                }
              }
              searches.incrementAndGet();
              if (writersRunning.get() > 0) {
                searchesDuringWrites.incrementAndGet();
              }
            }
          } catch (Throwable t) {
            errors.add(t);
          }
        }));
      }
      threads.forEach(Thread::start);
      int saves = 0;
      while (threads.get(0).isAlive() || threads.get(1).isAlive()) {
        Path dir = tmp.resolve("live" + (saves % 2));
        index.save(dir);
        try (KeywordIndex snapshot = open(dir)) {
          assertTrue(snapshot.size() >= 500 && snapshot.size() <= 3000, "snapshot size " + snapshot.size());
        }
        saves++;
        TimeUnit.MILLISECONDS.sleep(20);
      }
      threads.get(0).join();
      threads.get(1).join();
      stop.set(true);
      threads.get(2).join();
      threads.get(3).join();
      if (!errors.isEmpty()) {
        throw new AssertionError(errors.size() + " errors, seed " + seed, errors.get(0));
      }
      assertEquals(3000 - deletedForGood.size(), index.size());
      assertTrue(searchesDuringWrites.get() > 10, "searches overlapping writes: " + searchesDuringWrites.get());
      assertTrue(saves >= 1);
      for (String id : deletedForGood) {
        assertFalse(index.contains(id));
        assertTrue(index.get(id).isEmpty());
      }
      assertEquals(index.size(), index.search(String.join(" ", VOCABULARY), Integer.MAX_VALUE).size(),
          "every live document is searchable");
    }
  }
}
