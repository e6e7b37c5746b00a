package dev.winnow.eval;

import java.nio.file.Path;
import java.util.List;

/**
 * What loading one file did: data lines read and, in lenient mode, lines skipped as malformed with the first
 * few problems. Immutable.
 */
public record LoadReport(Path file, int lines, int skipped, List<String> firstProblems) {
  public LoadReport {
    firstProblems = List.copyOf(firstProblems);
  }
}
