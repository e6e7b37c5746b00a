package dev.winnow.index.internal;

import dev.winnow.Similarity;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Storage of Winnow's HNSW graph in primitive pages: no per-node objects, no boxing. Node ids are dense, assigned in
 * insertion order and never reused.
 *
 * <ul>
 *   <li>Vectors (stored form) in pages of {@link #pageSize()} nodes: {@code float[page * dimension]} on the heap, or a
 *       read-only little-endian buffer over a memory-mapped file section for the nodes an opened file holds, scored
 *       in place where the kernels can ({@link VectorOps#DIRECT}), else copied to a scratch array per score.
 *   <li>Layer 0 neighbours in pages of {@code page * (2M + 1)} ints: per node a count then up to 2M ids. A mapped
 *       page is copied to the heap the first time a writer changes a list in it (copy on write).
 *   <li>Upper layers (about one node in M has any) as one {@code int[]} per such node, {@code M + 1} ints a
 *       layer; a node's top level in one byte.
 *   <li>Once a {@link ScalarQuantizer} is installed ({@link #quantize}): int8 codes, {@code page * dimension}
 *       bytes a page, and the decoded squared norm of each node, heap or mapped like the vectors.
 * </ul>
 *
 * <p>Neighbour lists are guarded by striped monitors ({@link #lock}); readers copy a list under its monitor,
 * which also publishes the vector of every node id they find there (a node's vector is written before any list
 * names it). Page tables grow by copy and are republished through volatile fields, so readers never see a
 * half-grown table. Thread-safe.
 */
public final class HnswGraph {
  private final int pageBits;
  private final int page;
  private final int mask;
  private static final int LOCKS = 1 << 10;

  private final int dimension;
  private final Similarity similarity;
  private final int m;
  private final int maxM0;
  private final int stride0;
  private final int stride;

  private volatile float[][] vectorPages = new float[0][];
  private volatile FloatBuffer[] mappedVectors = new FloatBuffer[0];
  /** The same mapped vectors as little-endian bytes, scored in place where {@link VectorOps#DIRECT}. */
  private volatile ByteBuffer[] mappedVectorBytes = new ByteBuffer[0];
  private volatile int[][] level0Pages = new int[0][];
  private volatile IntBuffer[] mappedLevel0 = new IntBuffer[0];
  private volatile byte[][] levelPages = new byte[0][];
  private volatile byte[][] codePages = new byte[0][];
  private volatile float[][] normPages = new float[0][];
  private volatile ByteBuffer[] mappedCodes = new ByteBuffer[0];
  private volatile FloatBuffer[] mappedNorms = new FloatBuffer[0];
  /** Set once, after the codes of every node allocated so far are written; new nodes get codes as allocated. */
  private volatile ScalarQuantizer quantizer;
  /** page, slot, level - 1: count then ids; an empty list may be a 1-int array until it first gets links. */
  private volatile int[][][][] upperPages = new int[0][][][];
  private final AtomicInteger size = new AtomicInteger();
  /** Entry point packed as {@code level << 32 | node}, or -1 when empty. */
  private volatile long entry = -1;
  private final Object growLock = new Object();
  private volatile int allocatedPages;
  private final Object[] locks = new Object[LOCKS];

  public HnswGraph(int dimension, Similarity similarity, int m) {
    this.dimension = dimension;
    this.similarity = similarity;
    this.m = m;
    this.maxM0 = 2 * m;
    this.stride0 = maxM0 + 1;
    this.stride = m + 1;
    this.pageBits = pageBits(dimension, m);
    this.page = 1 << pageBits;
    this.mask = page - 1;
    for (int i = 0; i < LOCKS; i++) {
      locks[i] = new Object();
    }
  }

  /**
   * Nodes per page as a power of two: 2^11 (3.3 MiB of 384-d vectors and M = 16 links a page) down to 2^4 for
   * the largest dimensions and M, so that one page stays within about 8 MiB.
   */
  static int pageBits(int dimension, int m) {
    int bits = 11;
    long perNode = 4L * dimension + 4L * (2 * m + 1);
    while (bits > 4 && perNode << bits > (8L << 20)) {
      bits--;
    }
    return bits;
  }

  /** Nodes per page. */
  public int pageSize() {
    return page;
  }

  public int dimension() {
    return dimension;
  }

  public Similarity similarity() {
    return similarity;
  }

  public int m() {
    return m;
  }

  /** Max neighbours on {@code level}: 2M on layer 0, M above. */
  public int maxConn(int level) {
    return level == 0 ? maxM0 : m;
  }

  /** Nodes allocated (ids {@code [0, size)}), tombstones included. */
  public int size() {
    return size.get();
  }

  /** Node slots in the pages allocated so far (heap and mapped). */
  public int capacity() {
    return allocatedPages * page;
  }

  public long entry() {
    return entry;
  }

  public static int entryNode(long entry) {
    return (int) entry;
  }

  public static int entryLevel(long entry) {
    return (int) (entry >>> 32);
  }

  public void entry(int node, int level) {
    entry = ((long) level << 32) | (node & 0xffffffffL);
  }

  public Object lock(int node) {
    return locks[node & (LOCKS - 1)];
  }

  /** Sizes the page tables for {@code nodes} nodes (a capacity hint; the pages themselves come on demand). */
  public void reserve(int nodes) {
    synchronized (growLock) {
      growTables((int) ((nodes + (long) page - 1) >>> pageBits));
    }
  }

  /**
   * Allocates a node with {@code vector} (stored form, copied) on layers {@code 0..level}; it has no neighbours yet
   * and is not reachable until a list names it.
   */
  public int allocate(float[] vector, int level) {
    return allocate(vector, level, true);
  }

  /**
   * As {@link #allocate(float[], int)}; {@code fullUpper} false leaves the upper lists empty and sized by their
   * first {@link #setNeighboursLocked} (for loading, where the file, not M, sizes them).
   */
  public int allocate(float[] vector, int level, boolean fullUpper) {
    int id = size.getAndIncrement();
    if (id < 0) {
      size.decrementAndGet();
      throw new IllegalStateException("the graph is full (2^31 nodes)");
    }
    int pg = id >>> pageBits;
    ensurePage(pg);
    int slot = id & mask;
    System.arraycopy(vector, 0, vectorPages[pg], slot * dimension, dimension);
    ScalarQuantizer qz = quantizer;
    if (qz != null) {
      normPages[pg][slot] = qz.encode(vector, codePages[pg], slot * dimension);
    }
    levelPages[pg][slot] = (byte) level;
    if (level > 0) {
      int[][] u = new int[level][];
      for (int l = 0; l < level; l++) {
        u[l] = new int[fullUpper ? stride : 1];
      }
      upperPages[pg][slot] = u;
    }
    return id;
  }

  private void ensurePage(int pg) {
    float[][] v = vectorPages;
    if (pg < v.length && v[pg] != null) {
      return;
    }
    synchronized (growLock) {
      if (pg >= vectorPages.length) {
        growTables(Math.max(pg + 1, Math.min(vectorPages.length * 2, vectorPages.length + 1024)));
      }
      if (vectorPages[pg] == null) {
        level0Pages[pg] = new int[page * stride0];
        levelPages[pg] = new byte[page];
        upperPages[pg] = new int[page][][];
        if (quantizer != null) {
          codePages[pg] = new byte[page * dimension];
          normPages[pg] = new float[page];
        }
        // the new page goes into a copy of the table, published whole: a reader that sees it sees the rest
        float[][] vp = vectorPages.clone();
        vp[pg] = new float[page * dimension];
        allocatedPages++;
        vectorPages = vp;
      }
    }
  }

  /** Grows the page tables to {@code pages} entries; caller holds growLock. */
  private void growTables(int pages) {
    if (pages <= vectorPages.length) {
      return;
    }
    level0Pages = Arrays.copyOf(level0Pages, pages);
    levelPages = Arrays.copyOf(levelPages, pages);
    upperPages = Arrays.copyOf(upperPages, pages);
    mappedVectors = Arrays.copyOf(mappedVectors, pages);
    mappedVectorBytes = Arrays.copyOf(mappedVectorBytes, pages);
    mappedLevel0 = Arrays.copyOf(mappedLevel0, pages);
    codePages = Arrays.copyOf(codePages, pages);
    normPages = Arrays.copyOf(normPages, pages);
    mappedCodes = Arrays.copyOf(mappedCodes, pages);
    mappedNorms = Arrays.copyOf(mappedNorms, pages);
    vectorPages = Arrays.copyOf(vectorPages, pages);
  }

  // ------------------------------------------------------------------------------------------------ vectors

  public int level(int node) {
    return levelPages[node >>> pageBits][node & mask];
  }

  /** Score of stored-form {@code q} against node {@code node}; {@code scratch} (length ≥ dimension) serves mapped pages. */
  public float score(float[] q, int node, float[] scratch) {
    int pg = node >>> pageBits;
    float[] p = vectorPages[pg];
    int off = (node & mask) * dimension;
    if (p != null) {
      return VectorOps.score(similarity, q, p, off);
    }
    if (VectorOps.DIRECT) {
      return VectorOps.score(similarity, q, mappedVectorBytes[pg], 4 * off);
    }
    mappedVectors[pg].get(off, scratch, 0, dimension);
    return VectorOps.score(similarity, q, scratch, 0);
  }

  /**
   * Reads one float in every 64 bytes (cache line) of node {@code node}'s vector and returns their bits xor-ed: a
   * search touches a batch of neighbours this way before scoring them, so that their cache misses overlap instead
   * of coming one vector at a time (Java has no prefetch instruction). An int xor chain, not a float sum, whose
   * adds wait on one another. Callers keep the value so the reads stay.
   */
  public int touch(int node) {
    int pg = node >>> pageBits;
    float[] p = vectorPages[pg];
    int off = (node & mask) * dimension;
    int s = 0;
    if (p != null) {
      for (int i = 0; i < dimension; i += 16) {
        s ^= Float.floatToRawIntBits(p[off + i]);
      }
      return s ^ Float.floatToRawIntBits(p[off + dimension - 1]);
    }
    ByteBuffer b = mappedVectorBytes[pg];
    int at = 4 * off;
    for (int i = 0; i < 4 * dimension; i += 64) {
      s ^= b.getInt(at + i);
    }
    return s ^ b.getInt(at + 4 * dimension - 4);
  }


  /** Copies node {@code node}'s vector into {@code into[0, dimension)}. */
  public void vector(int node, float[] into) {
    int pg = node >>> pageBits;
    float[] p = vectorPages[pg];
    int off = (node & mask) * dimension;
    if (p != null) {
      System.arraycopy(p, off, into, 0, dimension);
    } else {
      mappedVectors[pg].get(off, into, 0, dimension);
    }
  }

  // ------------------------------------------------------------------------------------------------ codes

  /** The quantizer whose codes every node has, or null while the graph is float only. */
  public ScalarQuantizer quantizer() {
    return quantizer;
  }

  /**
   * Installs {@code q}: writes the codes of every node allocated so far, then publishes it, after which every new
   * node gets codes as it is allocated. The caller excludes {@link #allocate} (searches may run: they use codes
   * only once {@link #quantizer()} is set). Once per graph.
   */
  public void quantize(ScalarQuantizer q) {
    if (q.dimension() != dimension) {
      throw new IllegalArgumentException("quantizer dimension " + q.dimension() + " != " + dimension);
    }
    synchronized (growLock) {
      if (quantizer != null) {
        throw new IllegalStateException("the graph is already quantized");
      }
      byte[][] cp = codePages.clone();
      float[][] np = normPages.clone();
      float[] v = new float[dimension];
      int n = size.get();
      for (int pg = 0; pg < vectorPages.length; pg++) {
        if (vectorPages[pg] == null && mappedVectors[pg] == null) {
          continue;
        }
        cp[pg] = new byte[page * dimension];
        np[pg] = new float[page];
        for (int slot = 0, node = pg << pageBits; slot < page && node < n; slot++, node++) {
          vector(node, v);
          np[pg][slot] = q.encode(v, cp[pg], slot * dimension);
        }
      }
      codePages = cp;
      normPages = np;
      quantizer = q;
    }
  }

  /**
   * Approximate score of a query prepared by {@link ScalarQuantizer#prepare} against node {@code node}'s codes;
   * {@code scratch} (length ≥ dimension) serves mapped pages. Only once {@link #quantizer()} is set.
   */
  public float codeScore(float[] prepared, float bias, float queryNorm, int node, byte[] scratch) {
    int pg = node >>> pageBits;
    int slot = node & mask;
    byte[] c = codePages[pg];
    if (c != null) {
      return ScalarQuantizer.score(similarity, prepared, bias, queryNorm, c, slot * dimension, normPages[pg][slot]);
    }
    mappedCodes[pg].get(slot * dimension, scratch, 0, dimension);
    return ScalarQuantizer.score(similarity, prepared, bias, queryNorm, scratch, 0, mappedNorms[pg].get(slot));
  }

  /** As {@link #touch} for node {@code node}'s int8 codes (one byte in every 64). */
  public int touchCodes(int node) {
    int pg = node >>> pageBits;
    int off = (node & mask) * dimension;
    byte[] c = codePages[pg];
    int s = 0;
    if (c != null) {
      for (int i = 0; i < dimension; i += 64) {
        s ^= c[off + i];
      }
      return s ^ c[off + dimension - 1];
    }
    ByteBuffer b = mappedCodes[pg];
    for (int i = 0; i < dimension; i += 64) {
      s ^= b.get(off + i);
    }
    return s ^ b.get(off + dimension - 1);
  }


  /** Copies node {@code node}'s codes into {@code into[0, dimension)}; returns its decoded squared norm. */
  public float codes(int node, byte[] into) {
    int pg = node >>> pageBits;
    int slot = node & mask;
    byte[] c = codePages[pg];
    if (c != null) {
      System.arraycopy(c, slot * dimension, into, 0, dimension);
      return normPages[pg][slot];
    }
    mappedCodes[pg].get(slot * dimension, into, 0, dimension);
    return mappedNorms[pg].get(slot);
  }

  // ------------------------------------------------------------------------------------------------ neighbours

  /** Copies the neighbours of {@code node} on {@code level} into {@code into} (grown if short); returns the count. */
  public int neighbours(int node, int level, int[][] into) {
    synchronized (lock(node)) {
      return neighboursLocked(node, level, into);
    }
  }

  /** As {@link #neighbours} for a caller that holds {@link #lock}{@code (node)}. */
  public int neighboursLocked(int node, int level, int[][] into) {
    int pg = node >>> pageBits;
    int slot = node & mask;
    int[] arr;
    int off;
    if (level == 0) {
      arr = level0Pages[pg];
      off = slot * stride0;
      if (arr == null) {
        IntBuffer b = mappedLevel0[pg];
        int n = b.get(off);
        int[] dst = room(into, n);
        b.get(off + 1, dst, 0, n);
        return n;
      }
    } else {
      int[][] u = upperPages[pg][slot];
      if (u == null || level > u.length) {
        return 0;
      }
      arr = u[level - 1];
      off = 0;
    }
    int n = arr[off];
    int[] dst = room(into, n);
    System.arraycopy(arr, off + 1, dst, 0, n);
    return n;
  }

  private static int[] room(int[][] into, int n) {
    if (into[0].length < n) {
      into[0] = new int[Math.max(n, into[0].length * 2)];
    }
    return into[0];
  }

  /** Replaces the neighbours of {@code node} on {@code level}; the caller holds {@link #lock}{@code (node)}. */
  public void setNeighboursLocked(int node, int level, int[] ids, int n) {
    if (n > maxConn(level)) {
      throw new IllegalArgumentException(n + " neighbours exceed " + maxConn(level) + " on level " + level);
    }
    int pg = node >>> pageBits;
    int slot = node & mask;
    int[] arr;
    int off;
    if (level == 0) {
      arr = level0Pages[pg];
      if (arr == null) {
        arr = materialize(pg);
      }
      off = slot * stride0;
    } else {
      int[][] u = upperPages[pg][slot];
      if (u == null || level > u.length) {
        throw new IllegalArgumentException("node " + node + " is not on level " + level);
      }
      arr = u[level - 1];
      if (arr.length < n + 1) {
        arr = u[level - 1] = new int[n == 0 ? 1 : stride];
      }
      off = 0;
    }
    System.arraycopy(ids, 0, arr, off + 1, n);
    arr[off] = n;
  }

  /** Copies a mapped layer-0 page to the heap so it can change (copy on write). */
  private int[] materialize(int pg) {
    synchronized (growLock) {
      int[] arr = level0Pages[pg];
      if (arr != null) {
        return arr;
      }
      IntBuffer b = mappedLevel0[pg];
      arr = new int[page * stride0];
      // the lists of this page may be read concurrently from the mapped copy; they do not change there
      b.get(0, arr, 0, Math.min(arr.length, b.limit()));
      int[][] lp = level0Pages.clone();
      lp[pg] = arr;
      level0Pages = lp;
      return arr;
    }
  }

  // ------------------------------------------------------------------------------------------------ mapped base

  /**
   * Installs {@code nodes} nodes read from a file: their vectors and layer-0 lists stay in the mapped buffers
   * (one per page: {@code page * dimension} floats and {@code page * (2M + 1)} ints, the last page possibly
   * shorter), levels and upper lists on the heap. Only on an empty graph.
   */
  public void installMapped(int nodes, ByteBuffer[] vectors, IntBuffer[] level0, byte[] levels, int[][][] upper,
      long entry) {
    installMapped(nodes, vectors, level0, levels, upper, entry, null, null, null);
  }

  /**
   * As above, for a quantized graph: {@code codes} and {@code norms} (one buffer per page, {@code page * dimension}
   * bytes and {@code page} floats) stay mapped too, and {@code quantizer} is installed. All three null: float only.
   */
  public void installMapped(int nodes, ByteBuffer[] vectorBytes, IntBuffer[] level0, byte[] levels, int[][][] upper,
      long entry, ScalarQuantizer quantizer, ByteBuffer[] codes, FloatBuffer[] norms) {
    FloatBuffer[] vectors = new FloatBuffer[vectorBytes.length];
    for (int p = 0; p < vectors.length; p++) {
      if (vectorBytes[p].order() != java.nio.ByteOrder.LITTLE_ENDIAN) {
        throw new IllegalArgumentException("vector page " + p + " is not little-endian");
      }
      vectors[p] = vectorBytes[p].asFloatBuffer();
    }
    synchronized (growLock) {
      if (size.get() != 0) {
        throw new IllegalStateException("installMapped on a non-empty graph");
      }
      int pages = (nodes + page - 1) >>> pageBits;
      mappedVectors = Arrays.copyOf(vectors, Math.max(pages, 1));
      mappedVectorBytes = Arrays.copyOf(vectorBytes, Math.max(pages, 1));
      mappedLevel0 = Arrays.copyOf(level0, Math.max(pages, 1));
      int n = Math.max(pages, 1);
      byte[][] cp = new byte[n][];
      float[][] np = new float[n][];
      if (quantizer != null) {
        mappedCodes = Arrays.copyOf(codes, n);
        mappedNorms = Arrays.copyOf(norms, n);
      } else {
        mappedCodes = new ByteBuffer[n];
        mappedNorms = new FloatBuffer[n];
      }
      float[][] vp = new float[n][];
      int[][] lp = new int[n][];
      byte[][] lv = new byte[n][];
      int[][][][] up = new int[n][][][];
      for (int p = 0; p < pages; p++) {
        lv[p] = new byte[page];
        up[p] = new int[page][][];
        int from = p * page;
        int to = Math.min(nodes, from + page);
        System.arraycopy(levels, from, lv[p], 0, to - from);
        System.arraycopy(upper, from, up[p], 0, to - from);
      }
      // the last page, if partial, takes new nodes: give it heap storage holding the mapped part
      if (nodes % page != 0) {
        int last = pages - 1;
        float[] v = new float[page * dimension];
        vectors[last].get(0, v, 0, vectors[last].limit());
        vp[last] = v;
        int[] l = new int[page * stride0];
        level0[last].get(0, l, 0, level0[last].limit());
        lp[last] = l;
        mappedVectors[last] = null;
        mappedVectorBytes[last] = null;
        mappedLevel0[last] = null;
        if (quantizer != null) {
          byte[] c = new byte[page * dimension];
          codes[last].get(0, c, 0, codes[last].limit());
          cp[last] = c;
          float[] nm = new float[page];
          norms[last].get(0, nm, 0, norms[last].limit());
          np[last] = nm;
          mappedCodes[last] = null;
          mappedNorms[last] = null;
        }
      }
      codePages = cp;
      normPages = np;
      this.quantizer = quantizer;
      levelPages = lv;
      upperPages = up;
      level0Pages = lp;
      vectorPages = vp;
      allocatedPages = pages;
      size.set(nodes);
      this.entry = entry;
    }
  }

  /** Heap bytes of vectors and neighbour pages (mapped pages excluded). */
  public long heapBytes() {
    long b = 0;
    for (float[] p : vectorPages) {
      b += p == null ? 0 : 4L * p.length;
    }
    for (int[] p : level0Pages) {
      b += p == null ? 0 : 4L * p.length;
    }
    for (byte[] p : levelPages) {
      b += p == null ? 0 : p.length;
    }
    for (byte[] p : codePages) {
      b += p == null ? 0 : p.length;
    }
    for (float[] p : normPages) {
      b += p == null ? 0 : 4L * p.length;
    }
    return b;
  }
}
