package dev.winnow.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.VectorIndex;
import dev.winnow.testing.Seeds;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills (SIGKILL) a child JVM at random moments while it re-saves an index in a loop; the file must always open,
 * holding one of the complete saved states.
 */
class CrashSafeSaveIT {
  @TempDir Path tmp;

  @Test
  void aSaveKilledAtAnyPointLeavesAReadableIndex() throws Exception {
    long seed = Seeds.seed("crashSafeSave");
    Random r = new Random(seed);
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    int killedMidSave = 0;
    for (int round = 0; round < 12; round++) {
      String kind = round % 2 == 0 ? "hnsw" : "flat";
      Path file = tmp.resolve("round" + round + ".winnow");
      Process child = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
          SaveLoop.class.getName(), file.toString(), kind).redirectErrorStream(true).start();
      try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null && !line.equals("READY")) {
          // wait for the first complete save
        }
        assertEquals("READY", line, "child died before its first save");
        TimeUnit.MILLISECONDS.sleep(50 + r.nextInt(600));
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
      }
      try (var s = java.nio.file.Files.list(tmp)) {
        killedMidSave += s.anyMatch(p -> p.getFileName().toString().startsWith(file.getFileName() + ".tmp-")) ? 1 : 0;
      }
      try (VectorIndex index = kind.equals("hnsw") ? HnswVectorIndex.open(file) : FlatVectorIndex.open(file)) {
        assertTrue(index.size() >= 3000 && index.size() % 100 == 0, "a complete state: size " + index.size());
        assertTrue(index.contains("d0") && index.contains("d" + (index.size() - 1)));
        assertEquals(10, index.search(new float[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 1, 0, 0}, 10).size());
      }
    }
    System.out.println("CrashSafeSaveIT: 12 kills, " + killedMidSave + " of them left a partial temp file (mid-save)");
    assertTrue(killedMidSave > 0, "no kill landed mid-save; the test proved nothing (seed " + seed + ")");
  }
}
