package dev.winnow.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's subcommands on a small corpus, with the bundled encoder and no reranker. */
class CliIT {
  @TempDir Path tmp;

  static List<String> lines(ByteArrayOutputStream out) {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  static JsonObject json(String line) {
    return JsonParser.parseString(line).getAsJsonObject();
  }

  String withStdin(String input, ThrowingRunnable body) throws Exception {
    InputStream old = System.in;
    System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
    try {
      body.run();
    } finally {
      System.setIn(old);
    }
    return input;
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void indexThenSearchEmbedAndErrors() throws Exception {
    Path corpus = tmp.resolve("corpus.tsv");
    Files.writeString(corpus, "id\ttext\neverest\tMount Everest is the highest mountain above sea level.\n"
        + "yoga\tI am going to a yoga class.\ndarwin\tCharles Darwin wrote On the Origin of Species.\n");
    Path dir = tmp.resolve("retriever");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Cli.index(new String[] {"--corpus", corpus.toString(), "--out", dir.toString(), "--index", "flat"},
        new PrintStream(out, true, StandardCharsets.UTF_8));
    List<String> indexLines = lines(out);
    JsonObject summary = json(indexLines.get(indexLines.size() - 1));
    assertEquals(3, summary.get("documents").getAsInt());
    assertTrue(indexLines.get(0).startsWith("corpus"), "a human table comes first");

    ByteArrayOutputStream searchOut = new ByteArrayOutputStream();
    ByteArrayOutputStream searchErr = new ByteArrayOutputStream();
    withStdin("what is the tallest mountain?\nwho wrote the origin of species\n", () -> Cli.search(
        new String[] {"--retriever", dir.toString(), "--k", "2", "--no-reranker"},
        new PrintStream(searchOut, true, StandardCharsets.UTF_8),
        new PrintStream(searchErr, true, StandardCharsets.UTF_8)));
    List<String> searchLines = lines(searchOut);
    assertEquals(3, searchLines.size(), "one JSON line per query, then the summary");
    assertEquals("everest", json(searchLines.get(0)).getAsJsonArray("results").get(0).getAsJsonObject()
        .get("id").getAsString());
    assertEquals("darwin", json(searchLines.get(1)).getAsJsonArray("results").get(0).getAsJsonObject()
        .get("id").getAsString());
    assertEquals(2, json(searchLines.get(2)).get("queries").getAsInt());
    assertTrue(searchErr.toString(StandardCharsets.UTF_8).contains("Q: what is the tallest mountain?"));

    ByteArrayOutputStream embedOut = new ByteArrayOutputStream();
    withStdin("hello\nworld\n", () -> Cli.embed(new String[0], new PrintStream(embedOut, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    List<String> embedLines = lines(embedOut);
    assertEquals(3, embedLines.size());
    assertEquals(384, json(embedLines.get(0)).getAsJsonArray("vector").size());
    assertEquals(384, json(embedLines.get(2)).get("dimension").getAsInt());

    Path bad = tmp.resolve("bad.tsv");
    Files.writeString(bad, "a\tfine\nno tab on this line\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cli.index(
        new String[] {"--corpus", bad.toString(), "--out", tmp.resolve("x").toString()},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("bad.tsv:2"), e.getMessage());
    assertThrows(Cli.UsageException.class, () -> Cli.index(new String[] {"--corpus", corpus.toString()},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    assertThrows(Cli.UsageException.class, () -> Cli.index(new String[] {"--corpus", corpus.toString(), "--out",
        dir.toString(), "--typo", "1"}, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
  }
}
