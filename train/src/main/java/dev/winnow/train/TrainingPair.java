package dev.winnow.train;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One training example of a dual encoder: a question, its answer, and optionally a hard negative (an answer
 * that looks relevant but is not). Immutable.
 *
 * @param question the question text
 * @param answer the answer (passage) text
 * @param hardNegative a wrong answer, or null
 */
public record TrainingPair(String question, String answer, String hardNegative) {

  /** @throws IllegalArgumentException if question or answer is null */
  public TrainingPair {
    if (question == null) {
      throw new IllegalArgumentException("question is null");
    }
    if (answer == null) {
      throw new IllegalArgumentException("answer is null");
    }
  }

  /** A pair without hard negative. */
  public TrainingPair(String question, String answer) {
    this(question, answer, null);
  }

  /**
   * Reads tab-separated {@code question<TAB>answer[<TAB>hard negative]} lines (UTF-8). Blank lines are skipped.
   *
   * @param header whether the first line is a header to skip
   * @throws IllegalArgumentException naming the line that has fewer than 2 or more than 3 fields
   */
  public static List<TrainingPair> readTsv(Path file, boolean header) throws IOException {
    List<TrainingPair> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if ((header && n == 1) || line.isBlank()) {
          continue;
        }
        String[] f = line.split("\t", -1);
        if (f.length < 2 || f.length > 3) {
          throw new IllegalArgumentException(file + " line " + n + " has " + f.length
              + " tab-separated fields; expected question, answer and an optional hard negative");
        }
        out.add(new TrainingPair(f[0], f[1], f.length == 3 && !f[2].isEmpty() ? f[2] : null));
      }
    }
    return out;
  }

  /**
   * Reads JSON lines {@code {"question": ..., "answer": ..., "negative": ...}} (negative optional; also accepted:
   * "query"/"positive"/"hard_negative").
   *
   * @throws IllegalArgumentException naming the line that is not such an object
   */
  public static List<TrainingPair> readJsonl(Path file) throws IOException {
    List<TrainingPair> out = new ArrayList<>();
    int n = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonElement e = JsonParser.parseString(line);
        if (!e.isJsonObject()) {
          throw new IllegalArgumentException(file + " line " + n + " is not a JSON object");
        }
        JsonObject o = e.getAsJsonObject();
        String q = field(o, "question", "query");
        String a = field(o, "answer", "positive");
        if (q == null || a == null) {
          throw new IllegalArgumentException(file + " line " + n + " needs \"question\" and \"answer\" strings");
        }
        out.add(new TrainingPair(q, a, field(o, "negative", "hard_negative")));
      } catch (JsonParseException | IllegalStateException | UnsupportedOperationException e) {
        throw new IllegalArgumentException(file + " line " + n + " is not valid JSON: " + e.getMessage(), e);
      }
    }
    return out;
  }

  private static String field(JsonObject o, String a, String b) {
    for (String k : new String[] {a, b}) {
      if (o.has(k) && o.get(k).isJsonPrimitive()) {
        return o.get(k).getAsString();
      }
    }
    return null;
  }
}
