package dev.winnow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FilterTest {
  private static final Map<String, Object> META = Map.of("lang", "en", "year", 2018, "score", 0.75, "draft", false,
      "views", 12_000_000_000L);

  @Test
  void equalityComparesNumbersByValue() {
    assertTrue(Filter.eq("lang", "en").test(META));
    assertFalse(Filter.eq("lang", "de").test(META));
    assertTrue(Filter.eq("year", 2018L).test(META));
    assertTrue(Filter.eq("year", 2018.0).test(META));
    assertFalse(Filter.eq("year", "2018").test(META), "a string never equals a number");
    assertTrue(Filter.eq("draft", false).test(META));
    assertFalse(Filter.eq("missing", 1).test(META));
    assertTrue(Filter.eq("views", 12_000_000_000L).test(META));
    assertFalse(Filter.eq("views", 12_000_000_001L).test(META), "longs compare exactly");
  }

  @Test
  void inRangeAndBooleanCombinators() {
    assertTrue(Filter.in("lang", List.of("de", "en")).test(META));
    assertFalse(Filter.in("lang", List.of("de", "fr")).test(META));
    assertTrue(Filter.range("year", 2015, 2020).test(META));
    assertTrue(Filter.range("year", 2018, 2018).test(META), "inclusive bounds");
    assertFalse(Filter.greaterThan("year", 2018).test(META));
    assertFalse(Filter.lessThan("year", 2018).test(META));
    assertTrue(Filter.atLeast("score", 0.5f).test(META));
    assertTrue(Filter.atMost("lang", "fr").test(META), "string ranges compare lexicographically");
    assertFalse(Filter.atMost("year", "z").test(META), "a number is outside a string range");
    assertFalse(Filter.range("draft", 0, 1).test(META), "booleans are never in a range");
    assertTrue(Filter.and(Filter.eq("lang", "en"), Filter.not(Filter.eq("draft", true))).test(META));
    assertTrue(Filter.or(Filter.eq("lang", "de"), Filter.eq("year", 2018)).test(META));
    assertFalse(Filter.and(Filter.eq("lang", "en"), Filter.eq("year", 1999)).test(META));
    assertTrue(Filter.not(Filter.eq("missing", 1)).test(META));
    assertEquals(Set.of("lang", "year", "draft"),
        Filter.and(Filter.eq("lang", "en"), Filter.or(Filter.eq("year", 1), Filter.not(Filter.eq("draft", true)))).fields());
  }

  @Test
  void containsMatchesSubstringsOfStringValuesOnly() {
    Map<String, Object> m = Map.of("title", "Dune Messiah", "year", 1969, "flag", true, "empty", "");
    assertTrue(Filter.contains("title", "Dune").test(m));
    assertTrue(Filter.contains("title", "e M").test(m));
    assertTrue(Filter.contains("title", "").test(m), "the empty substring matches any string");
    assertTrue(Filter.contains("empty", "").test(m));
    assertFalse(Filter.contains("title", "dune").test(m), "case-sensitive");
    assertFalse(Filter.contains("year", "19").test(m), "numbers are not strings");
    assertFalse(Filter.contains("flag", "true").test(m), "booleans are not strings");
    assertFalse(Filter.contains("missing", "").test(m));
    assertTrue(Filter.not(Filter.contains("missing", "x")).test(m));
    assertEquals(Set.of("title"), Filter.contains("title", "x").fields());
    assertEquals(new Filter.Contains("title", "x"), Filter.contains("title", "x"));
    assertThrows(IllegalArgumentException.class, () -> Filter.contains("title", null));
    assertThrows(IllegalArgumentException.class, () -> Filter.contains(" ", "x"));
  }

  @Test
  void badFiltersFailAtConstruction() {
    assertThrows(IllegalArgumentException.class, () -> Filter.eq(null, 1));
    assertThrows(IllegalArgumentException.class, () -> Filter.eq(" ", 1));
    assertThrows(IllegalArgumentException.class, () -> Filter.eq("a", null));
    assertThrows(IllegalArgumentException.class, () -> Filter.eq("a", Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Filter.eq("a", new Object()));
    assertThrows(IllegalArgumentException.class, () -> Filter.in("a", List.of()));
    assertThrows(IllegalArgumentException.class, () -> Filter.range("a", null, null));
    assertThrows(IllegalArgumentException.class, () -> Filter.range("a", 5, 1));
    assertThrows(IllegalArgumentException.class, () -> Filter.range("a", 1, "z"));
    assertThrows(IllegalArgumentException.class, () -> Filter.range("a", true, false));
    assertThrows(IllegalArgumentException.class, () -> Filter.and());
    assertThrows(IllegalArgumentException.class, () -> Filter.or((Filter) null));
    assertThrows(IllegalArgumentException.class, () -> Filter.not(null));
  }

  @Test
  void searchOptionsValidateAndResolveEf() {
    assertEquals(100, SearchOptions.DEFAULTS.effectiveEf(10, 100));
    assertEquals(200, SearchOptions.DEFAULTS.effectiveEf(200, 100), "never below k");
    assertEquals(40, SearchOptions.DEFAULTS.withEf(40).effectiveEf(10, 100));
    assertEquals(80, SearchOptions.DEFAULTS.withEfPerK(8).effectiveEf(10, 100));
    assertEquals(40, SearchOptions.DEFAULTS.withEfPerK(8).withEf(40).effectiveEf(10, 100), "the last setting wins");
    assertThrows(IllegalArgumentException.class, () -> SearchOptions.DEFAULTS.withEf(-1));
    assertThrows(IllegalArgumentException.class, () -> SearchOptions.DEFAULTS.withEfPerK(0.5));
    assertThrows(IllegalArgumentException.class, () -> new SearchOptions(10, 2, null));
    Filter f = Filter.eq("a", 1);
    assertEquals(f, SearchOptions.DEFAULTS.withFilter(f).withEf(5).filter());
  }
}
