package dev.winnow.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadersTest {
  @TempDir Path tmp;

  Path write(String name, String content) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }

  @Test
  void beirLayout() throws IOException {
    Path corpus = write("corpus.jsonl", """
        {"_id": "d1", "title": "Everest", "text": "The highest mountain."}
        {"_id": "d2", "title": "", "text": "No title here."}
        """);
    Path queries = write("queries.jsonl", """
        {"_id": "q1", "text": "tallest mountain?", "metadata": {}}
        {"_id": "q2", "text": "unjudged"}
        """);
    Path qrels = write("qrels.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t2\n");
    BeirDataset d = BeirDataset.load(corpus, queries, qrels, false);
    assertEquals("Everest The highest mountain.", d.corpus().get(0).text(), "title + \" \" + text");
    assertEquals("No title here.", d.corpus().get(1).text());
    assertEquals(List.of("q1"), List.copyOf(d.judgedQueries().keySet()), "only judged queries are evaluated");
    assertEquals(2, d.qrels().get("q1").get("d1"));
  }

  @Test
  void malformedLinesNameFileAndLineOrAreCountedWhenLenient() throws IOException {
    Path corpus = write("corpus.jsonl", "{\"_id\": \"d1\", \"text\": \"ok\"}\n{not json\n{\"_id\": \"d3\"}\n");
    Path queries = write("queries.jsonl", "{\"_id\": \"q1\", \"text\": \"q\"}\n");
    Path qrels = write("qrels.tsv", "query-id\tcorpus-id\tscore\nq1\td1\tmany\n");
    DatasetFormatException e = assertThrows(DatasetFormatException.class,
        () -> BeirDataset.load(corpus, queries, qrels, false));
    assertTrue(e.getMessage().contains("corpus.jsonl:2"), e.getMessage());
    Path goodCorpus = write("good.jsonl", "{\"_id\": \"d1\", \"text\": \"ok\"}\n");
    e = assertThrows(DatasetFormatException.class, () -> BeirDataset.load(goodCorpus, queries, qrels, false));
    assertTrue(e.getMessage().contains("qrels.tsv:2") && e.getMessage().contains("many"), e.getMessage());

    BeirDataset lenient = BeirDataset.load(corpus, queries, write("q2.tsv", "h\th\th\nq1\td1\t1\n"), true);
    assertEquals(1, lenient.corpus().size());
    assertEquals(2, lenient.reports().get(0).skipped());
    assertEquals(3, lenient.reports().get(0).lines());
    Path dup = write("dup.jsonl", "{\"_id\": \"d1\", \"text\": \"a\"}\n{\"_id\": \"d1\", \"text\": \"b\"}\n");
    assertTrue(assertThrows(DatasetFormatException.class, () -> BeirDataset.load(dup, queries, qrels, false))
        .getMessage().contains("dup.jsonl:2"));
  }

  @Test
  void stsbFieldsAndExtraFields() throws IOException {
    Path f = write("sts.csv", "main-captions\tMSRvid\t2012test\t0024\t2.500\tA girl.\tA girl brushing.\n"
        + "main-news\theadlines\t2015\t0001\t4.0\tOne.\tTwo.\tsource-a\tsource-b\n");
    StsDataset d = StsDataset.load(f, false);
    assertEquals(2, d.pairs().size());
    assertEquals(new StsDataset.Pair("One.", "Two.", 4.0), d.pairs().get(1));
    Path bad = write("bad.csv", "a\tb\tc\td\t7.5\ts1\ts2\nshort\tline\n");
    assertTrue(assertThrows(DatasetFormatException.class, () -> StsDataset.load(bad, false)).getMessage()
        .contains("bad.csv:1"));
    StsDataset lenient = StsDataset.load(bad, true);
    assertEquals(0, lenient.pairs().size());
    assertEquals(2, lenient.report().skipped());
  }

  @Test
  void wikiQaGzippedWithCrlf() throws IOException {
    Path f = tmp.resolve("wiki.tsv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
      out.write(("QuestionID\tQuestion\tDocumentID\tDocumentTitle\tSentenceID\tSentence\tLabel\r\n"
          + "Q1\thow?\tD1\tT\tD1-0\tno.\t0\r\n"
          + "Q1\thow?\tD1\tT\tD1-1\tyes.\t1\r\n"
          + "Q2\twhy?\tD2\tT\tD2-0\tnope.\t0\r\n").getBytes(StandardCharsets.UTF_8));
    }
    WikiQaDataset d = WikiQaDataset.load(f, false);
    assertEquals(2, d.questions().size());
    assertEquals(List.of(0, 1), d.questions().get(0).labels());
    assertEquals(1, d.answerable().size());
    assertFalse(d.questions().get(1).hasAnswer());
    Path bad = write("bad.tsv", "h\th\th\th\th\th\th\nQ1\thow?\tD1\tT\tD1-0\tno.\tmaybe\n");
    assertTrue(assertThrows(DatasetFormatException.class, () -> WikiQaDataset.load(bad, false)).getMessage()
        .contains("bad.tsv:2"));
  }

  @Test
  void missingFileIsAnIoError() {
    assertThrows(IOException.class, () -> StsDataset.load(tmp.resolve("absent.csv"), false));
  }
}
