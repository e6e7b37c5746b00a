package dev.winnow.eval;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.winnow.Document;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A data set in BEIR's layout: {@code corpus.jsonl} ({@code _id}, {@code title}, {@code text}),
 * {@code queries.jsonl} ({@code _id}, {@code text}) and a qrels TSV with a header ({@code query-id},
 * {@code corpus-id}, {@code score}). Documents are {@code title + " " + text}, as BEIR evaluates them.
 *
 * <pre>{@code
 * BeirDataset scifact = BeirDataset.load(dir.resolve("corpus.jsonl"), dir.resolve("queries.jsonl"),
 *     dir.resolve("qrels/train.tsv"), false);
 * }</pre>
 *
 * <p>Immutable.
 *
 * @param corpus documents in file order
 * @param queries query id → text, in file order
 * @param qrels query id → (document id → grade), in file order
 * @param reports one per file read
 */
public record BeirDataset(List<Document> corpus, Map<String, String> queries,
    Map<String, Map<String, Integer>> qrels, List<LoadReport> reports) {

  public BeirDataset {
    corpus = List.copyOf(corpus);
    queries = Collections.unmodifiableMap(new LinkedHashMap<>(queries));
    Map<String, Map<String, Integer>> q = new LinkedHashMap<>();
    qrels.forEach((k, v) -> q.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
    qrels = Collections.unmodifiableMap(q);
    reports = List.copyOf(reports);
  }

  /**
   * Loads the three files.
   *
   * @param lenient skip and count malformed lines instead of failing
   * @throws DatasetFormatException (strict mode) naming the file and line of a malformed or duplicate entry
   * @throws IOException if a file cannot be read
   */
  public static BeirDataset load(Path corpusFile, Path queriesFile, Path qrelsFile, boolean lenient)
      throws IOException {
    List<Document> corpus = new ArrayList<>();
    Map<String, Boolean> docIds = new LinkedHashMap<>();
    LoadReport c = LineReader.read(corpusFile, lenient, false, line -> {
      JsonObject o = object(line);
      String id = string(o, "_id");
      String text = o.has("text") && !o.get("text").isJsonNull() ? o.get("text").getAsString() : null;
      if (text == null) {
        throw new IllegalArgumentException("document '" + id + "' has no \"text\"");
      }
      String title = o.has("title") && !o.get("title").isJsonNull() ? o.get("title").getAsString().strip() : "";
      if (docIds.put(id, Boolean.TRUE) != null) {
        throw new IllegalArgumentException("document id '" + id + "' repeats");
      }
      corpus.add(new Document(id, title.isEmpty() ? text : title + " " + text));
    });
    Map<String, String> queries = new LinkedHashMap<>();
    LoadReport q = LineReader.read(queriesFile, lenient, false, line -> {
      JsonObject o = object(line);
      String id = string(o, "_id");
      String text = string(o, "text");
      if (queries.putIfAbsent(id, text) != null) {
        throw new IllegalArgumentException("query id '" + id + "' repeats");
      }
    });
    Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
    LoadReport r = LineReader.read(qrelsFile, lenient, true, line -> {
      String[] f = line.split("\t", -1);
      if (f.length != 3) {
        throw new IllegalArgumentException("expected query-id<TAB>corpus-id<TAB>score, got " + f.length + " fields");
      }
      int grade;
      try {
        grade = Integer.parseInt(f[2].strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("score '" + f[2] + "' is not an integer");
      }
      if (qrels.computeIfAbsent(f[0], k -> new LinkedHashMap<>()).put(f[1], grade) != null) {
        throw new IllegalArgumentException("judgment (" + f[0] + ", " + f[1] + ") repeats");
      }
    });
    return new BeirDataset(corpus, queries, qrels, List.of(c, q, r));
  }

  /**
   * The queries to evaluate: those with judgments, in qrels order.
   *
   * @throws IllegalStateException if a judged query id is missing from the queries file
   */
  public Map<String, String> judgedQueries() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String id : qrels.keySet()) {
      String text = queries.get(id);
      if (text == null) {
        throw new IllegalStateException("qrels judge query '" + id + "', which the queries file lacks");
      }
      out.put(id, text);
    }
    return out;
  }

  private static JsonObject object(String line) {
    JsonElement e = JsonParser.parseString(line);
    if (!e.isJsonObject()) {
      throw new IllegalArgumentException("expected a JSON object");
    }
    return e.getAsJsonObject();
  }

  private static String string(JsonObject o, String key) {
    if (!o.has(key) || o.get(key).isJsonNull() || !o.get(key).isJsonPrimitive()) {
      throw new IllegalArgumentException("missing \"" + key + "\"");
    }
    String s = o.get(key).getAsString();
    if (key.equals("_id") && s.isBlank()) {
      throw new IllegalArgumentException("blank \"_id\"");
    }
    return s;
  }
}
