package dev.winnow.encoders.runtime;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Replaces a folder (a saved model, a checkpoint) so that a crash at any moment leaves the old version or the
 * new one, never a mix and never neither.
 *
 * <pre>{@code
 * AtomicDirectory.replace(Path.of("runs/best"), staging -> {
 *   weights.save(staging.resolve("model.safetensors"));
 *   config.write(staging);
 * });
 * }</pre>
 *
 * <p>Protocol of {@link #replace}, in the target's parent folder:
 * 1. {@link #recover} what an earlier, interrupted replace left;
 * 2. the writer fills a new staging folder {@code .<name>.staging-<n>}; its files and folders are forced to disk;
 * 3. if the target exists it is renamed to {@code .<name>.previous} (one atomic rename);
 * 4. the staging folder is renamed to the target (one atomic rename), and the parent is forced;
 * 5. the previous version is deleted.
 * A failure in 2 deletes the staging folder and leaves the target untouched. A crash between 3 and 4 leaves only
 * {@code .<name>.previous}: {@code recover} (called by the next {@code replace}, and by Winnow's loaders when the
 * target is missing) renames it back. A crash after 4 leaves both; {@code recover} deletes the previous one.
 *
 * <p>Stateless; one process at a time may replace a given folder (concurrent replaces of one target are not
 * coordinated).
 */
public final class AtomicDirectory {
  private AtomicDirectory() {}

  /** Fills the staging folder with the new version. */
  @FunctionalInterface
  public interface Writer {
    void write(Path staging) throws IOException;
  }

  /**
   * Replaces {@code target} with what {@code writer} writes; see the class comment.
   *
   * @throws IOException if writing or renaming fails; the target then still holds the old version
   */
  public static void replace(Path target, Writer writer) throws IOException {
    if (target == null || writer == null) {
      throw new IllegalArgumentException((target == null ? "target" : "writer") + " is null");
    }
    Path t = target.toAbsolutePath().normalize();
    Path parent = Files.createDirectories(t.getParent());
    recover(t);
    Path staging = parent.resolve("." + t.getFileName() + ".staging-" + System.nanoTime());
    Files.createDirectory(staging);
    try {
      writer.write(staging);
      forceTree(staging);
    } catch (IOException | RuntimeException | Error e) {
      deleteTree(staging);
      throw e;
    }
    Path previous = previousOf(t);
    boolean hadOld = Files.exists(t);
    if (hadOld) {
      Files.move(t, previous, StandardCopyOption.ATOMIC_MOVE);
    }
    try {
      Files.move(staging, t, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      if (hadOld) {
        Files.move(previous, t, StandardCopyOption.ATOMIC_MOVE);
      }
      deleteTree(staging);
      throw e;
    }
    force(parent);
    if (hadOld) {
      deleteTree(previous);
    }
  }

  /**
   * Repairs what an interrupted {@link #replace} of {@code target} left: restores {@code .<name>.previous} when
   * the target is missing, deletes it when the target exists, and deletes staging folders. Does nothing when
   * there is nothing to repair.
   *
   * @return whether the previous version was restored
   * @throws IOException if a rename or delete fails
   */
  public static boolean recover(Path target) throws IOException {
    Path t = target.toAbsolutePath().normalize();
    Path parent = t.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      return false;
    }
    boolean restored = false;
    Path previous = previousOf(t);
    if (Files.exists(previous)) {
      if (Files.exists(t)) {
        deleteTree(previous);
      } else {
        Files.move(previous, t, StandardCopyOption.ATOMIC_MOVE);
        force(parent);
        restored = true;
      }
    }
    try (DirectoryStream<Path> stale = Files.newDirectoryStream(parent, "." + globEscape(t.getFileName().toString())
        + ".staging-*")) {
      for (Path s : stale) {
        deleteTree(s);
      }
    }
    return restored;
  }

  /** Where {@link #replace} keeps the old version of {@code target} between its two renames. */
  public static Path previousOf(Path target) {
    Path t = target.toAbsolutePath().normalize();
    return t.resolveSibling("." + t.getFileName() + ".previous");
  }

  private static String globEscape(String s) {
    return s.replaceAll("([*?\\[\\]{}\\\\])", "\\\\$1");
  }

  private static void forceTree(Path dir) throws IOException {
    List<Path> all;
    try (Stream<Path> walk = Files.walk(dir)) {
      all = walk.sorted(Comparator.reverseOrder()).toList(); // files before their folders
    }
    for (Path p : all) {
      force(p);
    }
  }

  private static void force(Path p) throws IOException {
    if (Files.isDirectory(p)) {
      try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
        ch.force(true);
      } catch (IOException notSupported) {
        // some platforms cannot open folders for sync; the rename is still atomic there
      }
    } else {
      try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    List<Path> all;
    try (Stream<Path> walk = Files.walk(p)) {
      all = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path f : all) {
      Files.deleteIfExists(f);
    }
  }
}
