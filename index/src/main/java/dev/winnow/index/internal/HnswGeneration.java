package dev.winnow.index.internal;

import dev.winnow.Document;
import dev.winnow.Similarity;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One HNSW graph with its node table and id map: what a compaction replaces as a whole. The graph holds vectors and
 * links, the node table documents and liveness, {@code byId} the live node of each document id. Thread-safe.
 */
public final class HnswGeneration {
  private final HnswGraph graph;
  private final HnswBuilder builder;
  private final NodeTable nodes;
  private final ConcurrentHashMap<String, Integer> byId;
  private final java.util.concurrent.atomic.AtomicInteger unrepaired = new java.util.concurrent.atomic.AtomicInteger();

  public HnswGeneration(HnswGraph graph, HnswBuilder builder, NodeTable nodes, ConcurrentHashMap<String, Integer> byId) {
    this.graph = graph;
    this.builder = builder;
    this.nodes = nodes;
    this.byId = byId;
  }

  /** An empty generation. */
  public static HnswGeneration empty(int dimension, Similarity similarity, int m, int efConstruction, long seed) {
    HnswGraph g = new HnswGraph(dimension, similarity, m);
    return new HnswGeneration(g, new HnswBuilder(g, efConstruction, seed), new NodeTable(), new ConcurrentHashMap<>());
  }

  public HnswGraph graph() {
    return graph;
  }

  public NodeTable nodes() {
    return nodes;
  }

  public ConcurrentHashMap<String, Integer> byId() {
    return byId;
  }

  /**
   * Adds a node for {@code document} with {@code stored} (stored form) and links it; {@code visible} says whether
   * searches may return it. The caller keeps {@link #byId} in step.
   */
  public int insert(Document document, float[] stored, boolean visible) {
    int level = builder.randomLevel();
    int node = graph.allocate(stored, level);
    nodes.set(node, document, visible);
    builder.link(node, stored, level);
    unrepaired.incrementAndGet();
    return node;
  }

  /**
   * Links in nodes no walk from the entry point reaches ({@link HnswBuilder#connectUnreachable}) when nodes were
   * inserted since the last repair: always if {@code force}, else once they reach 1/32 of the graph (at least
   * 1,024), so that a walk over the graph costs each insert O(32 M) link reads. Returns the nodes linked in.
   */
  public int repair(boolean force) {
    int pending = unrepaired.get();
    if (pending == 0 || !force && pending < Math.max(1024, graph.size() / 32)) {
      return 0;
    }
    unrepaired.addAndGet(-pending);
    return builder.connectUnreachable();
  }

  /** The live node of {@code id}, or -1. */
  public int node(String id) {
    Integer n = byId.get(id);
    return n == null ? -1 : n;
  }
}
