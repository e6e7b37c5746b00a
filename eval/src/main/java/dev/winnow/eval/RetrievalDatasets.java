package dev.winnow.eval;

import dev.winnow.Document;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Retrieval tasks in the {@link BeirDataset} shape built from data sets that are not in BEIR's layout, so one
 * evaluation runs over all of them.
 *
 * <ul>
 *   <li>{@link #naturalQuestions}: the NQ sample's TSV ({@code question<TAB>answer}, a header line); the corpus
 *       is the distinct answers ({@code a0}, {@code a1}, ... in first-seen order), each question's one relevant
 *       document its own answer.
 *   <li>{@link #wikiQa}: WikiQA's TSV; the corpus is every distinct candidate sentence of the file (ids
 *       {@code s0}, ...), the queries its answerable questions, relevant the sentences labelled 1 for that
 *       question. Harder than WikiQA's usual per-question reranking: the whole file's sentences compete.
 * </ul>
 *
 * <p>Stateless.
 */
public final class RetrievalDatasets {
  private RetrievalDatasets() {}

  /**
   * @param lenient skip and count malformed lines instead of failing
   * @throws DatasetFormatException (strict mode) naming the file and line of a malformed line
   */
  public static BeirDataset naturalQuestions(Path tsv, boolean lenient) throws IOException {
    Map<String, String> idOfAnswer = new LinkedHashMap<>();
    List<Document> corpus = new ArrayList<>();
    Map<String, String> queries = new LinkedHashMap<>();
    Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
    LoadReport report = LineReader.read(tsv, lenient, true, line -> {
      String[] f = line.split("\t", -1);
      if (f.length != 2 || f[0].isBlank() || f[1].isBlank()) {
        throw new IllegalArgumentException("expected question<TAB>answer, both non-blank");
      }
      String id = idOfAnswer.get(f[1]);
      if (id == null) {
        id = "a" + idOfAnswer.size();
        idOfAnswer.put(f[1], id);
        corpus.add(new Document(id, f[1]));
      }
      String qid = "q" + queries.size();
      queries.put(qid, f[0]);
      qrels.put(qid, Map.of(id, 1));
    });
    return new BeirDataset(corpus, queries, qrels, List.of(report));
  }

  /**
   * @param lenient skip and count malformed lines instead of failing
   * @throws DatasetFormatException (strict mode) naming the file and line of a malformed line
   */
  public static BeirDataset wikiQa(Path tsv, boolean lenient) throws IOException {
    WikiQaDataset data = WikiQaDataset.load(tsv, lenient);
    Map<String, String> idOfSentence = new LinkedHashMap<>();
    List<Document> corpus = new ArrayList<>();
    Map<String, String> queries = new LinkedHashMap<>();
    Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
    for (WikiQaDataset.Question q : data.questions()) {
      Map<String, Integer> relevant = new LinkedHashMap<>();
      for (int i = 0; i < q.sentences().size(); i++) {
        String s = q.sentences().get(i);
        String id = idOfSentence.get(s);
        if (id == null) {
          id = "s" + idOfSentence.size();
          idOfSentence.put(s, id);
          corpus.add(new Document(id, s));
        }
        if (q.labels().get(i) == 1) {
          relevant.put(id, 1);
        }
      }
      if (!relevant.isEmpty()) {
        queries.put(q.id(), q.text());
        qrels.put(q.id(), relevant);
      }
    }
    return new BeirDataset(corpus, queries, qrels, List.of(data.report()));
  }
}
