package dev.winnow.index.internal;

import java.util.SplittableRandom;

/**
 * Inserts nodes into an {@link HnswGraph} (Malkov and Yashunin, with Lucene's choices where they measured better):
 *
 * <ol>
 *   <li>A random top level {@code floor(-ln(u) / ln(M))}, capped at {@link #maxLevel(int)}.
 *   <li>Greedy descent from the entry point to the node's top level.
 *   <li>On each of the node's layers, top-down: a beam search of width {@code efConstruction} (seeded with the
 *       previous layer's whole beam), then the neighbour-selection heuristic: a candidate is kept only when it is
 *       closer to the new node than to every neighbour already kept, up to 2M on layer 0 (Lucene's layer-0 degree;
 *       hnswlib keeps M there) and M above.
 *   <li>Back links: each chosen neighbour gets the new node; a list that overflows drops its worst non-diverse
 *       entry (the farthest one if all are diverse), so lists stay full rather than being cut down.
 * </ol>
 *
 * <p>Concurrent inserts from several threads are safe: a node chooses its neighbours on all its layers before any
 * list names it, sets its own lists, and only then links back, so no other insert reaches it with empty lists
 * (which, measured, left about 1% of a 20k real-vector graph unreachable with two threads); neighbour lists
 * change under their node's monitor, one at a time (no nested locks); a node whose level tops the graph's holds the entry lock while it links, so the entry
 * point always names a fully linked node. Thread-safe; each thread uses its own {@link HnswSearcher} and scratch.
 */
public final class HnswBuilder {
  private final HnswGraph graph;
  private final int efConstruction;
  private final double levelFactor;
  private final int maxLevel;
  private final SplittableRandom random;
  private final Object entryLock = new Object();
  private final ThreadLocal<Scratch> scratch;

  public HnswBuilder(HnswGraph graph, int efConstruction, long seed) {
    this.graph = graph;
    this.efConstruction = efConstruction;
    this.levelFactor = 1 / Math.log(graph.m());
    this.maxLevel = maxLevel(graph.m());
    this.random = new SplittableRandom(seed);
    this.scratch = ThreadLocal.withInitial(() -> new Scratch(graph.dimension(), efConstruction, 2 * graph.m()));
  }

  /**
   * The highest level a node may get for this M: the level at which one node in 2^53 would land, i.e.
   * {@code floor(53 ln 2 / ln M)}. M = 2: 53, M = 16: 13, M = 512: 5.
   */
  public static int maxLevel(int m) {
    return (int) Math.floor(53 * Math.log(2) / Math.log(m));
  }

  /** Inserts {@code vector} (stored form) as a new node and links it; returns its id. */
  public int insert(float[] vector) {
    int level = randomLevel();
    int node = graph.allocate(vector, level);
    link(node, vector, level);
    return node;
  }

  /** A random top level for a new node. */
  public int randomLevel() {
    double u;
    synchronized (random) {
      u = random.nextDouble();
    }
    double l = -Math.log(Math.max(u, 0x1p-53)) * levelFactor;
    return (int) Math.min(maxLevel, Math.floor(l));
  }

  /** Links an allocated node into the graph. */
  public void link(int node, float[] vector, int level) {
    long e = graph.entry();
    if (e < 0 || level > HnswGraph.entryLevel(e)) {
      synchronized (entryLock) {
        e = graph.entry();
        if (e < 0) {
          graph.entry(node, level);
          return;
        }
        if (level > HnswGraph.entryLevel(e)) {
          connect(node, vector, level, e);
          graph.entry(node, level);
          return;
        }
      }
    }
    connect(node, vector, level, e);
  }

  private void connect(int node, float[] v, int level, long entry) {
    Scratch s = scratch.get();
    HnswSearcher searcher = HnswSearcher.get();
    int ep = HnswGraph.entryNode(entry);
    int top = HnswGraph.entryLevel(entry);
    HnswSearcher.Scorer scorer = searcher.floats(graph, v);
    float epScore = scorer.score(ep);
    for (int l = top; l > level; l--) {
      ep = searcher.greedy(graph, scorer, ep, epScore, l);
      epScore = searcher.lastScore();
    }
    s.seeds[0] = ep;
    s.seedScores[0] = epScore;
    int seedCount = 1;
    int from = Math.min(level, top);
    s.ensureLevels(from + 1);
    // 1. choose the neighbours on every layer first, top-down; nobody can reach the node yet (no list names it),
    //    so no other insert can link to it, or start a search from its still-empty lists, before they are set
    for (int l = from; l >= 0; l--) {
      searcher.searchLayer(graph, scorer, s.seeds, s.seedScores, seedCount, l, efConstruction, HnswSearcher.Accept.ALL,
          Integer.MAX_VALUE, s.results);
      int n = drainDescending(s, node);
      int chosen = selectDiverse(s.candIds, s.candScores, n, graph.maxConn(l), s.chosen[l], s);
      s.chosenCount[l] = chosen;
      for (int i = 0; i < chosen; i++) {
        s.chosenScores[l][i] = scoreOf(s, s.chosen[l][i], n);
      }
      System.arraycopy(s.candIds, 0, s.seeds, 0, n);
      System.arraycopy(s.candScores, 0, s.seedScores, 0, n);
      seedCount = Math.max(1, n);
    }
    // 2. set the node's own lists, 3. then link back (from here on others can reach it, lists in place)
    synchronized (graph.lock(node)) {
      for (int l = from; l >= 0; l--) {
        graph.setNeighboursLocked(node, l, s.chosen[l], s.chosenCount[l]);
      }
    }
    for (int l = from; l >= 0; l--) {
      for (int i = 0; i < s.chosenCount[l]; i++) {
        addLink(s.chosen[l][i], node, s.chosenScores[l][i], l, s);
      }
    }
  }

  private static float scoreOf(Scratch s, int id, int n) {
    for (int i = 0; i < n; i++) {
      if (s.candIds[i] == id) {
        return s.candScores[i];
      }
    }
    throw new IllegalStateException("chosen neighbour " + id + " is not a candidate");
  }

  /** Moves the results heap into candIds/candScores, best first, leaving out {@code self}; returns the count. */
  private static int drainDescending(Scratch s, int self) {
    ScoreHeap h = s.results;
    int n = h.size();
    int k = n;
    while (!h.isEmpty()) {
      k--;
      s.candIds[k] = h.topId();
      s.candScores[k] = h.topScore();
      h.pop();
    }
    int out = 0;
    for (int i = 0; i < n; i++) {
      if (s.candIds[i] != self) {
        s.candIds[out] = s.candIds[i];
        s.candScores[out++] = s.candScores[i];
      }
    }
    return out;
  }

  /**
   * The heuristic: walks candidates best first and keeps one when it scores higher against the base than against
   * every candidate kept so far; stops at {@code max}.
   */
  private int selectDiverse(int[] ids, float[] scores, int n, int max, int[] out, Scratch s) {
    int k = 0;
    for (int i = 0; i < n && k < max; i++) {
      graph.vector(ids[i], s.cv);
      boolean diverse = true;
      for (int j = 0; j < k; j++) {
        if (graph.score(s.cv, out[j], s.vs) > scores[i]) {
          diverse = false;
          break;
        }
      }
      if (diverse) {
        out[k++] = ids[i];
      }
    }
    return k;
  }

  /** Adds {@code node} to {@code target}'s list on {@code level}, pruning one entry when the list is full. */
  private void addLink(int target, int node, float score, int level, Scratch s) {
    int max = graph.maxConn(level);
    synchronized (graph.lock(target)) {
      int n = graph.neighboursLocked(target, level, s.list);
      int[] list = s.list[0];
      for (int i = 0; i < n; i++) {
        if (list[i] == node) {
          return;
        }
      }
      if (n < max) {
        list[n] = node;
        graph.setNeighboursLocked(target, level, list, n + 1);
        return;
      }
      // full: score every entry against the target, sort best first, drop the worst non-diverse one
      graph.vector(target, s.tv);
      int total = n + 1;
      for (int i = 0; i < n; i++) {
        s.pruneIds[i] = list[i];
        s.pruneScores[i] = graph.score(s.tv, list[i], s.vs);
      }
      s.pruneIds[n] = node;
      s.pruneScores[n] = score;
      sortDescending(s.pruneIds, s.pruneScores, total);
      int drop = total - 1;
      for (int i = total - 1; i > 0; i--) {
        graph.vector(s.pruneIds[i], s.cv);
        boolean diverse = true;
        for (int j = 0; j < i; j++) {
          if (graph.score(s.cv, s.pruneIds[j], s.vs) > s.pruneScores[i]) {
            diverse = false;
            break;
          }
        }
        if (!diverse) {
          drop = i;
          break;
        }
      }
      int k = 0;
      for (int i = 0; i < total; i++) {
        if (i != drop) {
          list[k++] = s.pruneIds[i];
        }
      }
      graph.setNeighboursLocked(target, level, list, k);
    }
  }

  /** Insertion sort, best score first (lists are at most 2M + 1 long). */
  private static void sortDescending(int[] ids, float[] scores, int n) {
    for (int i = 1; i < n; i++) {
      float sc = scores[i];
      int id = ids[i];
      int j = i - 1;
      while (j >= 0 && scores[j] < sc) {
        scores[j + 1] = scores[j];
        ids[j + 1] = ids[j];
        j--;
      }
      scores[j + 1] = sc;
      ids[j + 1] = id;
    }
  }

  private static final class Scratch {
    final float[] vs;
    final float[] cv;
    final float[] tv;
    final ScoreHeap results;
    final int[] seeds;
    final float[] seedScores;
    final int[] candIds;
    final float[] candScores;
    int[][] chosen;
    float[][] chosenScores;
    int[] chosenCount;
    final int maxM0;
    final int[][] list;
    final int[] pruneIds;
    final float[] pruneScores;

    Scratch(int dimension, int ef, int maxM0) {
      vs = new float[dimension];
      cv = new float[dimension];
      tv = new float[dimension];
      results = new ScoreHeap(ef + 1);
      seeds = new int[ef + 1];
      seedScores = new float[ef + 1];
      candIds = new int[ef + 1];
      candScores = new float[ef + 1];
      this.maxM0 = maxM0;
      chosen = new int[0][];
      chosenScores = new float[0][];
      chosenCount = new int[0];
      ensureLevels(1);
      list = new int[][] {new int[maxM0 + 1]};
      pruneIds = new int[maxM0 + 1];
      pruneScores = new float[maxM0 + 1];
    }

    void ensureLevels(int levels) {
      if (chosen.length < levels) {
        int old = chosen.length;
        chosen = java.util.Arrays.copyOf(chosen, levels);
        chosenScores = java.util.Arrays.copyOf(chosenScores, levels);
        chosenCount = java.util.Arrays.copyOf(chosenCount, levels);
        for (int l = old; l < levels; l++) {
          chosen[l] = new int[maxM0];
          chosenScores[l] = new float[maxM0];
        }
      }
    }
  }
}
