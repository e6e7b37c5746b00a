package dev.winnow.index;

import com.github.jelmerk.hnswlib.core.DistanceFunction;
import com.github.jelmerk.hnswlib.core.Item;
import com.github.jelmerk.hnswlib.core.SearchResult;
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
import dev.winnow.index.internal.IndexFile;
import dev.winnow.index.internal.ScoreHeap;
import dev.winnow.index.internal.VectorOps;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The hnswlib-java library (hnswlib-core 1.2.1) as a Winnow {@link VectorIndex}, through its public API only: for
 * users who want that library's graph, and the reference Winnow's own {@link HnswVectorIndex} is measured against.
 *
 * <pre>{@code
 * try (HnswlibVectorIndex index = HnswlibVectorIndex.create(384, Similarity.COSINE, 16, 200, 100)) {
 *   index.addAll(documents, vectors);
 *   List<Hit> top = index.search(query, 10, SearchOptions.DEFAULTS.withEf(200));
 *   index.save(Path.of("passages.hnswlib.winnow"));     // documents + vectors; the graph is rebuilt on open
 * }
 * }</pre>
 *
 * <p><b>Semantics.</b> Per-call ef: hnswlib's ef is index-wide, so a search asks for {@code max(k, ef)} nearest
 * (hnswlib's beam is at least as wide as the result count) and keeps the top {@code k}. Filters: hnswlib has none,
 * so a filtered search post-filters those results and falls back to an exact scan of the matching documents when
 * fewer than {@code k} survive (slow for selective filters; {@link HnswVectorIndex} filters during traversal).
 * Scores are recomputed with Winnow's kernels, so they equal the other indexes' scores for the same vectors.
 *
 * <p><b>Files.</b> {@link #save} writes Winnow's container (kind "hnswlib") with the documents and vectors, never
 * hnswlib's Java serialization; {@link #open} rebuilds the graph, which costs a full build (measured in
 * docs/benchmarks.md: about as long as the original {@code addAll}).
 *
 * <p>Thread-safe. Growing the capacity (hnswlib's {@code resize}) briefly excludes searches and inserts. hnswlib's own deadlock limit (one visited set per processor, see docs/reliability.md) is kept by
 * letting at most {@link Runtime#availableProcessors()} threads insert at once.
 */
public final class HnswlibVectorIndex implements VectorIndex {
  private final int dimension;
  private final Similarity similarity;
  private final int m;
  private final int efConstruction;
  private final int defaultEf;
  private final Semaphore inserters;
  private final ReentrantReadWriteLock resizeLock = new ReentrantReadWriteLock();
  private final Object[] stripes = new Object[64];
  private final Set<String> knownFields = ConcurrentHashMap.newKeySet();
  private volatile HnswIndex<String, float[], Row, Float> index;
  private volatile boolean closed;

  /** One stored document: id, stored-form vector, document. */
  static final class Row implements Item<String, float[]> {
    private static final long serialVersionUID = 1L;
    private final float[] vector;
    private final transient Document document;

    Row(float[] vector, Document document) {
      this.vector = vector;
      this.document = document;
    }

    @Override
    public String id() {
      return document.id();
    }

    @Override
    public float[] vector() {
      return vector;
    }

    @Override
    public int dimensions() {
      return vector.length;
    }
  }

  private HnswlibVectorIndex(int dimension, Similarity similarity, int m, int efConstruction, int defaultEf) {
    this.dimension = dimension;
    this.similarity = similarity;
    this.m = m;
    this.efConstruction = efConstruction;
    this.defaultEf = defaultEf;
    this.inserters = new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors()));
    this.index = newIndex(1024);
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new Object();
    }
  }

  /**
   * An empty index.
   *
   * @param dimension vector length, in [1, 65536]
   * @param similarity how vectors are compared
   * @param m hnswlib's M, in [2, 512]
   * @param efConstruction in [1, 100000]
   * @param defaultEf ef of searches whose options set none, in [1, 100000]
   */
  public static HnswlibVectorIndex create(int dimension, Similarity similarity, int m, int efConstruction,
      int defaultEf) {
    if (dimension <= 0 || dimension > 65_536) {
      throw new IllegalArgumentException("dimension must be in [1, 65536], got " + dimension);
    }
    if (similarity == null) {
      throw new IllegalArgumentException("similarity is null");
    }
    if (m < 2 || m > 512) {
      throw new IllegalArgumentException("m must be in [2, 512], got " + m);
    }
    if (efConstruction < 1 || efConstruction > 100_000) {
      throw new IllegalArgumentException("efConstruction must be in [1, 100000], got " + efConstruction);
    }
    if (defaultEf < 1 || defaultEf > 100_000) {
      throw new IllegalArgumentException("defaultEf must be in [1, 100000], got " + defaultEf);
    }
    return new HnswlibVectorIndex(dimension, similarity, m, efConstruction, defaultEf);
  }

  /**
   * Reads an index written by {@link #save} and rebuilds its graph (a full build). The caller closes the result.
   *
   * @throws IndexFormatException if the file is not a valid hnswlib Winnow index
   */
  public static HnswlibVectorIndex open(Path path) throws IOException {
    return IndexFile.load(path, IndexFile.KIND_HNSWLIB, in -> {
      IndexFile.Header h = in.header();
      int m = in.i32();
      int efc = in.i32();
      int ef = in.i32();
      HnswlibVectorIndex idx;
      try {
        idx = create(h.dimension(), h.similarity(), m, efc, ef);
      } catch (IllegalArgumentException e) {
        throw in.error("bad parameters: " + e.getMessage());
      }
      int n = in.count("document", Integer.MAX_VALUE - 64, 4 * h.dimension() + 12);
      List<Document> docs = new ArrayList<>();
      List<float[]> vectors = new ArrayList<>();
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < n; i++) {
        Document d = in.document();
        if (!ids.add(d.id())) {
          throw in.error("duplicate id '" + d.id() + "'");
        }
        docs.add(d);
        vectors.add(in.vector());
      }
      idx.addAll(docs, vectors.toArray(new float[0][]));
      return idx;
    }, (h, idx) -> idx);
  }

  private HnswIndex<String, float[], Row, Float> newIndex(int capacity) {
    DistanceFunction<float[], Float> distance = similarity == Similarity.EUCLIDEAN
        ? (a, b) -> VectorOps.squareDistance(a, b)
        : (a, b) -> 1 - VectorOps.dot(a, b);
    return HnswIndex.<float[], Float>newBuilder(dimension, distance, capacity).withM(m)
        .withEfConstruction(efConstruction).withEf(1).withRemoveEnabled().build();
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public Similarity similarity() {
    return similarity;
  }

  @Override
  public void add(Document document, float[] vector) {
    Checks.document(document);
    Checks.vector(vector, dimension, "vector");
    Checks.open(closed, "HnswlibVectorIndex");
    synchronized (stripe(document.id())) {
      if (index.get(document.id()).isPresent()) {
        throw new IllegalArgumentException("id '" + document.id() + "' is already present (use upsert to replace it)");
      }
      insert(new Row(VectorOps.stored(similarity, vector), document));
    }
  }

  /**
   * Adds the documents with hnswlib's own parallel insert ({@link Runtime#availableProcessors()} threads at most,
   * hnswlib's limit). Validates every row first: dimension, finite components, ids unique in the batch and absent.
   */
  @Override
  public void addAll(List<Document> documents, float[][] vectors) {
    Checks.open(closed, "HnswlibVectorIndex");
    float[][] stored = Checks.batch(documents, vectors, dimension, similarity, index::contains);
    List<Row> rows = new ArrayList<>(vectors.length);
    for (int i = 0; i < stored.length; i++) {
      rows.add(new Row(stored[i], documents.get(i)));
      knownFields.addAll(documents.get(i).metadata().keySet());
    }
    if (rows.size() < 256) {
      for (Row r : rows) {
        insert(r);
      }
      return;
    }
    resizeLock.writeLock().lock();
    try {
      HnswIndex<String, float[], Row, Float> g = index;
      int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
      long needed = (long) g.getMaxItemCount() + rows.size();
      g.resize((int) Math.min(Integer.MAX_VALUE - 8, needed));
      g.addAll(rows, threads, (done, max) -> { }, Integer.MAX_VALUE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during addAll", e);
    } finally {
      resizeLock.writeLock().unlock();
    }
  }

  @Override
  public boolean upsert(Document document, float[] vector) {
    Checks.document(document);
    Checks.vector(vector, dimension, "vector");
    Checks.open(closed, "HnswlibVectorIndex");
    synchronized (stripe(document.id())) {
      boolean present = index.get(document.id()).isPresent();
      if (present) {
        index.remove(document.id(), 0);
      }
      insert(new Row(VectorOps.stored(similarity, vector), document));
      return present;
    }
  }

  private Object stripe(String id) {
    return stripes[(id.hashCode() & 0x7fffffff) % stripes.length];
  }

  private void insert(Row row) {
    knownFields.addAll(row.document.metadata().keySet());
    while (true) {
      int full = -1;
      resizeLock.readLock().lock();
      try {
        full = index.getMaxItemCount();
        inserters.acquireUninterruptibly();
        try {
          index.add(row);
          return;
        } finally {
          inserters.release();
        }
      } catch (SizeLimitExceededException e) {
        // full: grow below, then retry
      } finally {
        resizeLock.readLock().unlock();
      }
      resizeLock.writeLock().lock();
      try {
        // hnswlib counts removed nodes against the capacity (size() does not): grow unless another thread did
        HnswIndex<String, float[], Row, Float> g = index;
        if (g.getMaxItemCount() == full) {
          g.resize((int) Math.min(Integer.MAX_VALUE - 8, 2L * full));
        }
      } finally {
        resizeLock.writeLock().unlock();
      }
    }
  }

  @Override
  public boolean delete(String id) {
    Checks.id(id);
    Checks.open(closed, "HnswlibVectorIndex");
    synchronized (stripe(id)) {
      return index.remove(id, 0);
    }
  }

  @Override
  public Optional<Document> get(String id) {
    Checks.id(id);
    Checks.open(closed, "HnswlibVectorIndex");
    return index.get(id).map(r -> r.document);
  }

  @Override
  public Optional<float[]> vector(String id) {
    Checks.id(id);
    Checks.open(closed, "HnswlibVectorIndex");
    return index.get(id).map(r -> r.vector.clone());
  }

  @Override
  public boolean contains(String id) {
    Checks.id(id);
    Checks.open(closed, "HnswlibVectorIndex");
    return index.contains(id);
  }

  @Override
  public int size() {
    Checks.open(closed, "HnswlibVectorIndex");
    return index.size();
  }

  @Override
  public List<Hit> search(float[] query, int k, SearchOptions options) {
    Checks.open(closed, "HnswlibVectorIndex");
    Checks.search(query, dimension, k, options, knownFields);
    float[] q = VectorOps.stored(similarity, query);
    // hnswlib's resize swaps the visited sets searches borrow: searches and resizes exclude each other
    resizeLock.readLock().lock();
    try {
      return search0(q, k, options);
    } finally {
      resizeLock.readLock().unlock();
    }
  }

  private List<Hit> search0(float[] q, int k, SearchOptions options) {
    HnswIndex<String, float[], Row, Float> g = index;
    int size = g.size();
    if (size == 0) {
      return List.of();
    }
    int ef = Math.min(Math.max(k, options.effectiveEf(k, defaultEf)), size);
    Filter filter = options.filter();
    List<Hit> hits = new ArrayList<>();
    for (SearchResult<Row, Float> r : g.findNearest(q, ef)) {
      if (filter == null || filter.test(r.item().document.metadata())) {
        hits.add(new Hit(r.item().id(), VectorOps.score(similarity, q, r.item().vector)));
      }
    }
    Collections.sort(hits);
    if (hits.size() >= Math.min(k, size) && filter == null || hits.size() >= k) {
      return hits.size() > k ? new ArrayList<>(hits.subList(0, k)) : hits;
    }
    // too few survived: exact over the (matching) documents
    ScoreHeap top = new ScoreHeap(Math.min(k, size) + 1);
    List<Row> rows = new ArrayList<>(g.items());
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      if (filter == null || filter.test(r.document.metadata())) {
        top.offer(VectorOps.score(similarity, q, r.vector), i, k);
      }
    }
    List<Hit> exact = new ArrayList<>(top.size());
    for (int i = 0; i < top.size(); i++) {
      exact.add(new Hit(rows.get(top.idAt(i)).id(), top.scoreAt(i)));
    }
    Collections.sort(exact);
    return exact;
  }

  /** Writes the documents and vectors (Winnow's container, kind "hnswlib"), crash-safely; the graph is not saved. */
  @Override
  public void save(Path path) throws IOException {
    Checks.open(closed, "HnswlibVectorIndex");
    resizeLock.writeLock().lock();
    try {
      List<Row> rows = new ArrayList<>(index.items());
      IndexFile.save(path, IndexFile.KIND_HNSWLIB, similarity, dimension, out -> {
        out.i32(m);
        out.i32(efConstruction);
        out.i32(defaultEf);
        out.i32(rows.size());
        for (Row r : rows) {
          out.document(r.document);
          out.floats(r.vector, 0, dimension);
        }
      });
    } finally {
      resizeLock.writeLock().unlock();
    }
  }

  @Override
  public void close() {
    closed = true;
    index = newIndex(1);
  }

  @Override
  public String toString() {
    return "HnswlibVectorIndex[" + dimension + "d " + similarity + ", M=" + m + ", efConstruction=" + efConstruction
        + ", size=" + index.size() + "]";
  }
}
