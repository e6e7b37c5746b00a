package dev.winnow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.testing.Seeds;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MmrTest {
  // a and a2 are near-duplicates; b is orthogonal to both; c is between.
  static final float[][] V = {{1, 0}, {0.99f, 0.141f}, {0, 1}, {0.7071f, 0.7071f}};
  static final float[] REL = {0.9f, 0.85f, 0.5f, 0.1f};

  @Test
  void lambdaOneKeepsTheRelevanceOrderExactly() {
    assertArrayEquals(new int[] {0, 1, 2, 3}, Mmr.select(REL, V, 1.0, 4));
    long seed = Seeds.seed("mmr-lambda-one");
    Random r = new Random(seed);
    float[] rel = new float[50];
    float[][] v = new float[50][8];
    for (int i = 0; i < 50; i++) {
      rel[i] = 1f - i / 50f; // best first, as ranked
      for (int j = 0; j < 8; j++) {
        v[i][j] = (float) r.nextGaussian();
      }
    }
    int[] picks = Mmr.select(rel, v, 1.0, 50);
    for (int i = 0; i < 50; i++) {
      assertEquals(i, picks[i], "seed " + seed);
    }
  }

  @Test
  void tiesKeepTheRankedOrder() {
    float[] equal = {1, 1, 1};
    assertArrayEquals(new int[] {0, 1, 2}, Mmr.select(equal, new float[][] {{1, 0}, {1, 0}, {1, 0}}, 1.0, 3));
  }

  @Test
  void lowerLambdaSkipsTheNearDuplicateByHand() {
    // normalised relevance: a 1, a2 .9375, b .5, c 0.
    // lambda .5, pick 2: a2 .5*.9375 - .5*cos(a2,a)=.46875-.5*.9901=-0.0263; b .25-0=.25; c 0-.5*.7071=-.354 -> b
    int[] picks = Mmr.select(REL, V, 0.5, 3);
    assertEquals(0, picks[0]);
    assertEquals(2, picks[1]);
    // pick 3: a2 .46875 - .5*max(.9901, .1411) = -0.0263; c -.5*.7071 = -.354 -> a2
    assertEquals(1, picks[2]);
    // lambda 0.9 keeps the duplicate second: a2 .84375 - .1*.9901 = .7447 vs b .45
    assertArrayEquals(new int[] {0, 1, 2}, Mmr.select(REL, V, 0.9, 3));
  }

  @Test
  void diversityMeasureAndBadInput() {
    assertEquals(0.0, Mmr.meanPairwiseCosine(List.of(new float[] {1, 0}, new float[] {0, 1})), 1e-9);
    assertEquals(1.0, Mmr.meanPairwiseCosine(List.of(new float[] {1, 0}, new float[] {2, 0})), 1e-6);
    assertEquals(2, Mmr.select(REL, V, 0.5, 2).length);
    assertEquals(4, Mmr.select(REL, V, 0.5, 100).length);
    assertEquals(0, Mmr.select(new float[0], new float[0][], 0.5, 10).length);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Mmr.select(REL, V, 1.1, 2));
    assertTrue(e.getMessage().contains("lambda"));
    assertThrows(IllegalArgumentException.class, () -> Mmr.select(new float[] {1}, V, 0.5, 2));
    assertThrows(IllegalArgumentException.class, () -> Mmr.select(new float[] {Float.NaN}, new float[][] {{1}}, 0.5, 1));
    assertThrows(IllegalArgumentException.class, () -> Mmr.select(REL, new float[][] {{1, 0}, {1}, {1, 0}, {1, 0}}, 0.5, 2));
  }
}
