package dev.winnow;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A passage to index: an id, its text and metadata used by filters.
 *
 * <p>Metadata keys are non-blank strings; values are {@link String}, {@link Boolean} or a finite {@link Number}
 * ({@code Integer}, {@code Long}, {@code Float}, {@code Double}). The map is copied, keeps insertion order and is
 * unmodifiable. Immutable.
 */
public record Document(String id, String text, Map<String, Object> metadata) {

  /**
   * @throws IllegalArgumentException if {@code id} is null or blank, {@code text} is null, or a metadata entry
   *     breaks the rules above (the message names the key)
   */
  public Document {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("id must be non-blank, got " + (id == null ? "null" : "'" + id + "'"));
    }
    if (text == null) {
      throw new IllegalArgumentException("text is null for document " + id);
    }
    metadata = copyMetadata(id, metadata);
  }

  /** A document without metadata. */
  public Document(String id, String text) {
    this(id, text, Map.of());
  }

  private static Map<String, Object> copyMetadata(String id, Map<String, Object> metadata) {
    if (metadata == null || metadata.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : metadata.entrySet()) {
      String key = e.getKey();
      Object value = e.getValue();
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException("metadata key must be non-blank in document " + id);
      }
      if (!isAllowed(value)) {
        throw new IllegalArgumentException("metadata '" + key + "' of document " + id
            + " must be a String, Boolean or finite Integer/Long/Float/Double, got "
            + (value == null ? "null" : value.getClass().getName() + " " + value));
      }
      copy.put(key, value);
    }
    return java.util.Collections.unmodifiableMap(copy);
  }

  private static boolean isAllowed(Object v) {
    if (v instanceof String || v instanceof Boolean || v instanceof Integer || v instanceof Long) {
      return true;
    }
    if (v instanceof Double d) {
      return Double.isFinite(d);
    }
    if (v instanceof Float f) {
      return Float.isFinite(f);
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Document d && id.equals(d.id) && text.equals(d.text) && metadata.equals(d.metadata);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, text, metadata);
  }
}
