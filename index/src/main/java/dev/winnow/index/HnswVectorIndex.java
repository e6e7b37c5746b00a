package dev.winnow.index;

import dev.winnow.Document;
import dev.winnow.Filter;
import dev.winnow.Hit;
import dev.winnow.IndexFormatException;
import dev.winnow.SearchOptions;
import dev.winnow.Similarity;
import dev.winnow.VectorIndex;
import dev.winnow.index.internal.Checks;
import dev.winnow.index.internal.HnswFormat;
import dev.winnow.index.internal.HnswGeneration;
import dev.winnow.index.internal.HnswGraph;
import dev.winnow.index.internal.HnswSearcher;
import dev.winnow.index.internal.NodeTable;
import dev.winnow.index.internal.ScalarQuantizer;
import dev.winnow.index.internal.ScoreHeap;
import dev.winnow.index.internal.VectorOps;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * Approximate nearest-neighbour search with Winnow's own HNSW graph (Malkov and Yashunin; construction in
 * {@code HnswBuilder}, primitive page storage in {@code HnswGraph}, search in {@code HnswSearcher}), searched with
 * a per-call {@code ef} and an optional metadata filter.
 *
 * <pre>{@code
 * try (HnswVectorIndex index = HnswVectorIndex.builder(384, Similarity.COSINE)
 *     .m(16).efConstruction(200).defaultEf(100).initialCapacity(100_000).build()) {
 *   index.addAll(documents, vectors);                        // parallel insert
 *   List<Hit> top = index.search(query, 10, SearchOptions.DEFAULTS.withEf(200));
 *   index.save(Path.of("passages.winnow"));
 * }
 * try (HnswVectorIndex again = HnswVectorIndex.open(Path.of("passages.winnow"))) { ... }   // memory-mapped
 * }</pre>
 *
 * <p><b>Graph.</b> Layer 0 keeps up to 2M neighbours a node, upper layers M; neighbours are chosen with the
 * diversity heuristic, also for the new node's own layer-0 list (as Lucene does; hnswlib keeps M there), and a full
 * list taking a back link drops the worst entry the newcomer shadows (Lucene's rule). Pruning can leave a few nodes
 * that no search reaches (45 of 1M on layer 0); {@code addAll} (once the nodes inserted since the last repair reach
 * 1/32 of the graph), {@code save} and compaction link them back in, at the cost of one walk over the graph.
 * Inserts run concurrently from any number of threads.
 *
 * <p><b>Deletes and compaction.</b> Deleted and replaced nodes become tombstones: they keep guiding searches but
 * are never returned. When tombstones exceed {@link Builder#compactionThreshold} of the graph, the delete or upsert
 * that crossed the line rebuilds the graph from the live documents ({@link #compact()} does it on demand). Searches
 * keep using the old graph during the rebuild, and other writers keep writing to it; at the end writers pause
 * briefly while the changes made meanwhile are applied to the new graph, which then replaces the old one.
 *
 * <p><b>Filters.</b> A filtered search first finds the matching documents (a metadata scan, no vector math). If
 * at most {@code k} match, or the graph search visits more nodes than match, or it finds fewer than {@code k},
 * the matching subset is searched exactly; otherwise the graph is searched with the filter applied during
 * traversal (non-matching nodes guide but are not collected). So a search returns {@code k} hits whenever
 * {@code k} documents match.
 *
 * <p><b>Compressed vectors.</b> With {@link Builder#quantization}{@code (Quantization.INT8)} the graph search
 * scores one signed byte a component (per-dimension ranges learned from the first
 * {@link Builder#quantizeAfter} vectors), a quarter of the float vectors' memory traffic, and rescores the best
 * {@code k × }{@link Builder#rescoreOversample} candidates with the float vectors, so returned scores are exact.
 * Measured on 89,606 real MiniLM vectors: recall@10 0.981 where float gives 0.981, 1.4-1.7x the float QPS at equal
 * recall (docs/benchmarks.md). The graph itself is built with the float vectors.
 *
 * <p><b>Files.</b> {@link #save} writes format version 3 (docs/index-format.md): aligned vector, code and neighbour
 * blocks that {@link #open} memory-maps instead of reading into the heap, a CRC32C per section; document texts
 * stay in the file and are read when {@link #get} asks (ids and metadata are on the heap). Version-2 files open as
 * float-only indexes; version-1 files (written by earlier Winnow versions, graph built by hnswlib) open, read
 * into the heap.
 *
 * <p><b>Thread-safety and cost.</b> Thread-safe. Searches run in parallel with each other and with writers, and
 * take no index-wide lock (each neighbour list is copied under its own short striped monitor). {@link #save}
 * excludes writers, not searches. Each searching thread keeps visited marks of one bit per node. Memory per node:
 * 4 × dimension bytes of vector, 4 × (2M + 1) bytes of layer-0 links, one byte
 * of level, links of upper layers for about one node in M, and the document with its id-map entry.
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
  private final long seed;
  private final Quantization quantization;
  private final int oversample;
  private final int quantizeAfter;

  private volatile HnswGeneration gen;
  private final Set<String> knownFields = ConcurrentHashMap.newKeySet();
  /** read: add/upsert/delete; write: save, close and the end of a compaction. Searches never take it. */
  private final ReentrantReadWriteLock writeGate = new ReentrantReadWriteLock();
  private final ReentrantLock compactionLock = new ReentrantLock();
  private final Object[] stripes = new Object[STRIPES];
  private final Object poolLock = new Object();
  private ExecutorService pool;
  private volatile boolean closed;

  private HnswVectorIndex(Builder b, HnswGeneration gen) {
    this.dimension = b.dimension;
    this.similarity = b.similarity;
    this.m = b.m;
    this.efConstruction = b.efConstruction;
    this.defaultEf = b.defaultEf;
    this.compactionThreshold = b.compactionThreshold;
    this.threads = b.threads;
    this.seed = b.seed;
    this.quantization = b.quantization;
    this.oversample = b.oversample;
    this.quantizeAfter = b.quantizeAfter;
    this.gen = gen;
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
   * Opens an index written by {@link #save}: a version-2 file is memory-mapped (vectors and layer-0 links stay
   * in the file; documents, levels and upper layers are read), a version-1 file is read into the heap. The graph
   * is restored as saved (no rebuild). The caller owns (closes) the result.
   *
   * @throws IndexFormatException if the file is not a valid HNSW Winnow index
   * @throws IOException if it cannot be read
   */
  public static HnswVectorIndex open(Path path) throws IOException {
    HnswFormat.Loaded l = HnswFormat.read(path);
    Builder b;
    try {
      b = builder(l.dimension(), l.similarity()).m(l.m()).efConstruction(l.efConstruction()).defaultEf(l.defaultEf())
          .compactionThreshold(l.compactionThreshold()).quantization(l.quantization() == 1 ? Quantization.INT8
              : Quantization.NONE).rescoreOversample(l.oversample()).quantizeAfter(l.quantizeAfter());
    } catch (IllegalArgumentException e) {
      throw new IndexFormatException(path + ": bad parameters: " + e.getMessage(), e);
    }
    b.built = true;
    HnswVectorIndex index = new HnswVectorIndex(b, l.generation());
    index.knownFields.addAll(l.fields());
    return index;
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

  /** How the graph search's vectors are compressed ({@link Builder#quantization}). */
  public Quantization quantization() {
    return quantization;
  }

  /** Whether searches use int8 codes now (an INT8 index starts using them at {@link Builder#quantizeAfter} nodes). */
  public boolean quantized() {
    return gen.graph().quantizer() != null;
  }

  /** Candidates rescored with float vectors per result wanted, in a quantized search. */
  public int rescoreOversample() {
    return oversample;
  }

  /** Candidate-list size of a search whose options set no ef. */
  public int defaultEf() {
    return defaultEf;
  }

  @Override
  public void add(Document document, float[] vector) {
    Checks.document(document);
    Checks.vector(vector, dimension, "vector");
    add0(document, VectorOps.stored(similarity, vector), "already present (use upsert to replace it)");
    maybeQuantize(null);
  }

  /**
   * Adds the documents with {@link Builder#buildThreads} threads (the index's one pool, reused). Validates every
   * row first (dimension, finite components, ids unique in the batch and absent from the index); a concurrent add
   * of the same id by another thread can still make one row fail with {@link IllegalArgumentException}, after the
   * rows before it were added.
   */
  @Override
  public void addAll(List<Document> documents, float[][] vectors) {
    addBatch(documents, vectors);
    repair();
  }

  private void repair() {
    writeGate.readLock().lock();
    try {
      if (!closed) {
        gen.repair(false);
      }
    } finally {
      writeGate.readLock().unlock();
    }
  }

  private void addBatch(List<Document> documents, float[][] vectors) {
    Checks.open(closed, "HnswVectorIndex");
    float[][] stored = Checks.batch(documents, vectors, dimension, similarity, id -> gen.byId().containsKey(id));
    maybeQuantize(stored);
    gen.graph().reserve(gen.graph().size() + vectors.length);
    parallel(vectors.length, i -> add0(documents.get(i), stored[i], "already present (added concurrently)"));
  }

  /**
   * Indexes a stream of rows in bounded memory: reads {@code batch} rows at a time from {@code rows}, validates
   * and inserts them with the index's pool, and reports progress after each batch. Rows already added stay when a
   * later row fails (its {@link IllegalArgumentException} names the row's position in the stream).
   *
   * @param rows the documents and vectors (each vector as {@code add} takes it)
   * @param sizeHint expected row count for pre-sizing and progress ({@code <= 0}: unknown)
   * @param progress called after each batch; may be null
   */
  public void addAll(Iterable<Map.Entry<Document, float[]>> rows, long sizeHint, Consumer<dev.winnow.IngestProgress> progress) {
    if (rows == null) {
      throw new IllegalArgumentException("rows is null");
    }
    Checks.open(closed, "HnswVectorIndex");
    if (sizeHint > 0) {
      gen.graph().reserve((int) Math.min(Integer.MAX_VALUE - 8, gen.graph().size() + sizeHint));
    }
    long start = System.nanoTime();
    int batch = 1024;
    List<Document> docs = new ArrayList<>(batch);
    List<float[]> vecs = new ArrayList<>(batch);
    long done = 0;
    Iterator<Map.Entry<Document, float[]>> it = rows.iterator();
    while (it.hasNext()) {
      Map.Entry<Document, float[]> row = it.next();
      if (row == null) {
        throw new IllegalArgumentException("rows[" + (done + docs.size()) + "] is null");
      }
      docs.add(row.getKey());
      vecs.add(row.getValue());
      if (docs.size() == batch || !it.hasNext()) {
        try {
          addBatch(docs, vecs.toArray(new float[0][]));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("rows from " + done + ": " + e.getMessage(), e);
        }
        done += docs.size();
        docs.clear();
        vecs.clear();
        if (progress != null) {
          progress.accept(new dev.winnow.IngestProgress(done, Math.max(done, sizeHint), System.nanoTime() - start));
        }
      }
    }
    repair();
  }

  private void add0(Document document, float[] stored, String presentRule) {
    writeGate.readLock().lock();
    try {
      Checks.open(closed, "HnswVectorIndex");
      synchronized (stripe(document.id())) {
        HnswGeneration g = gen;
        if (g.byId().containsKey(document.id())) {
          throw new IllegalArgumentException("id '" + document.id() + "' is " + presentRule);
        }
        knownFields.addAll(document.metadata().keySet());
        int node = g.insert(document, stored, true);
        g.byId().put(document.id(), node);
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
        HnswGeneration g = gen;
        int old = g.node(document.id());
        knownFields.addAll(document.metadata().keySet());
        // the new node joins the graph hidden; the swap of visibility leaves no moment with both visible
        int fresh = g.insert(document, stored, old < 0);
        if (old >= 0) {
          g.nodes().live(old, false);
          g.nodes().live(fresh, true);
          g.nodes().clearDocument(old);
        }
        g.byId().put(document.id(), fresh);
        replaced = old >= 0;
      }
    } finally {
      writeGate.readLock().unlock();
    }
    if (replaced) {
      maybeCompact();
    }
    maybeQuantize(null); // a replacement adds a node too: an index that only changes by upserts still trains
    return replaced;
  }

  @Override
  public boolean delete(String id) {
    Checks.id(id);
    writeGate.readLock().lock();
    try {
      Checks.open(closed, "HnswVectorIndex");
      synchronized (stripe(id)) {
        HnswGeneration g = gen;
        Integer old = g.byId().remove(id);
        if (old == null) {
          return false;
        }
        g.nodes().live(old, false);
        g.nodes().clearDocument(old);
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
    HnswGeneration g = gen;
    int node = g.node(id);
    Document d = node < 0 ? null : g.nodes().document(node);
    return Optional.ofNullable(d);
  }

  @Override
  public Optional<float[]> vector(String id) {
    Checks.id(id);
    Checks.open(closed, "HnswVectorIndex");
    HnswGeneration g = gen;
    int node = g.node(id);
    if (node < 0) {
      return Optional.empty();
    }
    float[] v = new float[dimension];
    g.graph().vector(node, v);
    return Optional.of(v);
  }

  @Override
  public boolean contains(String id) {
    Checks.id(id);
    Checks.open(closed, "HnswVectorIndex");
    return gen.byId().containsKey(id);
  }

  @Override
  public int size() {
    Checks.open(closed, "HnswVectorIndex");
    return gen.byId().size();
  }

  /** Nodes in the graph: live documents plus tombstones not yet compacted away. */
  public int graphSize() {
    Checks.open(closed, "HnswVectorIndex");
    return gen.graph().size();
  }

  /** Node slots allocated (whole pages; a compaction resets it to fit the live set). */
  public int capacity() {
    return gen.graph().capacity();
  }

  /** Heap bytes held by vectors and links (mapped file pages excluded); documents and ids not counted. */
  public long graphHeapBytes() {
    return gen.graph().heapBytes();
  }

  @Override
  public List<Hit> search(float[] query, int k, SearchOptions options) {
    return search(query, k, options, true);
  }

  /** Whether some document ever added had metadata field {@code field} (a filter may name it). */
  boolean knowsField(String field) {
    return knownFields.contains(field);
  }

  /**
   * {@link #search(float[], int, SearchOptions)}; with {@code checkFields} false a filter field no document has
   * simply matches as absent ({@link ShardedVectorIndex} checks fields over all its shards instead).
   */
  List<Hit> search(float[] query, int k, SearchOptions options, boolean checkFields) {
    Checks.open(closed, "HnswVectorIndex");
    Checks.search(query, dimension, k, options, checkFields ? knownFields : null);
    float[] q = VectorOps.stored(similarity, query);
    Filter filter = options.filter();
    HnswGeneration g = gen;
    HnswGraph graph = g.graph();
    NodeTable nodes = g.nodes();
    // a search cannot collect more than the graph's nodes: sizing by min(ef, nodes) keeps a huge k (up to
    // Integer.MAX_VALUE) as cheap as k = size()
    int ef = Math.min(options.effectiveEf(k, defaultEf), Math.max(1, graph.size()));
    HnswSearcher searcher = HnswSearcher.get();
    ScalarQuantizer qz = graph.quantizer();
    int rescore = 0;
    HnswSearcher.Scorer scorer;
    if (qz != null) {
      // walk with the codes, collecting at least k * oversample candidates, then rescore those with the floats
      rescore = (int) Math.min(Math.max(1, graph.size()), (long) Math.min(k, graph.size()) * oversample);
      ef = Math.max(ef, rescore);
      scorer = searcher.codes(graph, qz, q);
    } else {
      scorer = searcher.floats(graph, q);
    }
    ScoreHeap results = new ScoreHeap(ef + 1);
    if (filter == null) {
      searcher.search(graph, scorer, ef, nodes::live, Integer.MAX_VALUE, results);
      if (qz != null) {
        results = rescore(graph, q, results, rescore);
      }
      List<Hit> hits = toHits(g, results, k);
      if (hits.size() < k && hits.size() < g.byId().size()) {
        // a graph with many tombstones can strand live nodes: fall back to exact to keep the promise
        return exactOver(g, q, k, matchingNodes(g, null, new BitSet()));
      }
      return hits;
    }
    // 1. Which nodes match? (metadata only)   2. Few matches: exact over them.
    // 3. Otherwise graph search collecting only matches, giving up once it visited more nodes than match.
    BitSet matching = new BitSet();
    int[] matches = matchingNodes(g, filter, matching);
    int count = matches.length;
    if (count > k) {
      int visited = searcher.search(graph, scorer, ef, matching::get, count, results);
      if (visited != HnswSearcher.ABORTED && results.size() >= k) {
        return toHits(g, qz == null ? results : rescore(graph, q, results, rescore), k);
      }
    }
    return exactOver(g, q, k, matches);
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
      gen.repair(true);
      HnswFormat.write(path, gen, efConstruction, defaultEf, compactionThreshold,
          quantization == Quantization.INT8 ? 1 : 0, oversample, quantizeAfter);
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
        gen = HnswGeneration.empty(dimension, similarity, m, efConstruction, seed);
        synchronized (poolLock) {
          if (pool != null) {
            pool.shutdownNow();
            pool = null;
          }
        }
      }
    } finally {
      writeGate.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    HnswGeneration g = gen;
    return "HnswVectorIndex[" + dimension + "d " + similarity + ", M=" + m + ", efConstruction=" + efConstruction
        + ", size=" + g.byId().size() + ", graph=" + g.graph().size() + "]";
  }

  // ---------------------------------------------------------------- internals

  private Object stripe(String id) {
    return stripes[(id.hashCode() & 0x7fffffff) % STRIPES];
  }

  /** Runs {@code task(0..n-1)} on the index's pool (created once, {@code threads} daemon threads). */
  private void parallel(int n, java.util.function.IntConsumer task) {
    int workers = Math.min(threads, Math.max(1, n / 256));
    AtomicInteger next = new AtomicInteger();
    Runnable worker = () -> {
      for (int i; (i = next.getAndIncrement()) < n; ) {
        task.accept(i);
      }
    };
    if (workers == 1) {
      worker.run();
      return;
    }
    ExecutorService p;
    synchronized (poolLock) {
      Checks.open(closed, "HnswVectorIndex");
      if (pool == null) {
        pool = Executors.newFixedThreadPool(threads, r -> {
          Thread t = new Thread(r, "winnow-hnsw-build");
          t.setDaemon(true);
          return t;
        });
      }
      p = pool;
    }
    List<Future<?>> futures = new ArrayList<>();
    try {
      for (int t = 0; t < workers; t++) {
        futures.add(p.submit(worker));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      next.set(n);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while inserting", e);
    } catch (ExecutionException e) {
      next.set(n);
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (InterruptedException | ExecutionException ignored) {
          // the first failure is the one reported
        }
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private void maybeCompact() {
    HnswGeneration g = gen;
    int nodes = g.graph().size();
    int tombstones = nodes - g.byId().size();
    if (nodes >= 32 && tombstones > compactionThreshold * nodes && compactionLock.tryLock()) {
      try {
        g = gen;
        if (!closed && g.graph().size() - g.byId().size() > compactionThreshold * g.graph().size()) {
          compact0();
        }
      } finally {
        compactionLock.unlock();
      }
    }
  }

  private void compact0() {
    // 1. Snapshot the live nodes (no lock: the diff in step 3 repairs anything that changes meanwhile).
    // 2. Build a new generation from them with several threads; searches and writers use the old one.
    // 3. Pause writers; add nodes that appeared since the snapshot, hide those deleted or replaced since.
    // 4. Publish the new generation; the old one (and its tombstones) becomes garbage.
    HnswGeneration old = gen;
    List<Map.Entry<String, Integer>> snapshot = new ArrayList<>(old.byId().entrySet());
    HnswGeneration fresh = HnswGeneration.empty(dimension, similarity, m, efConstruction, seed);
    fresh.graph().reserve(snapshot.size());
    ScalarQuantizer oldQuantizer = old.graph().quantizer();
    if (quantization == Quantization.INT8 && snapshot.size() >= quantizeAfter) {
      // retrain on the live vectors (the ranges follow the data as it changes), before any node is added
      int n = Math.min(snapshot.size(), TRAINING_SAMPLE);
      float[][] sample = new float[n][];
      for (int i = 0; i < n; i++) {
        sample[i] = new float[dimension];
        old.graph().vector(snapshot.get((int) ((long) i * snapshot.size() / n)).getValue(), sample[i]);
      }
      fresh.graph().quantize(ScalarQuantizer.train(sample, dimension));
    } else if (oldQuantizer != null) {
      // too few live vectors to relearn from: keep the ranges the index has (a quantized index stays quantized)
      fresh.graph().quantize(oldQuantizer);
    }
    int[] origin = new int[snapshot.size()];
    int[] placed = new int[snapshot.size()];
    parallel(snapshot.size(), i -> {
      int src = snapshot.get(i).getValue();
      Document d = old.nodes().stub(src);
      if (d == null) {
        placed[i] = -1; // deleted since the snapshot; step 3 sees it gone
        return;
      }
      float[] v = new float[dimension];
      old.graph().vector(src, v);
      origin[i] = src;
      int node = fresh.insert(d, v, true);
      // a text left in the file stays there (d is then its stub); the new generation is not yet visible
      fresh.nodes().adoptText(node, old.nodes(), src);
      placed[i] = node;
    });
    fresh.repair(true);
    writeGate.writeLock().lock();
    try {
      if (closed || gen != old) {
        return;
      }
      Map<Integer, Integer> byOrigin = new HashMap<>();
      for (int i = 0; i < placed.length; i++) {
        if (placed[i] >= 0) {
          byOrigin.put(origin[i], placed[i]);
        }
      }
      for (Map.Entry<String, Integer> e : old.byId().entrySet()) {
        Integer f = byOrigin.remove(e.getValue());
        if (f != null) {
          fresh.byId().put(e.getKey(), f);
        } else {
          float[] v = new float[dimension];
          old.graph().vector(e.getValue(), v);
          int node = fresh.insert(old.nodes().stub(e.getValue()), v, true);
          fresh.nodes().adoptText(node, old.nodes(), e.getValue());
          fresh.byId().put(e.getKey(), node);
        }
      }
      for (int stale : byOrigin.values()) {
        fresh.nodes().live(stale, false); // deleted or replaced during the rebuild
        fresh.nodes().clearDocument(stale);
      }
      if (fresh.graph().quantizer() == null && old.graph().quantizer() != null) {
        // the old graph trained during the rebuild; nothing else writes to the fresh one (writers are paused)
        fresh.graph().quantize(old.graph().quantizer());
      }
      gen = fresh;
    } finally {
      writeGate.writeLock().unlock();
    }
  }

  /** Live nodes passing {@code filter} (all live nodes when null), also set in {@code into}. */
  private static int[] matchingNodes(HnswGeneration g, Filter filter, BitSet into) {
    int n = g.graph().size();
    NodeTable nodes = g.nodes();
    int[] out = new int[16];
    int count = 0;
    for (int i = 0; i < n; i++) {
      if (!nodes.live(i)) {
        continue;
      }
      Document d = nodes.stub(i);
      if (d != null && (filter == null || filter.test(d.metadata()))) {
        if (count == out.length) {
          out = java.util.Arrays.copyOf(out, count * 2);
        }
        out[count++] = i;
        into.set(i);
      }
    }
    return java.util.Arrays.copyOf(out, count);
  }

  private List<Hit> exactOver(HnswGeneration g, float[] q, int k, int[] nodeIds) {
    ScoreHeap top = new ScoreHeap(Math.min(k, nodeIds.length) + 1);
    float[] scratch = new float[dimension];
    for (int id : nodeIds) {
      top.offer(g.graph().score(q, id, scratch), id, k);
    }
    return toHits(g, top, k);
  }

  /**
   * The best {@code count} of {@code approx} (by code score), rescored with the float vectors. {@code approx} is a
   * min-heap, so dropping its lowest entries until {@code count} remain selects them; it is consumed.
   */
  private ScoreHeap rescore(HnswGraph graph, float[] q, ScoreHeap approx, int count) {
    while (approx.size() > count) {
      approx.pop();
    }
    int take = approx.size();
    ScoreHeap exact = new ScoreHeap(take + 1);
    float[] scratch = new float[dimension];
    for (int i = 0; i < take; i++) {
      int node = approx.idAt(i);
      exact.offer(graph.score(q, node, scratch), node, take);
    }
    return exact;
  }

  /**
   * Trains the int8 quantizer once the graph, with {@code incoming} (stored-form rows about to be added; may be
   * null), reaches {@link Builder#quantizeAfter} nodes: ranges from a sample of up to {@link #TRAINING_SAMPLE}
   * vectors, then codes for every node. Writers pause meanwhile (about 1 s a million nodes); searches continue.
   */
  private void maybeQuantize(float[][] incoming) {
    if (quantization != Quantization.INT8 || gen.graph().quantizer() != null) {
      return;
    }
    int extra = incoming == null ? 0 : incoming.length;
    if ((long) gen.graph().size() + extra < quantizeAfter) {
      return;
    }
    writeGate.writeLock().lock();
    try {
      if (closed || gen.graph().quantizer() != null) {
        return;
      }
      HnswGraph graph = gen.graph();
      graph.quantize(ScalarQuantizer.train(sample(graph, incoming), dimension));
    } finally {
      writeGate.writeLock().unlock();
    }
  }

  static final int TRAINING_SAMPLE = 25_000;

  /** Up to {@link #TRAINING_SAMPLE} stored vectors spread evenly over the graph's nodes and {@code incoming}. */
  private float[][] sample(HnswGraph graph, float[][] incoming) {
    int have = graph.size();
    long total = (long) have + (incoming == null ? 0 : incoming.length);
    int n = (int) Math.min(total, TRAINING_SAMPLE);
    float[][] out = new float[n][];
    for (int i = 0; i < n; i++) {
      long at = total == n ? i : (long) ((double) i * total / n);
      if (at < have) {
        out[i] = new float[dimension];
        graph.vector((int) at, out[i]);
      } else {
        out[i] = incoming[(int) (at - have)];
      }
    }
    return out;
  }

  /** Maps (score, node) pairs to hits: live nodes only, one per document id, best first, at most k. */
  private static List<Hit> toHits(HnswGeneration g, ScoreHeap heap, int k) {
    Map<String, Hit> best = new HashMap<>();
    NodeTable nodes = g.nodes();
    for (int i = 0; i < heap.size(); i++) {
      int node = heap.idAt(i);
      Document d = nodes.stub(node);
      if (d == null || !nodes.live(node)) {
        continue;
      }
      Hit h = new Hit(d.id(), heap.scoreAt(i));
      best.merge(h.id(), h, (a, b) -> a.compareTo(b) <= 0 ? a : b);
    }
    List<Hit> hits = new ArrayList<>(best.values());
    Collections.sort(hits);
    return hits.size() > k ? new ArrayList<>(hits.subList(0, k)) : hits;
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
    private long seed = 42;
    private Quantization quantization = Quantization.NONE;
    private int oversample = 3;
    private int quantizeAfter = 10_000;
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

    /** Node slots to allocate up front (a capacity hint); the index grows by pages as needed. Default 1024, range [1, 2^30]. */
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
     * Threads for {@link #addAll} and compaction. Default: available processors; range [1, 256]. More threads than cores add nothing.
     */
    public Builder buildThreads(int threads) {
      if (threads < 1 || threads > 256) {
        throw new IllegalArgumentException("buildThreads must be in [1, 256], got " + threads);
      }
      once("buildThreads");
      this.threads = threads;
      return this;
    }

    /**
     * Seed of the random level draws. Default 42. With one build thread, the same inserts give the same graph;
     * with several, the interleaving of threads varies the graph anyway.
     */
    public Builder seed(long seed) {
      once("seed");
      this.seed = seed;
      return this;
    }

    /**
     * How the graph search's vectors are compressed. Default {@link Quantization#NONE}. {@link Quantization#INT8}
     * walks the graph with one byte a component (a quarter of the memory traffic) and rescores the best
     * {@code k × }{@link #rescoreOversample} candidates with the float vectors, which stay in the file, mapped.
     */
    public Builder quantization(Quantization quantization) {
      if (quantization == null) {
        throw new IllegalArgumentException("quantization is null");
      }
      once("quantization");
      this.quantization = quantization;
      return this;
    }

    /**
     * Candidates rescored with the float vectors per result wanted, in a quantized search (the beam is widened to
     * at least {@code k × oversample}). Default 3, range [1, 100].
     */
    public Builder rescoreOversample(int oversample) {
      if (oversample < 1 || oversample > 100) {
        throw new IllegalArgumentException("rescoreOversample must be in [1, 100], got " + oversample);
      }
      once("rescoreOversample");
      this.oversample = oversample;
      return this;
    }

    /**
     * Nodes an INT8 index holds before it learns its quantization ranges (from up to 25,000 of them) and starts
     * searching with codes; until then searches use the float vectors. Default 10,000, range [1, 2^30]. Small
     * values train on few vectors and give coarse ranges (below 64 vectors, one range for all dimensions), which
     * costs recall the rescoring cannot win back; values below about 1,000 are for tests. A
     * compaction relearns the ranges from the live vectors (keeps the ranges it has when fewer than this many are
     * live).
     */
    public Builder quantizeAfter(int nodes) {
      if (nodes < 1 || nodes > (1 << 30)) {
        throw new IllegalArgumentException("quantizeAfter must be in [1, 2^30], got " + nodes);
      }
      once("quantizeAfter");
      this.quantizeAfter = nodes;
      return this;
    }

    /** The empty index. */
    public HnswVectorIndex build() {
      if (built) {
        throw new IllegalStateException("builder already used");
      }
      built = true;
      HnswGeneration g = HnswGeneration.empty(dimension, similarity, m, efConstruction, seed);
      g.graph().reserve(initialCapacity);
      return new HnswVectorIndex(this, g);
    }
  }
}
