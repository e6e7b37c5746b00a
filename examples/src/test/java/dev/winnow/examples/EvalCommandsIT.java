package dev.winnow.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.winnow.testing.Shared;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluation subcommands: exact numbers on a toy corpus, and the reference STS-B figure. */
class EvalCommandsIT {
  @TempDir Path tmp;

  static JsonObject lastJson(ByteArrayOutputStream out) {
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    return JsonParser.parseString(lines.get(lines.size() - 1)).getAsJsonObject();
  }

  @Test
  void evalRetrievalOnAThreeDocumentCorpusGivesTheHandComputedNumbers() throws Exception {
    Files.writeString(tmp.resolve("corpus.jsonl"), """
        {"_id": "everest", "title": "", "text": "Mount Everest is the highest mountain."}
        {"_id": "cat", "title": "", "text": "I love my cat."}
        {"_id": "pets", "title": "", "text": "Cats are wonderful pets."}
        """);
    Files.writeString(tmp.resolve("queries.jsonl"), """
        {"_id": "q1", "text": "Mount Everest is the highest mountain."}
        {"_id": "q2", "text": "I love my cat."}
        {"_id": "q3", "text": "an unjudged query, never evaluated"}
        """);
    Files.writeString(tmp.resolve("qrels.tsv"), "query-id\tcorpus-id\tscore\nq1\teverest\t1\nq2\tcat\t1\n"
        + "q2\tpets\t2\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EvalCommands.retrieval(new String[] {"--corpus", tmp.resolve("corpus.jsonl").toString(), "--queries",
        tmp.resolve("queries.jsonl").toString(), "--qrels", tmp.resolve("qrels.tsv").toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8));
    JsonObject j = lastJson(out);
    // q1 finds its own text first: every metric 1, P@10 = 1/10.
    // q2 ranks cat (grade 1, its own text) then pets (grade 2): nDCG@10 = (1 + 2/log2 3) / (2 + 1/log2 3)
    //   = 0.8597187, Recall@1 = 1/2, MAP = (1/1 + 2/2) / 2 = 1, P@10 = 2/10.
    assertEquals(2, j.get("queries").getAsInt());
    assertEquals((1 + 0.8597186998521972) / 2, j.get("ndcg@10").getAsDouble(), 1e-9);
    assertEquals(1.0, j.get("mrr@10").getAsDouble(), 1e-12);
    assertEquals(0.75, j.get("recall@1").getAsDouble(), 1e-12);
    assertEquals(1.0, j.get("recall@10").getAsDouble(), 1e-12);
    assertEquals(1.0, j.get("recall@100").getAsDouble(), 1e-12);
    assertEquals(1.0, j.get("map@100").getAsDouble(), 1e-12);
    assertEquals(0.15, j.get("p@10").getAsDouble(), 1e-12);
  }

  @Test
  void evalStsOfTheDefaultEncoderMatchesTheReference() throws Exception {
    Path file = Shared.require("data/stsb/sts-test.csv");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EvalCommands.sts(new String[] {"--file", file.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8));
    JsonObject j = lastJson(out);
    System.out.print(out.toString(StandardCharsets.UTF_8));
    assertEquals(1379, j.get("pairs").getAsInt());
    assertEquals(0.8203, j.get("spearman").getAsDouble(), 0.005, "MTEB STS-B test Spearman of all-MiniLM-L6-v2");
    assertTrue(j.get("pearson").getAsDouble() > 0.8);
  }
}
