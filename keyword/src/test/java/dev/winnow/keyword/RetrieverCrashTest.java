package dev.winnow.keyword;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.winnow.Document;
import dev.winnow.DualEncoder;
import dev.winnow.Retriever;
import dev.winnow.Similarity;
import dev.winnow.index.FlatVectorIndex;
import dev.winnow.index.HnswVectorIndex;
import dev.winnow.index.VectorIndexes;
import dev.winnow.testing.FakeEncoder;
import dev.winnow.testing.Seeds;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kills (SIGKILL) a child JVM at random moments while it grows and saves a retriever in a loop, then opens the
 * folder: it must open, as exactly the last acknowledged save or the one in progress, with the vector and the
 * keyword index agreeing document for document. Trials per kind: 3 in CI, 50 under {@code -Preliability}
 * ({@code winnow.reliability=true}), or {@code -Dwinnow.crash.trials=N}.
 */
class RetrieverCrashTest {
  static final int DIM = 8;
  static final int BATCH = 20;

  @TempDir Path tmp;

  /** The child: adds {@value #BATCH} documents and saves, forever, printing "ACK n" after save n returns. */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    boolean hnsw = args[1].equals("hnsw");
    boolean withKeyword = args[2].equals("hybrid");
    FakeEncoder encoder = new FakeEncoder(DIM);
    try (var index = hnsw ? HnswVectorIndex.builder(DIM, Similarity.COSINE).build()
            : new FlatVectorIndex(DIM, Similarity.COSINE);
        LuceneKeywordIndex keyword = withKeyword ? LuceneKeywordIndex.builder().build() : null;
        Retriever r = Retriever.builder().encoders(DualEncoder.shared(encoder)).index(index).keywordIndex(keyword)
            .build()) {
      for (int n = 1; ; n++) {
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
          int id = (n - 1) * BATCH + i;
          docs.add(new Document("g" + id, "generation " + n + " document " + id + " " + "word".repeat(id % 5)));
        }
        r.add(docs);
        if (n % 3 == 0) {
          r.delete("g" + ((n - 1) * BATCH)); // deletes too: the first document of every third batch
        }
        r.save(dir);
        System.out.println("ACK " + n);
        System.out.flush();
      }
    }
  }

  static int expectedSize(int n) {
    return n * BATCH - n / 3;
  }

  @ParameterizedTest
  @ValueSource(strings = {"flat hybrid", "hnsw hybrid", "flat dense"})
  void killDuringSaveOpensAsTheOldOrTheNewState(String kind) throws Exception {
    String[] k = kind.split(" ");
    int trials = Integer.getInteger("winnow.crash.trials", Boolean.getBoolean("winnow.reliability") ? 50 : 3);
    long seed = Seeds.seed("retriever-crash-" + kind);
    Random random = new Random(seed);
    int[] outcomes = new int[2]; // [opened as last ack, opened as the save in progress]
    for (int t = 0; t < trials; t++) {
      Path dir = tmp.resolve(k[0] + "-" + k[1] + "-" + t);
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
          RetrieverCrashTest.class.getName(), dir.toString(), k[0], k[1]).redirectErrorStream(true).start();
      int lastAck = 0;
      int waitAcks = 1 + random.nextInt(6);
      try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while (lastAck < waitAcks && (line = out.readLine()) != null) {
          if (line.startsWith("ACK ")) {
            lastAck = Integer.parseInt(line.substring(4));
          }
          if (System.nanoTime() > deadline) {
            fail("child made no progress in 60 s; last ack " + lastAck + ", seed " + seed);
          }
        }
        if (lastAck < waitAcks) {
          fail("child exited early (last ack " + lastAck + "); exit " + p.waitFor() + ", seed " + seed);
        }
        Thread.sleep(random.nextInt(40)); // land anywhere in the next add + save
        p.toHandle().destroyForcibly(); // SIGKILL; unlike Process.destroyForcibly it leaves our pipe readable
        p.waitFor(30, TimeUnit.SECONDS);
        // the child may have acknowledged more saves before it died
        while ((line = out.readLine()) != null) {
          if (line.startsWith("ACK ")) {
            lastAck = Integer.parseInt(line.substring(4));
          }
        }
      }
      FakeEncoder encoder = new FakeEncoder(DIM);
      var opener = Retriever.opener(dir).encoders(DualEncoder.shared(encoder)).vectorIndex(VectorIndexes::open);
      if (k[1].equals("hybrid")) {
        opener.keywordIndex(LuceneKeywordIndex::open);
      }
      try (Retriever back = opener.open()) {
        int size = back.size();
        boolean old = size == expectedSize(lastAck);
        boolean next = size == expectedSize(lastAck + 1);
        assertTrue(old || next, kind + " trial " + t + ": " + size + " documents after ack " + lastAck
            + " (expected " + expectedSize(lastAck) + " or " + expectedSize(lastAck + 1) + "), seed " + seed);
        int gens = old ? lastAck : lastAck + 1;
        for (int id = 0; id < gens * BATCH; id++) {
          boolean deleted = id % BATCH == 0 && (id / BATCH + 1) % 3 == 0;
          String docId = "g" + id;
          assertEquals(!deleted, back.index().contains(docId), kind + " vector index, " + docId + ", seed " + seed);
          if (back.keywordIndex().isPresent()) {
            assertEquals(!deleted, back.keywordIndex().get().contains(docId),
                kind + " keyword index, " + docId + ", seed " + seed);
          }
        }
        outcomes[old ? 0 : 1]++;
      }
      try (Stream<Path> files = Files.list(dir)) {
        Pattern ours = Pattern.compile("index-\\d+\\.winnow|keyword-\\d+|retriever\\.properties");
        List<String> left = files.map(f -> f.getFileName().toString()).filter(n -> !ours.matcher(n).matches()).toList();
        assertTrue(left.isEmpty(), "open cleans temp files of the killed save: " + left);
      }
    }
    System.out.printf("[crash] %s: %d trials, %d opened as the last acknowledged save, %d as the save in"
        + " progress%n", kind, trials, outcomes[0], outcomes[1]);
  }
}
