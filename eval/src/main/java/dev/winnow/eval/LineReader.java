package dev.winnow.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads a text data set line by line (gzipped when the name ends in {@code .gz}; strict UTF-8; CRLF tolerated)
 * and applies the strict-or-lenient policy: in strict mode a malformed line throws
 * {@link DatasetFormatException}; in lenient mode it is counted and skipped. Not thread-safe.
 */
final class LineReader {
  /** Parses one line; throws {@link IllegalArgumentException} with the problem for a malformed one. */
  interface LineParser {
    void parse(String line);
  }

  private LineReader() {}

  static LoadReport read(Path file, boolean lenient, boolean header, LineParser parser) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new java.io.FileNotFoundException("data set file not found: " + file);
    }
    int lines = 0;
    int skipped = 0;
    List<String> problems = new ArrayList<>();
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)))) {
      String line;
      int number = 0;
      while ((line = r.readLine()) != null) {
        number++;
        if (line.endsWith("\r")) {
          line = line.substring(0, line.length() - 1);
        }
        if ((header && number == 1) || line.isBlank()) {
          continue;
        }
        lines++;
        try {
          parser.parse(line);
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException
            | IndexOutOfBoundsException | com.google.gson.JsonParseException e) {
          if (!lenient) {
            throw new DatasetFormatException(file, number, e.getMessage(), e);
          }
          skipped++;
          if (problems.size() < 5) {
            problems.add(file.getFileName() + ":" + number + ": " + e.getMessage());
          }
        }
      }
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new DatasetFormatException(file, 0, "not valid UTF-8: " + e, e);
    }
    return new LoadReport(file, lines, skipped, problems);
  }
}
