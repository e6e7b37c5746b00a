package dev.winnow.encoders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.winnow.encoders.runtime.BatchPlanner;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchPlanTest {
  @Test
  void equalLengthsFillBatchesUpToTheLimit() {
    int[] lengths = new int[70];
    java.util.Arrays.fill(lengths, 12);
    assertArrayEquals(new int[] {32, 64, 70}, BatchPlanner.cut(lengths, 32, 16));
  }

  @Test
  void aLongTextIsNotPaddedOntoShortOnes() {
    // one 200-token text and eight 10-token texts: together 9 × 200 = 1800 padded tokens,
    // apart 16 + 200 + 16 + 8 × 10 = 312
    int[] lengths = {200, 10, 10, 10, 10, 10, 10, 10, 10};
    assertArrayEquals(new int[] {1, 9}, BatchPlanner.cut(lengths, 32, 16));
  }

  @Test
  void hugeOverheadGivesTheFewestBatches() {
    int[] lengths = {200, 100, 50, 40, 30, 20, 10, 5, 4, 3};
    // 3 batches of at most 4 is the minimum; among those, (2, 4, 4) pads least
    assertArrayEquals(new int[] {2, 6, 10}, BatchPlanner.cut(lengths, 4, 1_000_000));
    assertArrayEquals(new int[] {10}, BatchPlanner.cut(lengths, 32, 1_000_000));
  }

  @Test
  void zeroOverheadSplitsAtEveryLengthChange() {
    assertArrayEquals(new int[] {2, 3, 5}, BatchPlanner.cut(new int[] {9, 9, 7, 5, 5}, 32, 0));
  }

  @Test
  void emptyAndSingle() {
    assertArrayEquals(new int[0], BatchPlanner.cut(new int[0], 32, 16));
    assertArrayEquals(new int[] {1}, BatchPlanner.cut(new int[] {5}, 32, 16));
  }

  @Test
  void planReturnsInputIndicesLongestFirstCoveringEachOnce() {
    List<int[]> plan = new BatchPlanner(2, 0).plan(new int[] {3, 9, 3, 7});
    assertArrayEquals(new int[] {1}, plan.get(0));
    assertArrayEquals(new int[] {3}, plan.get(1));
    assertArrayEquals(new int[] {0, 2}, plan.get(2)); // ties keep input order
  }

  @Test
  void plannerRejectsBadSettings() {
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new BatchPlanner(0, 1));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new BatchPlanner(1, -1));
  }
}
