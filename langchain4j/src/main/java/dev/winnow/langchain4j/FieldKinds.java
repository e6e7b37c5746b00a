package dev.winnow.langchain4j;

import dev.winnow.Document;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which metadata keys the documents of a store hold, and with which value types: what LangChain4j's filter
 * semantics need beyond Winnow's (a key no document has matches nothing instead of being an error; a comparison
 * with a value of another type is an error). Counts per key and type, updated by the store's writers.
 * Thread-safe (synchronized; every call is O(number of keys of one document)).
 */
final class FieldKinds {
  /** A value's type as LangChain4j compares it. */
  enum Kind { STRING, UUID, NUMBER, OTHER }

  private final Map<String, int[]> counts = new HashMap<>();

  synchronized void add(Document d) {
    for (Map.Entry<String, Kind> e : Segments.kinds(d).entrySet()) {
      counts.computeIfAbsent(e.getKey(), k -> new int[Kind.values().length])[e.getValue().ordinal()]++;
    }
  }

  synchronized void remove(Document d) {
    for (Map.Entry<String, Kind> e : Segments.kinds(d).entrySet()) {
      int[] c = counts.get(e.getKey());
      if (c == null) {
        continue;
      }
      c[e.getValue().ordinal()]--;
      boolean empty = true;
      for (int n : c) {
        empty &= n <= 0;
      }
      if (empty) {
        counts.remove(e.getKey());
      }
    }
  }

  synchronized void clear() {
    counts.clear();
  }

  /** The types held under {@code key}; empty when no document has it. */
  synchronized Set<Kind> of(String key) {
    int[] c = counts.get(key);
    EnumSet<Kind> out = EnumSet.noneOf(Kind.class);
    if (c != null) {
      for (Kind k : Kind.values()) {
        if (c[k.ordinal()] > 0) {
          out.add(k);
        }
      }
    }
    return out;
  }
}
