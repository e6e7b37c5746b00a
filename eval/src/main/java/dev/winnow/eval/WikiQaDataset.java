package dev.winnow.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * WikiQA answer-sentence selection: a TSV (gzipped or not, CRLF tolerated) with the header
 * {@code QuestionID Question DocumentID DocumentTitle SentenceID Sentence Label}, grouped by question. Immutable.
 */
public record WikiQaDataset(List<Question> questions, LoadReport report) {

  /** One question with its candidate sentences and their 0/1 labels, in file order. */
  public record Question(String id, String text, List<String> sentences, List<Integer> labels) {
    public Question {
      sentences = List.copyOf(sentences);
      labels = List.copyOf(labels);
    }

    /** Whether at least one candidate is a correct answer. */
    public boolean hasAnswer() {
      return labels.contains(1);
    }

    /** Candidate index → label, as judgments for {@link IrMetrics} (ids are the indexes as strings). */
    public Map<String, Integer> judgments() {
      Map<String, Integer> j = new LinkedHashMap<>();
      for (int i = 0; i < labels.size(); i++) {
        j.put(Integer.toString(i), labels.get(i));
      }
      return j;
    }
  }

  public WikiQaDataset {
    questions = List.copyOf(questions);
  }

  /**
   * @param lenient skip and count malformed lines instead of failing
   * @throws DatasetFormatException (strict mode) naming the file and line
   */
  public static WikiQaDataset load(Path file, boolean lenient) throws IOException {
    Map<String, String> text = new LinkedHashMap<>();
    Map<String, List<String>> sentences = new LinkedHashMap<>();
    Map<String, List<Integer>> labels = new LinkedHashMap<>();
    LoadReport report = LineReader.read(file, lenient, true, line -> {
      String[] f = line.split("\t", -1);
      if (f.length != 7) {
        throw new IllegalArgumentException("expected 7 TAB-separated fields, got " + f.length);
      }
      int label = switch (f[6].strip()) {
        case "0" -> 0;
        case "1" -> 1;
        default -> throw new IllegalArgumentException("label '" + f[6] + "' is not 0 or 1");
      };
      String previous = text.putIfAbsent(f[0], f[1]);
      if (previous != null && !previous.equals(f[1])) {
        throw new IllegalArgumentException("question " + f[0] + " has two texts");
      }
      sentences.computeIfAbsent(f[0], k -> new ArrayList<>()).add(f[5]);
      labels.computeIfAbsent(f[0], k -> new ArrayList<>()).add(label);
    });
    List<Question> questions = new ArrayList<>();
    text.forEach((id, t) -> questions.add(new Question(id, t, sentences.get(id), labels.get(id))));
    return new WikiQaDataset(questions, report);
  }

  /** The questions with at least one correct answer (the usual "filtered" evaluation). */
  public List<Question> answerable() {
    return questions.stream().filter(Question::hasAnswer).toList();
  }
}
