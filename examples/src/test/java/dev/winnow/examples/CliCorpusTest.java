package dev.winnow.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.Document;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Corpus reading and argument checks of the command line: every error names the file and line, before work. */
class CliCorpusTest {
  @TempDir Path tmp;

  IllegalArgumentException bad(String name, String content) throws Exception {
    Path f = tmp.resolve(name);
    Files.writeString(f, content);
    return assertThrows(IllegalArgumentException.class, () -> Cli.readCorpus(f));
  }

  static void assertNames(IllegalArgumentException e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' lacks '" + p + "'");
    }
  }

  @Test
  void jsonlErrorsNameFileLineAndExpectation() throws Exception {
    assertNames(bad("a.jsonl", "{\"id\":\"1\",\"text\":\"ok\"}\n{\"id\":\"2\",\"text\":null}\n"), "a.jsonl:2",
        "\"text\" must be a string, got null");
    assertNames(bad("b.jsonl", "{\"id\":\"1\",\"text\":\"ok\"}\n\n{\"id\":\"2\"}\n"), "b.jsonl:3", "\"text\"");
    assertNames(bad("c.jsonl", "[1, 2]\n"), "c.jsonl:1", "expected a JSON object, got an array");
    assertNames(bad("d.jsonl", "{\"id\": true, \"text\": \"x\"}\n"), "d.jsonl:1", "\"id\" must be a string");
    assertNames(bad("e.jsonl", "{\"id\": \"x\", \"text\": \"x\", \"metadata\": {\"k\": [1]}}\n"), "e.jsonl:1",
        "metadata \"k\"");
    assertNames(bad("f.jsonl", "{\"id\": \"x\", \"text\": \"x\"\n"), "f.jsonl:1", "not valid JSON");
    assertNames(bad("g.jsonl", "{\"id\":\"1\",\"text\":\"a\"}\n{\"id\":\"1\",\"text\":\"b\"}\n"), "g.jsonl:2",
        "repeats line 1");
    assertNames(bad("h.jsonl", "{\"id\":\"1\",\"text\":\"a\",\"title\":5}\n"), "h.jsonl:1", "\"title\" must be a string");
  }

  @Test
  void binaryAndCompressedFiles() throws Exception {
    Path bin = tmp.resolve("bin.tsv");
    Files.write(bin, new byte[] {'a', '\t', 'b', '\n', 'c', '\t', (byte) 0xff, (byte) 0xfe, 'x', '\n'});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cli.readCorpus(bin));
    assertNames(e, "bin.tsv:2", "not UTF-8");
    Path nul = tmp.resolve("nul.tsv");
    Files.write(nul, new byte[] {'a', '\t', 0, 1, 2, '\n'});
    assertNames(assertThrows(IllegalArgumentException.class, () -> Cli.readCorpus(nul)), "nul.tsv:1", "NUL");
    Path fakeGz = tmp.resolve("fake.jsonl.gz");
    Files.writeString(fakeGz, "{\"id\":\"1\",\"text\":\"a\"}\n");
    assertNames(assertThrows(IllegalArgumentException.class, () -> Cli.readCorpus(fakeGz)), "fake.jsonl.gz",
        "not gzip");
    Path gz = tmp.resolve("real.jsonl.gz");
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
      o.write("{\"_id\": 7, \"title\": \"T\", \"text\": \"body\", \"metadata\": {\"year\": 2020, \"w\": 0.5, \"ok\": true}}\n"
          .getBytes(StandardCharsets.UTF_8));
    }
    List<Document> docs = Cli.readCorpus(gz);
    assertEquals(1, docs.size());
    assertEquals("7", docs.get(0).id());
    assertEquals("T body", docs.get(0).text());
    assertEquals(2020L, docs.get(0).metadata().get("year"));
    assertEquals(0.5, docs.get(0).metadata().get("w"));
    assertEquals(true, docs.get(0).metadata().get("ok"));
    byte[] whole = Files.readAllBytes(gz);
    Path truncated = tmp.resolve("cut.jsonl.gz");
    Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length - 6));
    assertNames(assertThrows(IllegalArgumentException.class, () -> Cli.readCorpus(truncated)), "cut.jsonl.gz:");
  }

  @Test
  void outputPathsAreCheckedBeforeAnyWork() throws Exception {
    Path corpus = tmp.resolve("c.tsv");
    Files.writeString(corpus, "a\tA\n");
    Path file = tmp.resolve("exists.txt");
    Files.writeString(file, "x");
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    Cli.UsageException e = assertThrows(Cli.UsageException.class, () -> Cli.index(new String[] {"--corpus",
        corpus.toString(), "--out", file.toString()}, sink, sink));
    assertTrue(e.getMessage().contains("existing file"), e.getMessage());
    Path full = tmp.resolve("full");
    Files.createDirectories(full);
    Files.writeString(full.resolve("thesis.tex"), "precious");
    assertThrows(Cli.UsageException.class, () -> Cli.index(new String[] {"--corpus", corpus.toString(), "--out",
        full.toString()}, sink, sink));
    assertTrue(Files.exists(full.resolve("thesis.tex")));
    assertThrows(Cli.UsageException.class, () -> Cli.index(new String[] {"--corpus", corpus.toString(), "--out",
        tmp.resolve("o").toString(), "--model", "gpt-9"}, sink, sink));
    assertThrows(Cli.UsageException.class, () -> Cli.index(new String[] {"--corpus", corpus.toString(), "--out",
        tmp.resolve("o").toString(), "--mode", "keyword"}, sink, sink));
  }

  @Test
  void retrievalOptionsParse() {
    Cli.Args a = new Cli.Args(new String[] {"--mode", "hybrid", "--alpha", "0.7", "--mmr", "0.5", "--depth", "50"},
        Cli.SEARCH);
    var o = Cli.retrieveOptions(a);
    assertEquals(dev.winnow.RetrievalMode.HYBRID, o.mode());
    assertEquals(dev.winnow.Fusion.linear(0.7), o.fusion());
    assertEquals(0.5, o.mmr().lambda());
    assertEquals(50, o.denseDepth());
    assertThrows(Cli.UsageException.class, () -> Cli.retrieveOptions(new Cli.Args(new String[] {"--fusion", "rrf",
        "--alpha", "0.3"}, Cli.SEARCH)));
    assertThrows(Cli.UsageException.class, () -> Cli.retrieveOptions(new Cli.Args(new String[] {"--mmr", "2"}, Cli.SEARCH)));
    assertThrows(Cli.UsageException.class, () -> Cli.retrieveOptions(new Cli.Args(new String[] {"--mode", "magic"},
        Cli.SEARCH)));
  }
}
