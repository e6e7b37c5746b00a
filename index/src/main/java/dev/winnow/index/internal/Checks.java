package dev.winnow.index.internal;

import dev.winnow.Document;
import dev.winnow.Filter;
import dev.winnow.SearchOptions;
import java.util.Set;

/** Argument checks shared by the indexes; messages name the argument and the rule. Stateless. */
public final class Checks {
  private Checks() {}

  public static void vector(float[] v, int dimension, String name) {
    if (v == null) {
      throw new IllegalArgumentException(name + " is null");
    }
    if (v.length != dimension) {
      throw new IllegalArgumentException(name + " has dimension " + v.length + ", the index expects " + dimension);
    }
    for (int i = 0; i < v.length; i++) {
      if (!Float.isFinite(v[i])) {
        throw new IllegalArgumentException(name + "[" + i + "] is " + v[i] + "; components must be finite");
      }
    }
  }

  /**
   * Validates a batch for {@code addAll} and returns its vectors in stored form: both lists non-null and of equal
   * length, no null document, every vector of {@code dimension} finite components, ids unique in the batch and not
   * {@code present} in the index (checked again under the writer's lock where it matters).
   */
  public static float[][] batch(java.util.List<Document> documents, float[][] vectors, int dimension,
      dev.winnow.Similarity similarity, java.util.function.Predicate<String> present) {
    if (documents == null || vectors == null) {
      throw new IllegalArgumentException((documents == null ? "documents" : "vectors") + " is null");
    }
    if (documents.size() != vectors.length) {
      throw new IllegalArgumentException("documents.size() " + documents.size() + " != vectors.length " + vectors.length);
    }
    Set<String> seen = new java.util.HashSet<>();
    float[][] stored = new float[vectors.length][];
    for (int i = 0; i < vectors.length; i++) {
      Document d = documents.get(i);
      if (d == null) {
        throw new IllegalArgumentException("documents[" + i + "] is null");
      }
      vector(vectors[i], dimension, "vectors[" + i + "]");
      if (!seen.add(d.id())) {
        throw new IllegalArgumentException("documents[" + i + "]: id '" + d.id() + "' is repeated in the batch");
      }
      if (present.test(d.id())) {
        throw new IllegalArgumentException("documents[" + i + "]: id '" + d.id() + "' is already present");
      }
      stored[i] = VectorOps.stored(similarity, vectors[i]);
    }
    return stored;
  }

  public static void document(Document d) {
    if (d == null) {
      throw new IllegalArgumentException("document is null");
    }
  }

  public static void id(String id) {
    if (id == null) {
      throw new IllegalArgumentException("id is null");
    }
  }

  /** Validates a search; {@code knownFields} null skips the unknown-filter-field check. */
  public static void search(float[] query, int dimension, int k, SearchOptions options, Set<String> knownFields) {
    vector(query, dimension, "query");
    if (k <= 0) {
      throw new IllegalArgumentException("k must be > 0, got " + k);
    }
    if (options == null) {
      throw new IllegalArgumentException("options is null (use SearchOptions.DEFAULTS)");
    }
    Filter f = options.filter();
    if (f != null && knownFields != null) {
      for (String field : f.fields()) {
        if (!knownFields.contains(field)) {
          throw new IllegalArgumentException("filter field '" + field + "' is unknown: no document in the index has it"
              + " (known fields: " + new java.util.TreeSet<>(knownFields) + ")");
        }
      }
    }
  }

  public static void open(boolean closed, String what) {
    if (closed) {
      throw new IllegalStateException(what + " is closed");
    }
  }
}
