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

  public static void search(float[] query, int dimension, int k, SearchOptions options, Set<String> knownFields) {
    vector(query, dimension, "query");
    if (k <= 0) {
      throw new IllegalArgumentException("k must be > 0, got " + k);
    }
    if (options == null) {
      throw new IllegalArgumentException("options is null (use SearchOptions.DEFAULTS)");
    }
    Filter f = options.filter();
    if (f != null) {
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
