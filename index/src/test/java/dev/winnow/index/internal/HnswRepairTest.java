package dev.winnow.index.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.Document;
import dev.winnow.Similarity;
import java.util.ArrayDeque;
import org.junit.jupiter.api.Test;

/**
 * The pass that links in nodes no walk from the entry point reaches: pruning leaves a few such nodes in a clustered
 * set built with a small M, and a node whose in-links are all cut must come back.
 */
class HnswRepairTest {
  private static HnswGeneration build(float[][] v, int m) {
    HnswGeneration g = HnswGeneration.empty(v[0].length, Similarity.COSINE, m, 100, 1);
    for (int i = 0; i < v.length; i++) {
      g.insert(new Document("d" + i, ""), v[i], true);
    }
    return g;
  }

  /** Nodes on {@code level} (level >= their top) that a breadth-first walk from the entry point does not reach. */
  private static int unreachable(HnswGraph graph, int level) {
    int n = graph.size();
    boolean[] seen = new boolean[n];
    int[][] buf = {new int[64]};
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    int ep = HnswGraph.entryNode(graph.entry());
    queue.add(ep);
    seen[ep] = true;
    while (!queue.isEmpty()) {
      int x = queue.poll();
      int c = graph.neighbours(x, level, buf);
      for (int j = 0; j < c; j++) {
        if (!seen[buf[0][j]]) {
          seen[buf[0][j]] = true;
          queue.add(buf[0][j]);
        }
      }
    }
    int out = 0;
    for (int i = 0; i < n; i++) {
      out += graph.level(i) >= level && !seen[i] ? 1 : 0;
    }
    return out;
  }

  @Test
  void everyNodeIsReachableOnEveryLayerAfterTheRepair() {
    HnswGeneration g = build(ClusteredVectors.of(6000, 64, 11), 4);
    HnswGraph graph = g.graph();
    int top = HnswGraph.entryLevel(graph.entry());
    int before = 0;
    for (int l = top; l >= 0; l--) {
      before += unreachable(graph, l);
    }
    assertTrue(before > 0, "this set and M = 4 are chosen to leave nodes unreachable; none was");
    int linked = g.repair(true);
    assertTrue(linked > 0, linked + " linked for " + before + " unreachable");
    for (int l = top; l >= 0; l--) {
      assertEquals(0, unreachable(graph, l), "unreachable on level " + l + " after the repair");
    }
    assertEquals(0, g.repair(true), "a second repair with no insert in between does nothing");
  }

  @Test
  void aNodeWhoseInLinksAreCutIsLinkedBackToItsNearestNodes() {
    float[][] v = ClusteredVectors.of(2000, 32, 5);
    HnswGeneration g = build(v, 8);
    HnswGraph graph = g.graph();
    int victim = 1234;
    int[][] buf = {new int[64]};
    for (int i = 0; i < graph.size(); i++) {
      synchronized (graph.lock(i)) {
        int c = graph.neighboursLocked(i, 0, buf);
        int k = 0;
        for (int j = 0; j < c; j++) {
          if (buf[0][j] != victim) {
            buf[0][k++] = buf[0][j];
          }
        }
        graph.setNeighboursLocked(i, 0, buf[0], k);
      }
    }
    assertTrue(unreachable(graph, 0) >= 1);
    g.insert(new Document("extra", ""), v[0], true); // a repair only runs after inserts
    assertTrue(g.repair(true) >= 1);
    assertEquals(0, unreachable(graph, 0));
    // the node that now links to the victim is one of its 10 nearest
    float best = Float.NEGATIVE_INFINITY;
    float[] scratch = new float[32];
    for (int i = 0; i < graph.size(); i++) {
      int c = graph.neighbours(i, 0, buf);
      for (int j = 0; j < c; j++) {
        if (buf[0][j] == victim) {
          best = Math.max(best, graph.score(v[victim], i, scratch));
        }
      }
    }
    int closer = 0;
    for (int i = 0; i < 2000; i++) {
      closer += i != victim && graph.score(v[victim], i, scratch) > best ? 1 : 0;
    }
    assertTrue(closer < 10, closer + " nodes are closer to the victim than the one linked to it");
  }
}
