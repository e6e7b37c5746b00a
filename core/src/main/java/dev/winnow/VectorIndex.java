package dev.winnow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Stores documents with their vectors and finds the nearest ones to a query vector.
 *
 * <pre>{@code
 * try (VectorIndex index = HnswVectorIndex.builder(384, Similarity.COSINE).build()) {
 *   index.add(new Document("d1", "Mount Everest is the tallest mountain."), encoder.encode("Mount Everest ..."));
 *   List<Hit> hits = index.search(encoder.encode("tallest mountain"), 10, SearchOptions.DEFAULTS);
 *   index.save(Path.of("passages.winnow"));
 * }
 * }</pre>
 *
 * <p>Vectors are copied on the way in (callers may reuse their arrays). Ids are unique: {@link #add} refuses an
 * existing id, {@link #upsert} replaces it. Scores follow the index's {@link Similarity}: higher is better.
 *
 * <p>Implementations are thread-safe: searches may run concurrently with each other and with
 * add/upsert/delete/save; each implementation documents its cost model. Whoever creates or opens an index closes
 * it; after {@link #close()} every method but {@code close} throws {@link IllegalStateException}.
 *
 * <p>Argument errors are {@link IllegalArgumentException}s whose message names the argument and the rule: a null
 * document or vector, a vector whose length is not {@link #dimension()}, a NaN or infinite component, a duplicate
 * id on {@code add}, {@code k <= 0}, a filter naming a field no document has.
 */
public interface VectorIndex extends AutoCloseable {

  /** Length of every vector in this index. */
  int dimension();

  /** How vectors are compared; fixed when the index is created. */
  Similarity similarity();

  /**
   * Adds a new document.
   *
   * @throws IllegalArgumentException if the id is already present, or the vector is invalid (see class doc)
   */
  void add(Document document, float[] vector);

  /**
   * Adds many new documents; implementations may use several threads. Row {@code i} of {@code vectors} belongs to
   * {@code documents.get(i)}. All arguments are validated before anything is added.
   *
   * @throws IllegalArgumentException if the sizes differ, an id repeats or is already present, or a vector is
   *     invalid (the message names the row)
   */
  default void addAll(List<Document> documents, float[][] vectors) {
    if (documents == null || vectors == null) {
      throw new IllegalArgumentException((documents == null ? "documents" : "vectors") + " is null");
    }
    if (documents.size() != vectors.length) {
      throw new IllegalArgumentException("documents.size() " + documents.size() + " != vectors.length " + vectors.length);
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < vectors.length; i++) {
      Document d = documents.get(i);
      if (d == null) {
        throw new IllegalArgumentException("documents[" + i + "] is null");
      }
      if (!seen.add(d.id())) {
        throw new IllegalArgumentException("documents[" + i + "]: id '" + d.id() + "' is repeated in the batch");
      }
      if (contains(d.id())) {
        throw new IllegalArgumentException("documents[" + i + "]: id '" + d.id() + "' is already present");
      }
      float[] v = vectors[i];
      if (v == null || v.length != dimension()) {
        throw new IllegalArgumentException("vectors[" + i + "] " + (v == null ? "is null"
            : "has dimension " + v.length + ", the index expects " + dimension()));
      }
      for (int j = 0; j < v.length; j++) {
        if (!Float.isFinite(v[j])) {
          throw new IllegalArgumentException("vectors[" + i + "][" + j + "] is " + v[j] + "; components must be finite");
        }
      }
    }
    for (int i = 0; i < vectors.length; i++) {
      add(documents.get(i), vectors[i]);
    }
  }

  /**
   * Adds the document, or replaces the document and vector stored under its id.
   *
   * @return true if a document with this id was replaced
   */
  boolean upsert(Document document, float[] vector);

  /**
   * Removes a document. Once this returns, searches never return the id (until it is added again).
   *
   * @return true if the id was present
   * @throws IllegalArgumentException if {@code id} is null
   */
  boolean delete(String id);

  /** The document stored under {@code id}, if any. */
  Optional<Document> get(String id);

  /**
   * A copy of the vector stored under {@code id}, if any: the vector as given for {@code DOT_PRODUCT} and
   * {@code EUCLIDEAN}, L2-normalized for {@code COSINE} (what the index compares). Used by MMR diversification
   * in {@link Retriever}.
   *
   * @throws IllegalArgumentException if {@code id} is null
   */
  Optional<float[]> vector(String id);

  /** Whether a document is stored under {@code id}. */
  boolean contains(String id);

  /** Number of documents (deleted ones excluded). */
  int size();

  /**
   * The {@code k} documents most similar to {@code query} that pass the options' filter: best first (ties by id),
   * fewer than {@code k} only when fewer documents match, never null. Approximate indexes may miss some of the
   * true top {@code k}; exact ones do not.
   *
   * @throws IllegalArgumentException for a bad query vector, {@code k <= 0}, a null {@code options}, or a filter
   *     field no document has
   */
  List<Hit> search(float[] query, int k, SearchOptions options);

  /** {@link #search(float[], int, SearchOptions)} with {@link SearchOptions#DEFAULTS}. */
  default List<Hit> search(float[] query, int k) {
    return search(query, k, SearchOptions.DEFAULTS);
  }

  /**
   * Writes the index to {@code path} in Winnow's versioned index format (see {@code docs/index-format.md}):
   * written to a temporary file in the same folder, forced to disk, then atomically renamed, so a crash leaves
   * either the previous file or the new one. Safe while other threads search or write; writers wait for the
   * save.
   *
   * @throws IOException if writing fails (the previous file, if any, is left intact)
   */
  void save(Path path) throws IOException;

  /** Releases the index's memory and threads. Idempotent; never throws a checked exception. */
  @Override
  void close();
}
