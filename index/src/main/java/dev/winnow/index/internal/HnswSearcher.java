package dev.winnow.index.internal;

import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import dev.winnow.Similarity;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.eclipse.collections.api.list.primitive.MutableIntList;

/**
 * Best-first HNSW search over an hnswlib graph with a per-call {@code ef}, an acceptance test (live and, with a
 * filter, matching) and a visit limit, on primitive scores (Lucene's {@code HnswGraphSearcher} design). Nodes
 * that fail the test still guide the traversal; only accepted ones enter the results. One instance per thread
 * ({@link #get()}): it owns the visited marks and scratch buffers. Not thread-safe.
 */
public final class HnswSearcher {
  /** Returned by {@link #search} when the visit limit was hit. */
  public static final int ABORTED = -1;

  private static final ThreadLocal<HnswSearcher> LOCAL = ThreadLocal.withInitial(HnswSearcher::new);

  private int[] marks = new int[0];
  private int epoch;
  private int[] scratch = new int[64];
  private final ScoreHeap candidates = new ScoreHeap(256);

  private HnswSearcher() {}

  public static HnswSearcher get() {
    return LOCAL.get();
  }

  /** Decides whether a node may be returned. */
  @FunctionalInterface
  public interface Accept {
    boolean test(int nodeId, HnswItem item);
  }

  /**
   * Searches {@code graph} for {@code query} (stored form). The results heap receives up to {@code ef} accepted
   * (score, node id) pairs.
   *
   * @return the number of nodes visited on the bottom layer, or {@link #ABORTED} if that exceeded
   *     {@code visitLimit}
   */
  public int search(HnswIndex<Integer, float[], HnswItem, Float> graph, Similarity sim, float[] query, int ef,
      Accept accept, int visitLimit, ScoreHeap results) {
    // 1. Greedy descent from the entry point through the upper layers to the best node on layer 1.
    // 2. Best-first search on layer 0 with a candidate max-heap and an ef-bounded result min-heap; stop when the
    //    best candidate is worse than the worst result of a full result heap.
    // 3. Nodes failing `accept` are expanded but never collected; count visits and give up past visitLimit.
    Object ep = HnswGraph.entryPoint(graph);
    if (ep == null) {
      return 0;
    }
    AtomicReferenceArray<Object> nodes = HnswGraph.nodes(graph);
    if (marks.length < nodes.length()) {
      marks = new int[nodes.length()];
      epoch = 0;
    }
    if (++epoch == Integer.MAX_VALUE) {
      java.util.Arrays.fill(marks, 0);
      epoch = 1;
    }
    Object cur = ep;
    int curId = HnswGraph.id(cur);
    float curScore = VectorOps.score(sim, query, HnswGraph.item(cur).vector());
    for (int level = HnswGraph.connections(ep).length - 1; level > 0; level--) {
      boolean changed = true;
      while (changed) {
        changed = false;
        int n = copyNeighbours(cur, level);
        for (int i = 0; i < n; i++) {
          int id = scratch[i];
          Object node = nodes.get(id);
          if (node == null) {
            continue;
          }
          float s = VectorOps.score(sim, query, HnswGraph.item(node).vector());
          if (s > curScore) {
            curScore = s;
            cur = node;
            curId = id;
            changed = true;
          }
        }
      }
    }

    candidates.clear();
    results.clear();
    candidates.push(-curScore, curId);
    marks[curId] = epoch;
    int visited = 1;
    HnswItem curItem = HnswGraph.item(cur);
    if (accept.test(curId, curItem) && !HnswGraph.deleted(cur)) {
      results.offer(curScore, curId, ef);
    }
    while (!candidates.isEmpty()) {
      float bestScore = -candidates.topScore();
      int bestId = candidates.topId();
      candidates.pop();
      if (results.size() >= ef && bestScore < results.topScore()) {
        break;
      }
      Object node = nodes.get(bestId);
      int n = copyNeighbours(node, 0);
      for (int i = 0; i < n; i++) {
        int id = scratch[i];
        if (id >= marks.length || marks[id] == epoch) {
          continue;
        }
        marks[id] = epoch;
        if (++visited > visitLimit) {
          return ABORTED;
        }
        Object nb = nodes.get(id);
        if (nb == null) {
          continue;
        }
        HnswItem item = HnswGraph.item(nb);
        float s = VectorOps.score(sim, query, item.vector());
        if (results.size() < ef || s > results.topScore()) {
          candidates.push(-s, id);
          if (item.live() && !HnswGraph.deleted(nb) && accept.test(id, item)) {
            results.offer(s, id, ef);
          }
        }
      }
    }
    return visited;
  }

  private int copyNeighbours(Object node, int level) {
    MutableIntList[] conns = HnswGraph.connections(node);
    if (level >= conns.length) {
      return 0;
    }
    MutableIntList list = conns[level];
    synchronized (node) {
      int n = list.size();
      if (scratch.length < n) {
        scratch = new int[Math.max(n, scratch.length * 2)];
      }
      for (int i = 0; i < n; i++) {
        scratch[i] = list.get(i);
      }
      return n;
    }
  }
}
