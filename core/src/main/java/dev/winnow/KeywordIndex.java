package dev.winnow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Stores documents and finds the ones that best match a query's words (lexical search, e.g. BM25), the keyword
 * side of hybrid retrieval in {@link Retriever}.
 *
 * <pre>{@code
 * try (KeywordIndex index = LuceneKeywordIndex.builder().build()) {      // in memory; winnow-keyword
 *   index.addAll(documents);
 *   List<Hit> hits = index.search("tallest mountain", 10, Filter.eq("lang", "en"));
 *   index.save(Path.of("keyword"));                                       // a folder
 * }
 * }</pre>
 *
 * <p>Queries are plain user text, never a query language: any string is accepted (operators, quotes, wildcards
 * and backslashes are just characters). A query with no searchable term (empty, blank, only punctuation or only
 * stop words) returns no hits rather than throwing. An implementation that bounds the number of distinct terms
 * of one query keeps the rarest ones (highest IDF), so a long pasted text still finds its distinctive words.
 * Scores are higher-is-better and comparable only within one query. Ids are unique: {@link #add} refuses an
 * existing id, {@link #upsert} replaces it.
 *
 * <p>Filters have exactly the semantics of {@link Filter#test} over the documents' metadata, as on
 * {@link VectorIndex}: a filter naming a field that no document of the index has is an
 * {@link IllegalArgumentException}.
 *
 * <p>Implementations are thread-safe: searches may run concurrently with each other and with writes; a write is
 * visible to searches that start after it returns. Whoever creates or opens an index closes it; after
 * {@link #close()} every method but {@code close} throws {@link IllegalStateException}.
 */
public interface KeywordIndex extends AutoCloseable {

  /**
   * Adds a new document.
   *
   * @throws IllegalArgumentException if the document is null or its id is already present
   */
  void add(Document document);

  /**
   * Adds many new documents. All are validated (null elements, ids repeated in the list or already present)
   * before any is added.
   *
   * @throws IllegalArgumentException naming the offending position
   */
  void addAll(List<Document> documents);

  /**
   * Adds the document, or replaces the document stored under its id.
   *
   * @return true if a document with this id was replaced
   */
  boolean upsert(Document document);

  /**
   * Removes a document; once this returns searches never return it.
   *
   * @return true if the id was present
   * @throws IllegalArgumentException if {@code id} is null
   */
  boolean delete(String id);

  /** The document stored under {@code id}, if any. */
  Optional<Document> get(String id);

  /** Whether a document is stored under {@code id}. */
  boolean contains(String id);

  /** Number of documents. */
  int size();

  /**
   * The {@code k} documents that best match {@code query}'s terms and pass {@code filter}: best first (ties by
   * id), only documents sharing at least one term with the query, never null.
   *
   * @param query any text; no searchable term gives an empty list
   * @param k results wanted, {@code >= 1}; a huge {@code k} is fine (results are bounded by {@link #size()})
   * @param filter metadata filter, or null
   * @throws IllegalArgumentException if {@code query} is null, {@code k < 1}, or the filter names a field no
   *     document has (checked even when the query has no searchable term)
   */
  List<Hit> search(String query, int k, Filter filter);

  /** {@link #search(String, int, Filter)} without a filter. */
  default List<Hit> search(String query, int k) {
    return search(query, k, null);
  }

  /**
   * Writes the index into the folder {@code dir} (created if needed) so that the implementation's {@code open}
   * reads it back; the write is atomic (a crash leaves the previous state of {@code dir} or the new one). Safe
   * while other threads search or write.
   *
   * @throws IOException if writing fails
   */
  void save(Path dir) throws IOException;

  /** Releases the index's resources. Idempotent; never throws a checked exception. */
  @Override
  void close();
}
