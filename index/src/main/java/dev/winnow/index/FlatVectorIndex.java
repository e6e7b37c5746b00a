package dev.winnow.index;

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
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Exact nearest-neighbour search: scores the query against every stored vector. The ground truth for
 * {@link HnswVectorIndex}, and the right choice for small corpora (up to some tens of thousands of vectors, where
 * a scan takes a few milliseconds) or very selective filters.
 *
 * <pre>{@code
 * try (FlatVectorIndex index = new FlatVectorIndex(384, Similarity.COSINE)) {
 *   index.add(new Document("d1", "text"), vector);
 *   List<Hit> top = index.search(query, 10);
 * }
 * }</pre>
 *
 * <p>Vectors live in one contiguous {@code float[]} (COSINE vectors normalized on the way in), scanned with a
 * primitive top-k heap: no boxing and no per-vector objects in the hot loop. A delete moves the last vector
 * into the freed slot, so storage always reflects the live set and no compaction is needed.
 *
 * <p>Thread-safe: searches share a read lock and run in parallel; add/upsert/delete take the write lock briefly
 * (O(dimension), amortized); {@link #save} holds the read lock, so writers wait for it while searches go on.
 * Search cost is O(size × dimension); memory is 4 × dimension bytes per vector plus the documents.
 */
public final class FlatVectorIndex implements VectorIndex {
  private final int dimension;
  private final Similarity similarity;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<String, Integer> slots = new HashMap<>();
  private final Set<String> knownFields = new HashSet<>();
  private float[] data;
  private Document[] docs;
  private int size;
  private volatile boolean closed;

  /**
   * An empty index.
   *
   * @param dimension vector length, in [1, 65536]
   * @param similarity how vectors are compared
   * @throws IllegalArgumentException if {@code dimension} is out of range or {@code similarity} is null
   */
  public FlatVectorIndex(int dimension, Similarity similarity) {
    this(dimension, similarity, 16);
  }

  private FlatVectorIndex(int dimension, Similarity similarity, int initialCapacity) {
    if (dimension <= 0 || dimension > 65_536) {
      throw new IllegalArgumentException("dimension must be in [1, 65536], got " + dimension);
    }
    if (similarity == null) {
      throw new IllegalArgumentException("similarity is null");
    }
    this.dimension = dimension;
    this.similarity = similarity;
    this.docs = new Document[initialCapacity];
    this.data = new float[initialCapacity * dimension];
  }

  /**
   * Reads an index written by {@link #save}. The caller owns (closes) the result.
   *
   * @throws IndexFormatException if the file is not a valid flat Winnow index
   * @throws IOException if it cannot be read
   */
  public static FlatVectorIndex open(Path path) throws IOException {
    return IndexFile.load(path, IndexFile.KIND_FLAT, in -> {
      IndexFile.Header h = in.header();
      // each document takes at least id (4 + 1), text length (4), metadata count (4) and its vector: storage is
      // sized by the count only after the count is bounded by the bytes left
      int n = in.count("document", Integer.MAX_VALUE / Math.max(1, h.dimension()), 13 + 4 * h.dimension());
      FlatVectorIndex index = new FlatVectorIndex(h.dimension(), h.similarity(), n);
      for (int i = 0; i < n; i++) {
        Document d = in.document();
        if (index.slots.putIfAbsent(d.id(), i) != null) {
          throw in.error("duplicate id '" + d.id() + "'");
        }
        index.docs[i] = d;
        index.knownFields.addAll(d.metadata().keySet());
        in.floats(index.data, i * h.dimension(), h.dimension());
        for (int j = 0; j < h.dimension(); j++) {
          if (!Float.isFinite(index.data[i * h.dimension() + j])) {
            throw in.error("vector component of '" + d.id() + "' is not finite");
          }
        }
        index.size = i + 1;
      }
      return index;
    }, (h, index) -> index);
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public Similarity similarity() {
    return similarity;
  }

  /**
   * Adds all rows or none: validates every row first (dimension, finite components, ids unique in the batch and
   * absent from the index), then grows the storage once to exactly the new size (no doubling slack) and appends.
   */
  @Override
  public void addAll(List<Document> documents, float[][] vectors) {
    // presence is checked under the write lock below, with the rest of the batch's effect
    float[][] stored = Checks.batch(documents, vectors, dimension, similarity, id -> false);
    lock.writeLock().lock();
    try {
      Checks.open(closed, "FlatVectorIndex");
      for (int i = 0; i < stored.length; i++) {
        if (slots.containsKey(documents.get(i).id())) {
          throw new IllegalArgumentException("documents[" + i + "]: id '" + documents.get(i).id() + "' is already present");
        }
      }
      if ((long) size + stored.length > Integer.MAX_VALUE - 16) {
        throw new IllegalStateException("FlatVectorIndex is full: " + size + " + " + stored.length + " vectors");
      }
      if (size + stored.length > docs.length) {
        resize(size + stored.length, size + stored.length);
      }
      for (int i = 0; i < stored.length; i++) {
        append(documents.get(i), stored[i]);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void add(Document document, float[] vector) {
    Checks.document(document);
    Checks.vector(vector, dimension, "vector");
    float[] stored = VectorOps.stored(similarity, vector);
    lock.writeLock().lock();
    try {
      Checks.open(closed, "FlatVectorIndex");
      if (slots.containsKey(document.id())) {
        throw new IllegalArgumentException("id '" + document.id() + "' is already present (use upsert to replace it)");
      }
      append(document, stored);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public boolean upsert(Document document, float[] vector) {
    Checks.document(document);
    Checks.vector(vector, dimension, "vector");
    float[] stored = VectorOps.stored(similarity, vector);
    lock.writeLock().lock();
    try {
      Checks.open(closed, "FlatVectorIndex");
      Integer slot = slots.get(document.id());
      if (slot == null) {
        append(document, stored);
        return false;
      }
      docs[slot] = document;
      System.arraycopy(stored, 0, data, slot * dimension, dimension);
      knownFields.addAll(document.metadata().keySet());
      return true;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public boolean delete(String id) {
    Checks.id(id);
    lock.writeLock().lock();
    try {
      Checks.open(closed, "FlatVectorIndex");
      Integer slot = slots.remove(id);
      if (slot == null) {
        return false;
      }
      int last = size - 1;
      if (slot != last) {
        docs[slot] = docs[last];
        System.arraycopy(data, last * dimension, data, slot * dimension, dimension);
        slots.put(docs[slot].id(), slot);
      }
      docs[last] = null;
      size = last;
      if (docs.length > 64 && size < docs.length / 4) {
        docs = Arrays.copyOf(docs, docs.length / 2);
        data = Arrays.copyOf(data, docs.length * dimension);
      }
      return true;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public Optional<Document> get(String id) {
    Checks.id(id);
    lock.readLock().lock();
    try {
      Checks.open(closed, "FlatVectorIndex");
      Integer slot = slots.get(id);
      return slot == null ? Optional.empty() : Optional.of(docs[slot]);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Optional<float[]> vector(String id) {
    Checks.id(id);
    lock.readLock().lock();
    try {
      Checks.open(closed, "FlatVectorIndex");
      Integer slot = slots.get(id);
      return slot == null ? Optional.empty()
          : Optional.of(Arrays.copyOfRange(data, slot * dimension, (slot + 1) * dimension));
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public boolean contains(String id) {
    return get(id).isPresent();
  }

  @Override
  public int size() {
    lock.readLock().lock();
    try {
      Checks.open(closed, "FlatVectorIndex");
      return size;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public List<Hit> search(float[] query, int k, SearchOptions options) {
    return search(query, k, options, true);
  }

  /** Whether some document ever added had metadata field {@code field} (a filter may name it). */
  boolean knowsField(String field) {
    lock.readLock().lock();
    try {
      return knownFields.contains(field);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * {@link #search(float[], int, SearchOptions)}; with {@code checkFields} false a filter field no document has
   * simply matches as absent ({@link ShardedVectorIndex} checks fields over all its shards instead).
   */
  List<Hit> search(float[] query, int k, SearchOptions options, boolean checkFields) {
    lock.readLock().lock();
    try {
      Checks.open(closed, "FlatVectorIndex");
      Checks.search(query, dimension, k, options, checkFields ? knownFields : null);
      float[] q = VectorOps.stored(similarity, query);
      Filter filter = options.filter();
      ScoreHeap top = new ScoreHeap(Math.min(k, size) + 1);
      // scan: filter first (cheap), then score; only primitives in the loop
      for (int i = 0, off = 0; i < size; i++, off += dimension) {
        if (filter != null && !filter.test(docs[i].metadata())) {
          continue;
        }
        top.offer(VectorOps.score(similarity, q, data, off), i, k);
      }
      List<Hit> hits = new ArrayList<>(top.size());
      for (int i = 0; i < top.size(); i++) {
        hits.add(new Hit(docs[top.idAt(i)].id(), top.scoreAt(i)));
      }
      Collections.sort(hits);
      return hits;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void save(Path path) throws IOException {
    lock.readLock().lock();
    try {
      Checks.open(closed, "FlatVectorIndex");
      IndexFile.save(path, IndexFile.KIND_FLAT, similarity, dimension, out -> {
        out.i32(size);
        for (int i = 0; i < size; i++) {
          out.document(docs[i]);
          out.floats(data, i * dimension, dimension);
        }
      });
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      closed = true;
      data = new float[0];
      docs = new Document[0];
      slots.clear();
      size = 0;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return "FlatVectorIndex[" + dimension + "d " + similarity + ", size=" + size + "]";
  }

  private void append(Document document, float[] stored) {
    ensureCapacity(size + 1);
    docs[size] = document;
    System.arraycopy(stored, 0, data, size * dimension, dimension);
    slots.put(document.id(), size);
    knownFields.addAll(document.metadata().keySet());
    size++;
  }

  /**
   * Grows by a quarter (at least 16 slots), not by doubling: single adds leave at most 25% of the vector array
   * unused (doubling left up to 50%: 103.6 MiB for 62.5 MiB of vectors, issue 11) for about 4 copies of each
   * vector over a long run of adds instead of 2.
   */
  private void ensureCapacity(int n) {
    if (n > docs.length) {
      resize(n, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(n, docs.length + Math.max(16L, docs.length >> 2))));
    }
  }

  /**
   * Reallocates the storage for {@code cap} vectors, at least {@code needed}, within one Java array; caller holds
   * the write lock.
   */
  private void resize(int needed, int cap) {
    if ((long) cap * dimension > Integer.MAX_VALUE - 16) {
      cap = (Integer.MAX_VALUE - 16) / dimension;
      if (cap < needed) {
        throw new IllegalStateException("FlatVectorIndex is full: " + needed + " vectors of dimension " + dimension
            + " exceed one Java array");
      }
    }
    docs = Arrays.copyOf(docs, cap);
    data = Arrays.copyOf(data, cap * dimension);
  }
}
