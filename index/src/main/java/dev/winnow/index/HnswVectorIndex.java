package dev.winnow.index;

import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import com.github.jelmerk.hnswlib.core.hnsw.SizeLimitExceededException;
import dev.winnow.Document;
import dev.winnow.Filter;
import dev.winnow.Hit;
import dev.winnow.IndexFormatException;
import dev.winnow.SearchOptions;
import dev.winnow.Similarity;
import dev.winnow.VectorIndex;
import dev.winnow.index.internal.Checks;
import dev.winnow.index.internal.Distances;
import dev.winnow.index.internal.GraphWriters;
import dev.winnow.index.internal.HnswGraph;
import dev.winnow.index.internal.HnswItem;
import dev.winnow.index.internal.HnswSearcher;
import dev.winnow.index.internal.IndexFile;
import dev.winnow.index.internal.ScoreHeap;
import dev.winnow.index.internal.VectorOps;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.eclipse.collections.api.list.primitive.MutableIntList;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;

/**
 * Approximate nearest-neighbour search with an HNSW graph (Malkov and Yashunin), built by hnswlib-java
 * (hnswlib-core 1.2.1) and searched by Winnow's own primitive-float searcher, which takes {@code ef} and a
 * metadata filter per call.
 *
 * <pre>{@code
 * try (HnswVectorIndex index = HnswVectorIndex.builder(384, Similarity.COSINE)
 *     .m(16).efConstruction(200).defaultEf(100).initialCapacity(100_000).build()) {
 *   index.addAll(documents, vectors);                        // parallel insert
 *   List<Hit> top = index.search(query, 10, SearchOptions.DEFAULTS.withEf(200));
 *   index.save(Path.of("passages.winnow"));
 * }
 * try (HnswVectorIndex again = HnswVectorIndex.open(Path.of("passages.winnow"))) { ... }
 * }</pre>
 *
 * <p><b>Deletes and compaction.</b> hnswlib only marks removed nodes; they keep guiding searches but are never
 * returned. When tombstones exceed {@link Builder#compactionThreshold} of the graph, the delete or upsert that
 * crossed the line rebuilds the graph from the live documents ({@link #compact()} does it on demand). Searches
 * keep using the old graph during the rebuild, and other writers keep writing to it; at the end writers pause
 * briefly while the changes made meanwhile are applied to the new graph, which then replaces the old one.
 *
 * <p><b>Filters.</b> A filtered search first finds the matching documents (a metadata scan, no vector math). If
 * at most {@code k} match, or the graph search visits more nodes than match, or it finds fewer than {@code k},
 * the matching subset is searched exactly; otherwise the graph is searched with the filter applied during
 * traversal (non-matching nodes guide but are not collected). So a search returns {@code k} hits whenever
 * {@code k} documents match.
 *
 * <p><b>Thread-safety and cost.</b> Thread-safe. Searches run in parallel with each other and with writers;
 * up to {@link Runtime#availableProcessors()} graph inserts (adds, upserts, and the rebuild of a compaction) run in
 * parallel with each other (hnswlib locks per node); further writing threads wait for a slot. That bound is
 * hnswlib's pool of visited sets, one per processor: more concurrent inserts than sets can deadlock inside hnswlib
 * (see {@code GraphWriters}). Deletes take no slot. Growing capacity (doubling) briefly excludes searches. {@link #save} excludes writers, not searches. Each searching thread keeps a visited-marks array of
 * 4 bytes per node slot. Memory per document: 4 × dimension bytes of vector, about 2M neighbour ids (4 bytes each)
 * on layer 0 plus M on the upper layers for one node in M, hnswlib's per-node objects, and the document
 * (measured: about 2 KB per 384-d vector with M=16 and an empty text, see docs/benchmarks.md).
 */
public final class HnswVectorIndex implements VectorIndex {
  private static final int STRIPES = 64;

  private final int dimension;
  private final Similarity similarity;
  private final int m;
  private final int efConstruction;
  private final int defaultEf;
  private final double compactionThreshold;
  private final int threads;

  private volatile HnswIndex<Integer, float[], HnswItem, Float> graph;
  private volatile int capacity;
  private final AtomicInteger graphNodes = new AtomicInteger();
  private final AtomicInteger nextOrdinal = new AtomicInteger();
  private final ConcurrentHashMap<String, HnswItem> byId = new ConcurrentHashMap<>();
  private final Set<String> knownFields = ConcurrentHashMap.newKeySet();
  /** read: searches and inserts into the current graph; write: capacity growth. */
  private final ReentrantReadWriteLock graphLock = new ReentrantReadWriteLock();
  /** read: add/upsert/delete; write: save and the end of a compaction. Searches never take it. */
  private final ReentrantReadWriteLock writeGate = new ReentrantReadWriteLock();
  private final ReentrantLock compactionLock = new ReentrantLock();
  /** Slots for inserts into the current graph, at most its visited-set pool size; taken under graphLock (read). */
  private final GraphWriters writers;
  private final Object[] stripes = new Object[STRIPES];
  private volatile boolean closed;

  private HnswVectorIndex(Builder b, int capacity) {
    this.dimension = b.dimension;
    this.similarity = b.similarity;
    this.m = b.m;
    this.efConstruction = b.efConstruction;
    this.defaultEf = b.defaultEf;
    this.compactionThreshold = b.compactionThreshold;
    this.threads = b.threads;
    this.capacity = capacity;
    int pool = GraphWriters.poolSize();
    this.graph = newGraph(capacity);
    this.writers = new GraphWriters(Math.min(pool, GraphWriters.poolSize()));
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Object();
    }
  }

  /**
   * Starts a builder.
   *
   * @param dimension vector length, in [1, 65536]
   * @param similarity how vectors are compared (COSINE vectors are normalized on the way in)
   */
  public static Builder builder(int dimension, Similarity similarity) {
    return new Builder(dimension, similarity);
  }

  /**
   * Reads an index written by {@link #save}; the graph is restored as saved (no rebuild). The caller owns (closes)
   * the result.
   *
   * @throws IndexFormatException if the file is not a valid HNSW Winnow index
   * @throws IOException if it cannot be read
   */
  public static HnswVectorIndex open(Path path) throws IOException {
    return IndexFile.load(path, IndexFile.KIND_HNSW, HnswVectorIndex::read, (h, index) -> index);
  }

  // ---------------------------------------------------------------- role

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public Similarity similarity() {
    return similarity;
  }

  /** Max neighbours per node per upper layer (the paper's M; Lucene's maxConn); layer 0 keeps 2M. */
  public int m() {
    return m;
  }

  /** Candidate-list size while inserting (the paper's efConstruction; Lucene's beamWidth). */
  public int efConstruction() {
    return efConstruction;
  }

  /** Candidate-list size of a search whose options set no ef. */
  public int defaultEf() {
    return defaultEf;
  }

  @Override
  public void add(Document document, float[] vector) {
    Checks.document(document);
    Checks.vector(vector, dimension, "vector");
    float[] stored = VectorOps.stored(similarity, vector);
    writeGate.readLock().lock();
    try {
      Checks.open(closed, "HnswVectorIndex");
      synchronized (stripe(document.id())) {
        if (byId.containsKey(document.id())) {
          throw new IllegalArgumentException("id '" + document.id() + "' is already present (use upsert to replace it)");
        }
        insert(document, stored, true);
      }
    } finally {
      writeGate.readLock().unlock();
    }
  }

  /**
   * Adds the documents with {@link Builder#buildThreads} threads. Validates every row first (dimension, finite
   * components, ids unique in the batch and absent from the index); a concurrent add of the same id by another
   * thread can still make one row fail with {@link IllegalArgumentException}, after the rows before it were added.
   */
  @Override
  public void addAll(List<Document> documents, float[][] vectors) {
    if (documents == null || vectors == null) {
      throw new IllegalArgumentException((documents == null ? "documents" : "vectors") + " is null");
    }
    if (documents.size() != vectors.length) {
      throw new IllegalArgumentException("documents.size() " + documents.size() + " != vectors.length " + vectors.length);
    }
    Checks.open(closed, "HnswVectorIndex");
    Set<String> seen = new HashSet<>();
    float[][] stored = new float[vectors.length][];
    for (int i = 0; i < vectors.length; i++) {
      Document d = documents.get(i);
      if (d == null) {
        throw new IllegalArgumentException("documents[" + i + "] is null");
      }
      Checks.vector(vectors[i], dimension, "vectors[" + i + "]");
      if (!seen.add(d.id()) || byId.containsKey(d.id())) {
        throw new IllegalArgumentException("documents[" + i + "]: id '" + d.id() + "' is "
            + (byId.containsKey(d.id()) ? "already present" : "repeated in the batch"));
      }
      stored[i] = VectorOps.stored(similarity, vectors[i]);
    }
    ensureCapacity(graphNodes.get() + vectors.length);
    int n = Math.min(threads, Math.max(1, vectors.length / 256));
    AtomicInteger next = new AtomicInteger();
    Runnable worker = () -> {
      for (int i; (i = next.getAndIncrement()) < vectors.length; ) {
        add0(documents.get(i), stored[i]);
      }
    };
    if (n == 1) {
      worker.run();
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
      Thread t = new Thread(r, "winnow-hnsw-add");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < n; t++) {
        futures.add(pool.submit(worker));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during addAll", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private void add0(Document document, float[] stored) {
    writeGate.readLock().lock();
    try {
      Checks.open(closed, "HnswVectorIndex");
      synchronized (stripe(document.id())) {
        if (byId.containsKey(document.id())) {
          throw new IllegalArgumentException("id '" + document.id() + "' is already present (added concurrently)");
        }
        insert(document, stored, true);
      }
    } finally {
      writeGate.readLock().unlock();
    }
  }

  @Override
  public boolean upsert(Document document, float[] vector) {
    Checks.document(document);
    Checks.vector(vector, dimension, "vector");
    float[] stored = VectorOps.stored(similarity, vector);
    boolean replaced;
    writeGate.readLock().lock();
    try {
      Checks.open(closed, "HnswVectorIndex");
      synchronized (stripe(document.id())) {
        HnswItem old = byId.get(document.id());
        // the new item joins the graph hidden; the swap of visibility leaves no moment with both visible
        HnswItem fresh = insert(document, stored, old == null);
        if (old != null) {
          old.live(false);
          fresh.live(true);
          removeFromGraph(old);
        }
        replaced = old != null;
      }
    } finally {
      writeGate.readLock().unlock();
    }
    if (replaced) {
      maybeCompact();
    }
    return replaced;
  }

  @Override
  public boolean delete(String id) {
    Checks.id(id);
    writeGate.readLock().lock();
    try {
      Checks.open(closed, "HnswVectorIndex");
      synchronized (stripe(id)) {
        HnswItem old = byId.remove(id);
        if (old == null) {
          return false;
        }
        old.live(false);
        removeFromGraph(old);
      }
    } finally {
      writeGate.readLock().unlock();
    }
    maybeCompact();
    return true;
  }

  @Override
  public Optional<Document> get(String id) {
    Checks.id(id);
    Checks.open(closed, "HnswVectorIndex");
    HnswItem item = byId.get(id);
    return item == null ? Optional.empty() : Optional.of(item.document());
  }

  @Override
  public Optional<float[]> vector(String id) {
    Checks.id(id);
    Checks.open(closed, "HnswVectorIndex");
    HnswItem item = byId.get(id);
    return item == null ? Optional.empty() : Optional.of(item.vector().clone());
  }

  @Override
  public boolean contains(String id) {
    Checks.id(id);
    Checks.open(closed, "HnswVectorIndex");
    return byId.containsKey(id);
  }

  @Override
  public int size() {
    Checks.open(closed, "HnswVectorIndex");
    return byId.size();
  }

  /** Nodes in the graph: live documents plus tombstones not yet compacted away. */
  public int graphSize() {
    Checks.open(closed, "HnswVectorIndex");
    return HnswGraph.nodeCount(graph);
  }

  /** Node slots allocated (grows by doubling; a compaction resets it to fit the live set). */
  public int capacity() {
    return capacity;
  }

  @Override
  public List<Hit> search(float[] query, int k, SearchOptions options) {
    Checks.open(closed, "HnswVectorIndex");
    Checks.search(query, dimension, k, options, knownFields);
    float[] q = VectorOps.stored(similarity, query);
    Filter filter = options.filter();
    graphLock.readLock().lock();
    try {
      HnswIndex<Integer, float[], HnswItem, Float> g = graph;
      // a search cannot collect more than the graph's nodes: sizing by min(ef, nodes) keeps a huge k (up to
      // Integer.MAX_VALUE) as cheap as k = size()
      int ef = Math.min(options.effectiveEf(k, defaultEf), Math.max(1, HnswGraph.nodeCount(g)));
      ScoreHeap results = new ScoreHeap(ef + 1);
      HnswSearcher searcher = HnswSearcher.get();
      if (filter == null) {
        searcher.search(g, similarity, q, ef, (id, item) -> true, Integer.MAX_VALUE, results);
        List<Hit> hits = toHits(g, results, k);
        if (hits.size() < k && hits.size() < byId.size()) {
          // a graph with many tombstones can strand live nodes: fall back to exact to keep the promise
          return exact(g, q, k, null);
        }
        return hits;
      }
      // 1. Which nodes match? (metadata only)   2. Few matches: exact over them.
      // 3. Otherwise graph search collecting only matches, giving up once it visited more nodes than match.
      BitSet matching = new BitSet();
      int[] matches = matchingNodes(g, filter, matching);
      int count = matches.length;
      if (count > k) {
        int visited = searcher.search(g, similarity, q, ef, (id, item) -> matching.get(id), count, results);
        if (visited != HnswSearcher.ABORTED && results.size() >= k) {
          return toHits(g, results, k);
        }
      }
      return exactOver(g, q, k, matches);
    } finally {
      graphLock.readLock().unlock();
    }
  }

  /**
   * Rebuilds the graph from the live documents, dropping tombstones. Searches and writers continue during the
   * rebuild; writers pause only while the changes they made meanwhile are applied to the new graph.
   */
  public void compact() {
    Checks.open(closed, "HnswVectorIndex");
    compactionLock.lock();
    try {
      compact0();
    } finally {
      compactionLock.unlock();
    }
  }

  @Override
  public void save(Path path) throws IOException {
    writeGate.writeLock().lock();
    try {
      Checks.open(closed, "HnswVectorIndex");
      HnswIndex<Integer, float[], HnswItem, Float> g = graph;
      IndexFile.save(path, IndexFile.KIND_HNSW, similarity, dimension, out -> write(g, out));
    } finally {
      writeGate.writeLock().unlock();
    }
  }

  @Override
  public void close() {
    writeGate.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        byId.clear();
        graph = newGraph(1);
      }
    } finally {
      writeGate.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return "HnswVectorIndex[" + dimension + "d " + similarity + ", M=" + m + ", efConstruction=" + efConstruction
        + ", size=" + byId.size() + ", graph=" + HnswGraph.nodeCount(graph) + "]";
  }

  // ---------------------------------------------------------------- internals

  private Object stripe(String id) {
    return stripes[(id.hashCode() & 0x7fffffff) % STRIPES];
  }

  private HnswIndex<Integer, float[], HnswItem, Float> newGraph(int cap) {
    return HnswIndex.newBuilder(dimension, Distances.forSimilarity(similarity), Math.max(1, cap))
        .withM(m).withEfConstruction(efConstruction).withEf(1).withRemoveEnabled().build();
  }

  /** Inserts into the current graph, then publishes in byId. Caller holds the gate (read) and the id's stripe. */
  private HnswItem insert(Document document, float[] stored, boolean visible) {
    HnswItem item = new HnswItem(nextOrdinal.getAndIncrement(), stored, document, visible);
    ensureCapacity(graphNodes.incrementAndGet());
    while (true) {
      graphLock.readLock().lock();
      writers.acquire();
      try {
        graph.add(item);
        break;
      } catch (SizeLimitExceededException e) {
        // another thread's reservation raced ours; grow and retry
      } finally {
        writers.release();
        graphLock.readLock().unlock();
      }
      ensureCapacity(capacity + 1);
    }
    knownFields.addAll(document.metadata().keySet());
    byId.put(document.id(), item);
    return item;
  }

  private void removeFromGraph(HnswItem item) {
    graphLock.readLock().lock();
    try {
      graph.remove(item.id(), 0);
    } finally {
      graphLock.readLock().unlock();
    }
  }

  private void ensureCapacity(int needed) {
    if (needed <= capacity) {
      return;
    }
    graphLock.writeLock().lock();
    try {
      if (needed > capacity) {
        int cap = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * capacity));
        int pool = GraphWriters.poolSize();
        graph.resize(cap); // hnswlib replaces the visited-set pool, sized by the processor count of now
        writers.bound(Math.min(pool, GraphWriters.poolSize()));
        capacity = cap;
      }
    } finally {
      graphLock.writeLock().unlock();
    }
  }

  private void maybeCompact() {
    int nodes = graphNodes.get();
    int tombstones = nodes - byId.size();
    if (nodes >= 32 && tombstones > compactionThreshold * nodes && compactionLock.tryLock()) {
      try {
        if (!closed && graphNodes.get() - byId.size() > compactionThreshold * graphNodes.get()) {
          compact0();
        }
      } finally {
        compactionLock.unlock();
      }
    }
  }

  private void compact0() {
    // 1. Snapshot the live items (no lock: the diff in step 3 repairs anything that changes meanwhile).
    // 2. Build a new graph from them with several threads; searches and writers use the old graph.
    // 3. Pause writers; add items that appeared since the snapshot, remove those deleted or replaced since.
    // 4. Publish the new graph; the old one (and its tombstones) becomes garbage.
    List<HnswItem> snapshot = new ArrayList<>(byId.values());
    int cap = Math.max(16, snapshot.size() + snapshot.size() / 4);
    int pool = GraphWriters.poolSize();
    HnswIndex<Integer, float[], HnswItem, Float> fresh = newGraph(cap);
    pool = Math.min(pool, GraphWriters.poolSize());
    try {
      // no more inserting threads than the new graph has visited sets (see GraphWriters)
      fresh.addAll(snapshot, Math.max(1, Math.min(threads, pool)), (done, max) -> { }, Integer.MAX_VALUE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    writeGate.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      List<HnswItem> missing = new ArrayList<>();
      for (HnswItem item : byId.values()) {
        if (fresh.get(item.id()).isEmpty()) {
          missing.add(item);
        }
      }
      int freshCap = Math.max(cap, HnswGraph.nodeCount(fresh) + missing.size() + 16);
      if (freshCap > cap) {
        int before = GraphWriters.poolSize();
        fresh.resize(freshCap);
        pool = Math.min(before, GraphWriters.poolSize());
        cap = freshCap;
      }
      for (HnswItem item : missing) {
        fresh.add(item);
      }
      for (HnswItem item : snapshot) {
        if (!item.live() || byId.get(item.document().id()) != item) {
          fresh.remove(item.id(), 0);
        }
      }
      graphLock.writeLock().lock();
      try {
        graph = fresh;
        capacity = cap;
        writers.bound(pool);
        graphNodes.set(HnswGraph.nodeCount(fresh));
      } finally {
        graphLock.writeLock().unlock();
      }
    } finally {
      writeGate.writeLock().unlock();
    }
  }

  /** Node ids of live items passing {@code filter} (all live items when null), also set in {@code into}. */
  private int[] matchingNodes(HnswIndex<Integer, float[], HnswItem, Float> g, Filter filter, BitSet into) {
    java.util.concurrent.atomic.AtomicReferenceArray<Object> nodes = HnswGraph.nodes(g);
    int n = Math.min(HnswGraph.nodeCount(g), nodes.length());
    IntArrayList out = new IntArrayList();
    for (int i = 0; i < n; i++) {
      Object node = nodes.get(i);
      if (node == null) {
        continue;
      }
      HnswItem item = HnswGraph.item(node);
      if (item.live() && !HnswGraph.deleted(node) && (filter == null || filter.test(item.document().metadata()))) {
        out.add(i);
        into.set(i);
      }
    }
    return out.toArray();
  }

  private List<Hit> exact(HnswIndex<Integer, float[], HnswItem, Float> g, float[] q, int k, Filter filter) {
    return exactOver(g, q, k, matchingNodes(g, filter, new BitSet()));
  }

  private List<Hit> exactOver(HnswIndex<Integer, float[], HnswItem, Float> g, float[] q, int k, int[] nodeIds) {
    java.util.concurrent.atomic.AtomicReferenceArray<Object> nodes = HnswGraph.nodes(g);
    ScoreHeap top = new ScoreHeap(Math.min(k, nodeIds.length) + 1);
    for (int id : nodeIds) {
      top.offer(VectorOps.score(similarity, q, HnswGraph.item(nodes.get(id)).vector()), id, k);
    }
    return toHits(g, top, k);
  }

  /** Maps (score, node id) pairs to hits: live items only, one per document id, best first, at most k. */
  private List<Hit> toHits(HnswIndex<Integer, float[], HnswItem, Float> g, ScoreHeap heap, int k) {
    java.util.concurrent.atomic.AtomicReferenceArray<Object> nodes = HnswGraph.nodes(g);
    Map<String, Hit> best = new HashMap<>();
    for (int i = 0; i < heap.size(); i++) {
      HnswItem item = HnswGraph.item(nodes.get(heap.idAt(i)));
      if (!item.live()) {
        continue;
      }
      Hit h = new Hit(item.document().id(), heap.scoreAt(i));
      best.merge(h.id(), h, (a, b) -> a.compareTo(b) <= 0 ? a : b);
    }
    List<Hit> hits = new ArrayList<>(best.values());
    Collections.sort(hits);
    return hits.size() > k ? new ArrayList<>(hits.subList(0, k)) : hits;
  }

  // ---------------------------------------------------------------- persistence

  private void write(HnswIndex<Integer, float[], HnswItem, Float> g, IndexFile.Out out) throws IOException {
    java.util.concurrent.atomic.AtomicReferenceArray<Object> nodes = HnswGraph.nodes(g);
    int n = HnswGraph.nodeCount(g);
    out.i32(m);
    out.i32(efConstruction);
    out.i32(defaultEf);
    out.f64(compactionThreshold);
    out.i32(n);
    for (int i = 0; i < n; i++) {
      Object node = nodes.get(i);
      HnswItem item = HnswGraph.item(node);
      boolean live = item.live() && !HnswGraph.deleted(node);
      out.u8(live ? 1 : 0);
      if (live) {
        out.document(item.document());
      }
      out.floats(item.vector(), 0, dimension);
      MutableIntList[] conns = HnswGraph.connections(node);
      out.u8(conns.length);
      for (MutableIntList level : conns) {
        synchronized (node) {
          out.i32(level.size());
          for (int j = 0; j < level.size(); j++) {
            out.i32(level.get(j));
          }
        }
      }
    }
    Object ep = HnswGraph.entryPoint(g);
    out.i32(ep == null ? -1 : HnswGraph.id(ep));
  }

  private static HnswVectorIndex read(IndexFile.In in) throws IOException {
    IndexFile.Header h = in.header();
    int m = in.i32();
    int efc = in.i32();
    int ef = in.i32();
    double threshold = in.f64();
    Builder b;
    try {
      b = builder(h.dimension(), h.similarity()).m(m).efConstruction(efc).defaultEf(ef).compactionThreshold(threshold);
    } catch (IllegalArgumentException e) {
      throw in.error("bad parameters: " + e.getMessage());
    }
    // Allocation follows what the file holds: the node count is bounded by the bytes left (each node takes at
    // least flags + vector + level count + one neighbour count), neighbour lists are sized by their stored lengths,
    // and the level count by what hnswlib can draw for this M, so no count can demand more than the file proves.
    int d = h.dimension();
    int n = in.count("node", Integer.MAX_VALUE - 64, 1 + 4 * d + 1 + 4);
    HnswVectorIndex index = new HnswVectorIndex(b, Math.max(16, n + n / 4));
    Object[] nodes = new Object[n];
    int maxM0 = 2 * m;
    int maxLevels = maxLevelCount(m);
    int topLevel = -1;
    for (int i = 0; i < n; i++) {
      int flags = in.u8();
      if (flags > 1) {
        throw in.error("node " + i + ": unknown flags " + flags);
      }
      boolean live = flags == 1;
      Document doc = live ? in.document() : null;
      float[] v = in.vector();
      int levels = in.u8();
      if (levels < 1 || levels > maxLevels) {
        throw in.error("node " + i + ": " + levels + " levels, expected 1.." + maxLevels + " for M = " + m);
      }
      if ((long) levels * 4 > in.remaining()) {
        throw in.error("node " + i + ": " + levels + " neighbour counts do not fit in " + in.remaining() + " bytes");
      }
      MutableIntList[] conns = new MutableIntList[levels];
      for (int l = 0; l < levels; l++) {
        int c = in.i32();
        int max = l == 0 ? maxM0 : m;
        if (c < 0 || c > max || (long) c * 4 > in.remaining()) {
          throw in.error("node " + i + " level " + l + ": neighbour count " + c + " is out of range [0, " + max
              + "] (M = " + m + "; layer 0 keeps 2M) or exceeds the " + in.remaining() + " bytes left");
        }
        IntArrayList list = new IntArrayList(c); // hnswlib grows it when later inserts link here
        for (int j = 0; j < c; j++) {
          int t = in.i32();
          if (t < 0 || t >= n || t == i) {
            throw in.error("node " + i + " level " + l + ": neighbour " + t + " out of range [0, " + n + ") or self");
          }
          list.add(t);
        }
        conns[l] = list;
      }
      topLevel = Math.max(topLevel, levels - 1);
      HnswItem item = new HnswItem(i, v, doc, live);
      if (live) {
        if (index.byId.putIfAbsent(doc.id(), item) != null) {
          throw in.error("duplicate id '" + doc.id() + "'");
        }
        index.knownFields.addAll(doc.metadata().keySet());
      }
      nodes[i] = HnswGraph.newNode(i, conns, item, !live);
    }
    int ep = in.i32();
    if (n == 0 ? ep != -1 : (ep < 0 || ep >= n)) {
      throw in.error("entry point " + ep + " out of range for " + n + " nodes");
    }
    for (int i = 0; i < n; i++) {
      MutableIntList[] conns = HnswGraph.connections(nodes[i]);
      for (int l = 0; l < conns.length; l++) {
        for (int j = 0; j < conns[l].size(); j++) {
          if (HnswGraph.connections(nodes[conns[l].get(j)]).length <= l) {
            throw in.error("node " + i + " links to node " + conns[l].get(j) + " on level " + l + " it does not reach");
          }
        }
      }
    }
    if (n > 0 && HnswGraph.connections(nodes[ep]).length - 1 != topLevel) {
      throw in.error("entry point " + ep + " is not on the top level " + topLevel);
    }
    HnswGraph.install(index.graph, nodes, ep);
    index.graphNodes.set(n);
    index.nextOrdinal.set(n);
    return index;
  }

  /**
   * The most levels a node can have in a graph of this M: hnswlib 1.2.1 draws a node's top level as
   * {@code floor(-ln(u) / ln(M))} with {@code u = nextDouble()}, at least 2^-53 when not 0, so the top level is at
   * most {@code 53 ln 2 / ln M}; one level of slack absorbs rounding. M = 2: 55, M = 16: 15, M = 512: 7.
   */
  static int maxLevelCount(int m) {
    return 2 + (int) Math.floor(53 * Math.log(2) / Math.log(m));
  }

  // ---------------------------------------------------------------- builder

  /**
   * Configures an {@link HnswVectorIndex}. Each setter validates at once ({@link IllegalArgumentException}) and
   * may be called once ({@link IllegalStateException} on a second call); {@link #build} may be called once. Not
   * thread-safe.
   */
  public static final class Builder {
    private final int dimension;
    private final Similarity similarity;
    private int m = 16;
    private int efConstruction = 200;
    private int defaultEf = 100;
    private int initialCapacity = 1024;
    private double compactionThreshold = 0.25;
    private int threads = Runtime.getRuntime().availableProcessors();
    private final Set<String> set = new HashSet<>();
    private boolean built;

    private Builder(int dimension, Similarity similarity) {
      if (dimension <= 0 || dimension > 65_536) {
        throw new IllegalArgumentException("dimension must be in [1, 65536], got " + dimension);
      }
      if (similarity == null) {
        throw new IllegalArgumentException("similarity is null");
      }
      this.dimension = dimension;
      this.similarity = similarity;
    }

    private void once(String name) {
      if (built) {
        throw new IllegalStateException("builder already used");
      }
      if (!set.add(name)) {
        throw new IllegalStateException(name + " is already set");
      }
    }

    /**
     * Max neighbours per node on upper layers (the paper's M, Lucene's maxConn); layer 0 keeps 2M. Default 16,
     * range [2, 512]. Higher: better recall at a given ef, more memory, slower inserts.
     */
    public Builder m(int m) {
      if (m < 2 || m > 512) {
        throw new IllegalArgumentException("m must be in [2, 512], got " + m);
      }
      once("m");
      this.m = m;
      return this;
    }

    /**
     * Candidate-list size while inserting (the paper's efConstruction, Lucene's beamWidth). Default 200, range
     * [1, 100000]. Higher: a better graph, slower inserts.
     */
    public Builder efConstruction(int efConstruction) {
      if (efConstruction < 1 || efConstruction > 100_000) {
        throw new IllegalArgumentException("efConstruction must be in [1, 100000], got " + efConstruction);
      }
      once("efConstruction");
      this.efConstruction = efConstruction;
      return this;
    }

    /**
     * Candidate-list size of searches that set no ef ({@link SearchOptions#ef()}). Default 100 (recall@10 ≥ 0.98
     * on MiniLM sentence vectors), range [1, 100000].
     */
    public Builder defaultEf(int defaultEf) {
      if (defaultEf < 1 || defaultEf > 100_000) {
        throw new IllegalArgumentException("defaultEf must be in [1, 100000], got " + defaultEf);
      }
      once("defaultEf");
      this.defaultEf = defaultEf;
      return this;
    }

    /** Node slots to allocate up front; the index doubles them as needed. Default 1024, range [1, 2^30]. */
    public Builder initialCapacity(int initialCapacity) {
      if (initialCapacity < 1 || initialCapacity > (1 << 30)) {
        throw new IllegalArgumentException("initialCapacity must be in [1, 2^30], got " + initialCapacity);
      }
      once("initialCapacity");
      this.initialCapacity = initialCapacity;
      return this;
    }

    /**
     * Fraction of tombstones (deleted or replaced nodes) in the graph above which a delete or upsert rebuilds it.
     * Default 0.25, range (0, 1]; 1 never compacts automatically.
     */
    public Builder compactionThreshold(double compactionThreshold) {
      if (!(compactionThreshold > 0 && compactionThreshold <= 1)) {
        throw new IllegalArgumentException("compactionThreshold must be in (0, 1], got " + compactionThreshold);
      }
      once("compactionThreshold");
      this.compactionThreshold = compactionThreshold;
      return this;
    }

    /**
     * Threads for {@link #addAll} and compaction. Default: available processors; range [1, 256]. Graph inserts are
     * bounded by the processor count anyway (see the class comment), so more threads than that add nothing.
     */
    public Builder buildThreads(int threads) {
      if (threads < 1 || threads > 256) {
        throw new IllegalArgumentException("buildThreads must be in [1, 256], got " + threads);
      }
      once("buildThreads");
      this.threads = threads;
      return this;
    }

    /** The empty index. */
    public HnswVectorIndex build() {
      if (built) {
        throw new IllegalStateException("builder already used");
      }
      built = true;
      return new HnswVectorIndex(this, initialCapacity);
    }
  }
}
