package dev.winnow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FusionTest {
  static final List<Hit> DENSE = List.of(new Hit("a", 0.9f), new Hit("b", 0.8f), new Hit("c", 0.5f));
  static final List<Hit> KEYWORD = List.of(new Hit("c", 12f), new Hit("d", 8f), new Hit("a", 4f));

  @Test
  void rrfSumsReciprocalRanksByHand() {
    List<Hit> fused = Fusion.rrf(60).fuse(DENSE, KEYWORD);
    // a: 1/61 + 1/63 = 0.032266; c: 1/63 + 1/61 = same -> tie broken by id; b: 1/62; d: 1/62
    assertEquals(List.of("a", "c", "b", "d"), fused.stream().map(Hit::id).toList());
    assertEquals(1.0 / 61 + 1.0 / 63, fused.get(0).score(), 1e-7);
    assertEquals(1.0 / 62, fused.get(2).score(), 1e-7);
    List<Hit> k0 = Fusion.rrf(0).fuse(DENSE, KEYWORD);
    // k = 0: a 1 + 1/3, c 1/3 + 1, b 1/2, d 1/2
    assertEquals(4.0 / 3, k0.get(0).score(), 1e-6);
  }

  @Test
  void linearNormalisesEachSideByMinMax() {
    List<Hit> fused = Fusion.linear(0.5).fuse(DENSE, KEYWORD);
    // dense norm: a 1, b 0.75, c 0; keyword norm: c 1, d 0.5, a 0
    // a .5, b .375, c .5, d .25
    assertEquals(List.of("a", "c", "b", "d"), fused.stream().map(Hit::id).toList());
    assertEquals(0.5, fused.get(0).score(), 1e-6);
    assertEquals(0.375, fused.get(2).score(), 1e-6);
    assertEquals(0.25, fused.get(3).score(), 1e-6);
    List<Hit> dense = Fusion.linear(1).fuse(DENSE, KEYWORD);
    assertEquals(List.of("a", "b"), dense.subList(0, 2).stream().map(Hit::id).toList());
    List<Hit> kw = Fusion.linear(0).fuse(DENSE, KEYWORD);
    assertEquals("c", kw.get(0).id());
    // a single-element side normalises to 1
    assertEquals(0.3, Fusion.linear(0.3).fuse(List.of(new Hit("x", 0.2f)), List.of()).get(0).score(), 1e-6);
  }

  @Test
  void emptySidesAndParsing() {
    assertTrue(Fusion.rrf().fuse(List.of(), List.of()).isEmpty());
    assertEquals(DENSE.stream().map(Hit::id).toList(),
        Fusion.rrf().fuse(DENSE, List.of()).stream().map(Hit::id).toList());
    assertEquals(Fusion.rrf(60), Fusion.parse("rrf"));
    assertEquals(Fusion.rrf(10), Fusion.parse("RRF:10"));
    assertEquals(Fusion.linear(0.7), Fusion.parse("linear:0.7"));
    assertEquals(Fusion.linear(0.5), Fusion.parse(Fusion.linear(0.5).toString()));
    assertEquals(Fusion.rrf(20), Fusion.parse(Fusion.rrf(20).toString()));
    assertThrows(IllegalArgumentException.class, () -> Fusion.parse("max"));
    assertThrows(IllegalArgumentException.class, () -> Fusion.parse("linear:x"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fusion.linear(1.5));
    assertTrue(e.getMessage().contains("alpha"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Fusion.linear(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Fusion.rrf(-1));
  }
}
