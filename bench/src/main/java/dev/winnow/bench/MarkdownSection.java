package dev.winnow.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Rewrites one section of {@code docs/benchmarks.md}, between {@code <!-- name:begin -->} and
 * {@code <!-- name:end -->}, leaving the other benchmarks' sections as they are. Appends the section when absent.
 */
final class MarkdownSection {
  private MarkdownSection() {}

  static void write(Path file, String name, String body) throws IOException {
    String begin = "<!-- " + name + ":begin -->";
    String end = "<!-- " + name + ":end -->";
    String doc = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8)
        : "# Winnow benchmarks\n\nEvery figure here is written by a command in the `bench` module:"
            + " `bench/run-all.sh [--quick]` runs them all; each section names its main class. Machines are shared and noisy: compare ratios measured in the same run.\n";
    String section = begin + "\n" + body.strip() + "\n" + end;
    int b = doc.indexOf(begin);
    int e = doc.indexOf(end);
    if (b >= 0 && e > b) {
      doc = doc.substring(0, b) + section + doc.substring(e + end.length());
    } else {
      doc = doc.stripTrailing() + "\n\n" + section + "\n";
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, doc, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
