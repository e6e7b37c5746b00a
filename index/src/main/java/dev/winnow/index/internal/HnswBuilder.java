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
 *   <li>Back links: each chosen neighbour gets the new node; a list that overflows drops one entry: the worst one
 *       the new node shadows, else the new node if it is shadowed, else the farthest (Lucene's rule), so lists
 *       stay full rather than being cut down.
 *   <li>After a batch of inserts, {@link #connectUnreachable} links in any node that no walk from the entry point
 *       reaches (pruning leaves a few: 45 of 1M on layer 0).
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
  private final Object repairLock = new Object();
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
    descend(searcher, scorer, ep, top, level, s);
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
        addLink(s.chosen[l][i], node, v, s.chosenScores[l][i], l, s);
      }
    }
  }

  /** Greedy descent from {@code ep} on layer {@code top} down to layer {@code level + 1}; leaves the seed in s. */
  private void descend(HnswSearcher searcher, HnswSearcher.Scorer scorer, int ep, int top, int level, Scratch s) {
    float epScore = scorer.score(ep);
    for (int l = top; l > level; l--) {
      ep = searcher.greedy(graph, scorer, ep, epScore, l);
      epScore = searcher.lastScore();
    }
    s.seeds[0] = ep;
    s.seedScores[0] = epScore;
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
  private void addLink(int target, int node, float[] v, float score, int level, Scratch s) {
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
      // full (Lucene's rule): sort the entries and the new node best first against the target; the entries were
      // diverse among themselves when they were kept, so only the newcomer is checked: drop the worst entry it
      // shadows (scores at least as high against it as the target does), else the newcomer itself if a better
      // entry shadows it, else the farthest entry. A full re-check of every pair cuts lists down further and
      // measured lower recall (1M set: 0.739 against 0.750 at ef 20)
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
      int pos = 0;
      while (s.pruneIds[pos] != node) {
        pos++;
      }
      for (int i = total - 1; i > 0; i--) {
        if (i == pos) {
          boolean diverse = true;
          for (int j = 0; j < i; j++) {
            if (graph.score(v, s.pruneIds[j], s.vs) >= s.pruneScores[i]) {
              diverse = false;
              break;
            }
          }
          if (!diverse) {
            drop = i;
          }
          break;
        }
        if (graph.score(v, s.pruneIds[i], s.vs) >= s.pruneScores[i]) {
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

  /**
   * Links in every node that a walk from the entry point cannot reach, layer by layer, top-down (Lucene's builder
   * has the same pass): a beam search of width {@code efConstruction} from the entry finds the nearest reachable
   * nodes of such a node; the best of them with a free slot (else the best, replacing its farthest neighbour) links
   * to it, it links back when it has room, and everything newly reachable through it is marked. Concurrent inserts
   * may run meanwhile (a node they have allocated but not yet linked may get linked here too, which is harmless);
   * one repair runs at a time. Returns the number of nodes linked in.
   */
  public int connectUnreachable() {
    synchronized (repairLock) {
      long e = graph.entry();
      if (e < 0) {
        return 0;
      }
      int n = graph.size();
      Repair r = new Repair(n, graph.dimension(), 2 * graph.m() + 1);
      int linked = 0;
      for (int l = HnswGraph.entryLevel(e); l >= 0; l--) {
        // a link that had to replace an entry's only in-link cuts that entry off: walk again, a few times at most
        for (int pass = 0; pass < 4; pass++) {
          int[] got = repairLevel(l, e, r);
          linked += got[0];
          if (got[1] == 0) {
            break;
          }
        }
      }
      return linked;
    }
  }

  private static final class Repair {
    final java.util.BitSet seen;
    final int[] queue;
    final int[] inDegree;
    final float[] v;
    final float[] tv;
    final float[] vs;
    final int[][] list;

    Repair(int n, int dimension, int maxList) {
      seen = new java.util.BitSet(n);
      queue = new int[n];
      inDegree = new int[n];
      v = new float[dimension];
      tv = new float[dimension];
      vs = new float[dimension];
      list = new int[][] {new int[maxList]};
    }
  }

  /** One pass over {@code level}; returns {nodes linked in, links that cut off the entry they replaced}. */
  private int[] repairLevel(int level, long e, Repair r) {
    int n = r.queue.length;
    int entry = HnswGraph.entryNode(e);
    int top = HnswGraph.entryLevel(e);
    java.util.Arrays.fill(r.inDegree, 0);
    for (int x = 0; x < n; x++) {
      if (graph.level(x) >= level) {
        int c = graph.neighbours(x, level, r.list);
        for (int j = 0; j < c; j++) {
          if (r.list[0][j] < n) {
            r.inDegree[r.list[0][j]]++;
          }
        }
      }
    }
    r.seen.clear();
    walk(entry, level, r);
    Scratch s = scratch.get();
    HnswSearcher searcher = HnswSearcher.get();
    int linked = 0;
    int cuts = 0;
    for (int u = r.seen.nextClearBit(0); u < n; u = r.seen.nextClearBit(u + 1)) {
      if (graph.level(u) < level) {
        continue;
      }
      graph.vector(u, r.v);
      HnswSearcher.Scorer scorer = searcher.floats(graph, r.v);
      descend(searcher, scorer, entry, top, level, s);
      searcher.searchLayer(graph, scorer, s.seeds, s.seedScores, 1, level, efConstruction, HnswSearcher.Accept.ALL,
          Integer.MAX_VALUE, s.results);
      int c = drainDescending(s, u);
      // the nearest reachable node with a free slot; else one whose farthest replaceable entry has another
      // in-link; else the nearest, cutting one entry off (the next pass links it back)
      int target = -1;
      int outcome = -1;
      for (int mode = 0; mode < 3 && outcome < 0; mode++) {
        for (int i = 0; i < c && outcome < 0; i++) {
          int t = s.candIds[i];
          if (t < n && r.seen.get(t)) {
            outcome = linkInto(t, u, level, r, mode);
            target = t;
          }
        }
      }
      if (outcome < 0) {
        continue; // nothing reachable on this layer to link from
      }
      cuts += outcome == 2 ? 1 : 0;
      synchronized (graph.lock(u)) {
        int k = graph.neighboursLocked(u, level, r.list);
        boolean has = false;
        for (int i = 0; i < k && !has; i++) {
          has = r.list[0][i] == target;
        }
        if (!has && k < graph.maxConn(level)) {
          r.list[0][k] = target;
          graph.setNeighboursLocked(u, level, r.list[0], k + 1);
          r.inDegree[target]++;
        }
      }
      walk(u, level, r);
      linked++;
    }
    return new int[] {linked, cuts};
  }

  /** Breadth-first from {@code from} on {@code level}, marking in {@code r.seen} every node not yet marked. */
  private void walk(int from, int level, Repair r) {
    if (r.seen.get(from)) {
      return;
    }
    int[] queue = r.queue;
    int head = 0;
    int tail = 0;
    r.seen.set(from);
    queue[tail++] = from;
    while (head < tail) {
      int x = queue[head++];
      int c = graph.neighbours(x, level, r.list);
      for (int j = 0; j < c; j++) {
        int y = r.list[0][j];
        if (y < queue.length && !r.seen.get(y)) {
          r.seen.set(y);
          queue[tail++] = y;
        }
      }
    }
  }

  /**
   * Adds {@code node} to {@code target}'s list. Mode 0: only into a free slot; 1: else in place of the farthest
   * entry that has another in-link; 2: else in place of the farthest entry. Returns -1 (not linked), 0 (free slot or
   * already there), 1 (replaced an entry that keeps an in-link) or 2 (replaced an entry's only in-link).
   */
  private int linkInto(int target, int node, int level, Repair r, int mode) {
    synchronized (graph.lock(target)) {
      int k = graph.neighboursLocked(target, level, r.list);
      int[] ids = r.list[0];
      for (int i = 0; i < k; i++) {
        if (ids[i] == node) {
          return 0;
        }
      }
      if (k < graph.maxConn(level)) {
        ids[k] = node;
        graph.setNeighboursLocked(target, level, ids, k + 1);
        r.inDegree[node]++;
        return 0;
      }
      if (mode == 0) {
        return -1;
      }
      graph.vector(target, r.tv);
      int worst = -1;
      float worstScore = Float.POSITIVE_INFINITY;
      for (int i = 0; i < k; i++) {
        boolean spare = ids[i] >= r.inDegree.length || r.inDegree[ids[i]] >= 2;
        if (mode == 2 || spare) {
          float sc = graph.score(r.tv, ids[i], r.vs);
          if (sc < worstScore) {
            worstScore = sc;
            worst = i;
          }
        }
      }
      if (worst < 0) {
        return -1;
      }
      int old = ids[worst];
      boolean cut = old < r.inDegree.length && r.inDegree[old] < 2;
      if (old < r.inDegree.length) {
        r.inDegree[old]--;
      }
      ids[worst] = node;
      graph.setNeighboursLocked(target, level, ids, k);
      r.inDegree[node]++;
      return cut ? 2 : 1;
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
