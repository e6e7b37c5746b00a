package dev.winnow.index.internal;

import java.util.Arrays;

/**
 * Best-first search of an {@link HnswGraph} on primitive scores (Lucene's {@code HnswGraphSearcher} design): greedy
 * descent through the upper layers, then a beam of width {@code ef} on a layer, with an acceptance test and a
 * visit limit. Nodes that fail the test still guide the traversal; only accepted ones enter the results. Used both
 * by queries and by the builder. One instance per thread ({@link #get()}): it owns the visited marks and scratch
 * buffers. Not thread-safe.
 */
public final class HnswSearcher {
  /** Returned by {@link #search} when the visit limit was hit. */
  public static final int ABORTED = -1;

  private static final ThreadLocal<HnswSearcher> LOCAL = ThreadLocal.withInitial(HnswSearcher::new);

  /**
   * Visited marks, one bit a node (128 KiB for a million nodes, so they stay in a core's L2 cache, where an int
   * epoch per node would take 4 MiB), and the words set since the last search, which are all a search clears.
   */
  private long[] marks = new long[0];
  private int[] touched = new int[64];
  private int touchedCount;
  private final int[][] scratch = {new int[64]};
  private float[] vectorScratch = new float[0];
  private final ScoreHeap candidates = new ScoreHeap(256);

  private HnswSearcher() {}

  public static HnswSearcher get() {
    return LOCAL.get();
  }

  /** Decides whether a node may be returned. */
  @FunctionalInterface
  public interface Accept {
    Accept ALL = node -> true;

    boolean test(int node);
  }

  /**
   * Scores nodes against one query: with the float vectors ({@link #floats}) or, in a quantized graph, with the
   * int8 codes ({@link #codes}). Bound to this searcher's scratch buffers; use within one search.
   */
  public interface Scorer {
    float score(int node);

    /**
     * Starts loading what {@link #score} will read for {@code node}; returns a value to keep (see
     * {@link HnswGraph#touch}).
     */
    default int touch(int node) {
      return 0;
    }
  }

  /**
   * Whether the beam touches each expanded node's unvisited neighbours ({@link Scorer#touch}) before scoring them.
   * Measured on 100,000 mapped 384-d vectors: 5-8 % more QPS; {@code -Dwinnow.touch=false} turns it off, for
   * comparison.
   */
  static final boolean TOUCH = !"false".equals(System.getProperty("winnow.touch"));
  /** Where the touched values go, so that the JIT keeps the reads. */
  private int sink;
  /** The unvisited neighbours of the node being expanded. */
  private int[] batch = new int[64];

  private final class FloatScorer implements Scorer {
    private final HnswGraph graph;
    private final float[] query;
    private final float[] scratch;

    FloatScorer(HnswGraph graph, float[] query) {
      this.graph = graph;
      this.query = query;
      this.scratch = vectorScratch(graph.dimension());
    }

    @Override
    public float score(int node) {
      return graph.score(query, node, scratch);
    }

    @Override
    public int touch(int node) {
      return graph.touch(node);
    }
  }

  private final class CodeScorer implements Scorer {
    private final HnswGraph graph;
    private final float[] prepared;
    private final float bias;
    private final float queryNorm;
    private final byte[] scratch;

    CodeScorer(HnswGraph graph, ScalarQuantizer q, float[] query) {
      this.graph = graph;
      this.prepared = new float[query.length];
      this.bias = q.prepare(query, prepared);
      this.queryNorm = VectorOps.dot(query, query);
      this.scratch = codeScratch(graph.dimension());
    }

    @Override
    public float score(int node) {
      return graph.codeScore(prepared, bias, queryNorm, node, scratch);
    }

    @Override
    public int touch(int node) {
      return graph.touchCodes(node);
    }
  }

  /** Scores with the float vectors of {@code graph} (stored-form {@code query}). */
  public Scorer floats(HnswGraph graph, float[] query) {
    return new FloatScorer(graph, query);
  }

  /** Scores with the int8 codes of {@code graph}, which must be quantized (stored-form {@code query}). */
  public Scorer codes(HnswGraph graph, ScalarQuantizer quantizer, float[] query) {
    return new CodeScorer(graph, quantizer, query);
  }

  private byte[] codeScratch = new byte[0];

  private byte[] codeScratch(int dimension) {
    if (codeScratch.length < dimension) {
      codeScratch = new byte[dimension];
    }
    return codeScratch;
  }

  /** Scratch for mapped vectors, at least {@code dimension} long. */
  float[] vectorScratch(int dimension) {
    if (vectorScratch.length < dimension) {
      vectorScratch = new float[dimension];
    }
    return vectorScratch;
  }

  /**
   * Searches the whole graph for {@code query} (stored form): descends to layer 1 greedily, then runs the beam on
   * layer 0. The results heap receives up to {@code ef} accepted (score, node) pairs.
   *
   * @return the number of nodes visited on layer 0, or {@link #ABORTED} if that exceeded {@code visitLimit}
   */
  public int search(HnswGraph graph, float[] query, int ef, Accept accept, int visitLimit, ScoreHeap results) {
    return search(graph, floats(graph, query), ef, accept, visitLimit, results);
  }

  /** As above, scoring with {@code scorer} (float vectors or int8 codes of {@code graph}). */
  public int search(HnswGraph graph, Scorer scorer, int ef, Accept accept, int visitLimit, ScoreHeap results) {
    results.clear();
    long entry = graph.entry();
    if (entry < 0) {
      return 0;
    }
    int ep = HnswGraph.entryNode(entry);
    float epScore = scorer.score(ep);
    for (int level = HnswGraph.entryLevel(entry); level > 0; level--) {
      ep = greedy(graph, scorer, ep, epScore, level);
      epScore = lastScore;
    }
    return searchLayer(graph, scorer, new int[] {ep}, new float[] {epScore}, 1, 0, ef, accept, visitLimit, results);
  }

  private float lastScore;

  /** Greedy walk on {@code level} from {@code start} to a local best; its score is left in {@link #lastScore}. */
  int greedy(HnswGraph graph, float[] query, int start, float startScore, int level) {
    return greedy(graph, floats(graph, query), start, startScore, level);
  }

  int greedy(HnswGraph graph, Scorer scorer, int start, float startScore, int level) {
    int cur = start;
    float curScore = startScore;
    boolean changed = true;
    while (changed) {
      changed = false;
      int n = graph.neighbours(cur, level, scratch);
      int[] ids = scratch[0];
      for (int i = 0; i < n; i++) {
        float s = scorer.score(ids[i]);
        if (s > curScore) {
          curScore = s;
          cur = ids[i];
          changed = true;
        }
      }
    }
    lastScore = curScore;
    return cur;
  }

  float lastScore() {
    return lastScore;
  }

  /**
   * Beam search on one layer from {@code seeds[0, seedCount)} (scores given). Stops when the best candidate is
   * worse than the worst result of a full result heap.
   */
  int searchLayer(HnswGraph graph, float[] query, int[] seeds, float[] seedScores, int seedCount, int level, int ef,
      Accept accept, int visitLimit, ScoreHeap results) {
    return searchLayer(graph, floats(graph, query), seeds, seedScores, seedCount, level, ef, accept, visitLimit,
        results);
  }

  int searchLayer(HnswGraph graph, Scorer scorer, int[] seeds, float[] seedScores, int seedCount, int level, int ef,
      Accept accept, int visitLimit, ScoreHeap results) {
    results.clear();
    candidates.clear();
    resetMarks(graph.capacity());
    int visited = 0;
    for (int i = 0; i < seedCount; i++) {
      int s = seeds[i];
      if (!mark(s)) {
        continue;
      }
      visited++;
      candidates.push(-seedScores[i], s);
      if (accept.test(s)) {
        results.offer(seedScores[i], s, ef);
      }
    }
    while (!candidates.isEmpty()) {
      float bestScore = -candidates.topScore();
      int best = candidates.topId();
      candidates.pop();
      if (results.size() >= ef && bestScore < results.topScore()) {
        break;
      }
      int n = graph.neighbours(best, level, scratch);
      int[] ids = scratch[0];
      if (batch.length < n) {
        batch = new int[Math.max(n, 2 * batch.length)];
      }
      int[] fresh = batch;
      int f = 0;
      for (int i = 0; i < n; i++) {
        int id = ids[i];
        if (mark(id)) {
          if (++visited > visitLimit) {
            return ABORTED;
          }
          fresh[f++] = id;
        }
      }
      if (TOUCH) {
        int t = 0;
        for (int i = 0; i < f; i++) {
          t ^= scorer.touch(fresh[i]);
        }
        sink ^= t;
      }
      for (int i = 0; i < f; i++) {
        int id = fresh[i];
        float s = scorer.score(id);
        if (results.size() < ef || s > results.topScore()) {
          candidates.push(-s, id);
          if (accept.test(id)) {
            results.offer(s, id, ef);
          }
        }
      }
    }
    return visited;
  }

  /** Clears the marks of the last search (only the words it set) and sizes them for {@code capacity} nodes. */
  private void resetMarks(int capacity) {
    long[] m = marks;
    for (int i = 0; i < touchedCount; i++) {
      m[touched[i]] = 0;
    }
    touchedCount = 0;
    int words = (capacity + 63) >>> 6;
    if (m.length < words) {
      marks = new long[words];
    }
  }

  /** Marks {@code id} visited; false if it already was. Grows the marks for nodes added since the search began. */
  private boolean mark(int id) {
    int w = id >>> 6;
    if (w >= marks.length) {
      marks = Arrays.copyOf(marks, Math.max(w + 1, marks.length * 2));
    }
    long word = marks[w];
    long bit = 1L << id;
    if ((word & bit) != 0) {
      return false;
    }
    if (word == 0) {
      if (touchedCount == touched.length) {
        touched = Arrays.copyOf(touched, touchedCount * 2);
      }
      touched[touchedCount++] = w;
    }
    marks[w] = word | bit;
    return true;
  }
}
