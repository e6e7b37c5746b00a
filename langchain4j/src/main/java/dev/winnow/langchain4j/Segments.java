package dev.winnow.langchain4j;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import dev.winnow.Document;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * How a LangChain4j entry (id, optional {@link TextSegment}) is stored as a Winnow {@link Document}, and back.
 *
 * <ul>
 *   <li>An entry without a segment is a document with empty text (LangChain4j segments are never blank).
 *   <li>String, Integer, Long, Float and Double metadata are stored as they are. {@link UUID} values are stored as
 *       their canonical string, and their keys are listed under {@link #UUID_KEYS}, so that reading gives a
 *       {@code UUID} back and filters compare UUIDs with strings the way LangChain4j does.
 *   <li>Reading a document Winnow wrote itself (not through this adapter): a Boolean value becomes its string
 *       ({@code "true"}), since LangChain4j metadata has no booleans.
 * </ul>
 * Stateless.
 */
final class Segments {
  private Segments() {}

  /** Reserved metadata key: the keys whose values are UUIDs, length-prefixed ({@code "4:uuid2:id"}). */
  static final String UUID_KEYS = "_winnow_uuid_keys";

  static Document toDocument(String id, TextSegment segment) {
    if (segment == null) {
      return new Document(id, "");
    }
    Map<String, Object> meta = new LinkedHashMap<>();
    StringBuilder uuidKeys = new StringBuilder();
    for (Map.Entry<String, Object> e : segment.metadata().toMap().entrySet()) {
      String key = e.getKey();
      if (UUID_KEYS.equals(key)) {
        throw new IllegalArgumentException("metadata key '" + UUID_KEYS + "' is reserved by WinnowEmbeddingStore");
      }
      Object v = e.getValue();
      if (v instanceof UUID u) {
        meta.put(key, u.toString());
        uuidKeys.append(key.length()).append(':').append(key);
      } else {
        meta.put(key, v);
      }
    }
    if (uuidKeys.length() > 0) {
      meta.put(UUID_KEYS, uuidKeys.toString());
    }
    return new Document(id, segment.text(), meta);
  }

  /** The segment stored in {@code d}, or null for an entry stored without one. */
  static TextSegment toSegment(Document d) {
    if (d.text().isBlank()) {
      return null;
    }
    return TextSegment.from(d.text(), toMetadata(d));
  }

  static Metadata toMetadata(Document d) {
    List<String> uuids = uuidKeys(d);
    Map<String, Object> out = new HashMap<>();
    for (Map.Entry<String, Object> e : d.metadata().entrySet()) {
      String key = e.getKey();
      Object v = e.getValue();
      if (UUID_KEYS.equals(key)) {
        continue;
      }
      if (v instanceof Boolean b) {
        out.put(key, b.toString());
      } else if (v instanceof String s && uuids.contains(key)) {
        out.put(key, UUID.fromString(s));
      } else {
        out.put(key, v);
      }
    }
    return new Metadata(out);
  }

  /** The keys of {@code d} whose values are UUIDs (stored as strings). */
  static List<String> uuidKeys(Document d) {
    Object list = d.metadata().get(UUID_KEYS);
    if (!(list instanceof String s) || s.isEmpty()) {
      return List.of();
    }
    List<String> keys = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      int colon = s.indexOf(':', i);
      if (colon < 0) {
        throw new IllegalStateException("document " + d.id() + ": malformed " + UUID_KEYS + " '" + s + "'");
      }
      int len = Integer.parseInt(s.substring(i, colon));
      keys.add(s.substring(colon + 1, colon + 1 + len));
      i = colon + 1 + len;
    }
    return keys;
  }

  /** The LangChain4j type of each user metadata value of {@code d}, for {@link FieldKinds}. */
  static Map<String, FieldKinds.Kind> kinds(Document d) {
    List<String> uuids = uuidKeys(d);
    Map<String, FieldKinds.Kind> out = new HashMap<>();
    for (Map.Entry<String, Object> e : d.metadata().entrySet()) {
      if (UUID_KEYS.equals(e.getKey())) {
        continue;
      }
      Object v = e.getValue();
      out.put(e.getKey(), v instanceof Number ? FieldKinds.Kind.NUMBER
          : uuids.contains(e.getKey()) ? FieldKinds.Kind.UUID
          : v instanceof String ? FieldKinds.Kind.STRING : FieldKinds.Kind.OTHER);
    }
    return out;
  }
}
