package dev.winnow.encoders.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The old folder survives every failure of a replace; what a crash leaves is repaired. */
class AtomicDirectoryTest {
  @TempDir
  Path tmp;

  @Test
  void replaceSwapsTheWholeFolder() throws IOException {
    Path target = tmp.resolve("model");
    AtomicDirectory.replace(target, d -> Files.writeString(d.resolve("a.txt"), "v1"));
    AtomicDirectory.replace(target, d -> Files.writeString(d.resolve("b.txt"), "v2"));
    assertFalse(Files.exists(target.resolve("a.txt")), "no file of the old version is left");
    assertEquals("v2", Files.readString(target.resolve("b.txt")));
    assertEquals(List.of("model"), names(tmp), "no staging or previous folder is left");
  }

  @Test
  void aWriterFailingMidwayLeavesTheOldVersionUntouched() throws IOException {
    Path target = tmp.resolve("model");
    AtomicDirectory.replace(target, d -> Files.writeString(d.resolve("weights"), "old"));
    IOException e = assertThrows(IOException.class, () -> AtomicDirectory.replace(target, d -> {
      Files.writeString(d.resolve("weights"), "half of the new");
      throw new IOException("disk full");
    }));
    assertEquals("disk full", e.getMessage());
    assertEquals("old", Files.readString(target.resolve("weights")));
    assertEquals(List.of("model"), names(tmp));
    assertThrows(IllegalStateException.class, () -> AtomicDirectory.replace(target, d -> {
      throw new IllegalStateException("bug in the writer");
    }));
    assertEquals("old", Files.readString(target.resolve("weights")));
  }

  @Test
  void aCrashBetweenTheTwoRenamesIsRecoveredToTheOldVersion() throws IOException {
    // what a process killed after "target -> .target.previous" and before "staging -> target" leaves
    Path target = tmp.resolve("model");
    Path previous = AtomicDirectory.previousOf(target);
    Files.createDirectories(previous);
    Files.writeString(previous.resolve("weights"), "old");
    Path staging = Files.createDirectories(tmp.resolve(".model.staging-123"));
    Files.writeString(staging.resolve("weights"), "new, maybe half");
    assertTrue(AtomicDirectory.recover(target));
    assertEquals("old", Files.readString(target.resolve("weights")));
    assertEquals(List.of("model"), names(tmp));
    // and the next replace works from there
    AtomicDirectory.replace(target, d -> Files.writeString(d.resolve("weights"), "new"));
    assertEquals("new", Files.readString(target.resolve("weights")));
  }

  @Test
  void aCrashAfterTheSecondRenameKeepsTheNewVersion() throws IOException {
    Path target = Files.createDirectories(tmp.resolve("model"));
    Files.writeString(target.resolve("weights"), "new");
    Path previous = Files.createDirectories(AtomicDirectory.previousOf(target));
    Files.writeString(previous.resolve("weights"), "old");
    assertFalse(AtomicDirectory.recover(target));
    assertEquals("new", Files.readString(target.resolve("weights")));
    assertEquals(List.of("model"), names(tmp));
  }

  @Test
  void modelDirectoryReadRestoresAnInterruptedSave() throws IOException {
    Path target = tmp.resolve("model");
    Path previous = Files.createDirectories(AtomicDirectory.previousOf(target));
    Files.writeString(previous.resolve("tokenizer.json"), "{}");
    // no model file: read fails, but only after restoring the folder, and says what is missing in it
    Exception e = assertThrows(dev.winnow.ModelLoadException.class, () -> ModelDirectory.read(target, null));
    assertTrue(e.getMessage().contains("has no model file"), e.getMessage());
    assertTrue(Files.isRegularFile(target.resolve("tokenizer.json")));
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
