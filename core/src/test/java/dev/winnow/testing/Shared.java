package dev.winnow.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Locates {@code ../shared} (real data sets and model fixtures). Tests that need it call {@link #require}, which
 * skips the test (not fails it) when the folder is absent, so a fresh clone passes.
 */
public final class Shared {
  private Shared() {}

  /** The shared folder: {@code -Dwinnow.shared}, else {@code $WINNOW_SHARED}, else {@code ../shared}. */
  public static Path root() {
    String p = System.getProperty("winnow.shared");
    if (p == null || p.isBlank()) {
      p = System.getenv("WINNOW_SHARED");
    }
    return Paths.get(p == null || p.isBlank() ? "../shared" : p).toAbsolutePath().normalize();
  }

  /** {@code root().resolve(relative)}, skipping the calling test when it does not exist. */
  public static Path require(String relative) {
    Path path = root().resolve(relative);
    assumeTrue(Files.exists(path), () -> "skipped: " + path + " is absent");
    return path;
  }
}
