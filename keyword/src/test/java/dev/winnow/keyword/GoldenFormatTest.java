package dev.winnow.keyword;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.winnow.Document;
import dev.winnow.Filter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The golden saved index of keyword format version 1 ({@code src/test/resources/golden/keyword-v1/}, a Lucene
 * 9.12 index): this build must keep reading it with the same documents, settings, hits and scores. Written by
 * {@link #main} (run it only when a new format version adds a new golden folder).
 */
class GoldenFormatTest {
  private static final int N = 30;

  static Document doc(int i) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("s", "value " + i + " \u00e9\u6f22" + (i % 5 == 0 ? " \uD83D\uDE00" : "") + (i == 7 ? " \uD800" : ""));
    meta.put("b", i % 2 == 0);
    meta.put("i", i);
    meta.put("l", i * 10_000_000_000L);
    meta.put("f", i / 4f);
    meta.put("d", i / 3.0);
    String[] words = {"glacier", "river", "mountain", "valley", "ocean"};
    return new Document("g" + i, "golden text " + i + " " + words[i % 5] + " " + words[(i * 3) % 5]
        + (i % 4 == 0 ? " " + words[i % 5] : ""), meta);
  }

  private static LuceneKeywordIndex fresh() {
    LuceneKeywordIndex index = LuceneKeywordIndex.builder().k1(1.1f).b(0.6f).build();
    for (int i = 0; i < N; i++) {
      index.add(doc(i));
    }
    index.add(new Document("deleted", "a tombstone in the golden index glacier"));
    index.delete("deleted");
    return index;
  }

  @Test
  void version1StillReads() throws IOException {
    try (LuceneKeywordIndex golden = LuceneKeywordIndex.open(golden());
         LuceneKeywordIndex expected = fresh()) {
      assertEquals(1.1f, golden.k1());
      assertEquals(0.6f, golden.b());
      assertEquals("english", golden.analyzerName());
      assertEquals(N, golden.size());
      assertFalse(golden.contains("deleted"));
      for (int i = 0; i < N; i++) {
        assertEquals(doc(i), golden.get("g" + i).orElseThrow());
      }
      for (String q : List.of("glacier", "river valley", "mountains ocean golden", "text 7", "tombstone")) {
        for (Filter f : new Filter[] {null, Filter.eq("b", true), Filter.range("d", 2, 7.5),
            Filter.atLeast("s", "value 2"), Filter.not(Filter.eq("l", 0))}) {
          assertEquals(expected.search(q, 10, f), golden.search(q, 10, f), q + " " + f);
        }
      }
    }
  }

  private static Path golden() {
    return Paths.get("src/test/resources/golden/keyword-v1");
  }

  /** Writes the golden folder (run from the keyword module folder). */
  public static void main(String[] args) throws IOException {
    try (LuceneKeywordIndex index = fresh()) {
      index.save(golden());
    }
    Files.deleteIfExists(golden().resolve("write.lock"));
  }
}
