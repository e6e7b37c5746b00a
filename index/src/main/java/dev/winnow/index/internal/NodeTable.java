package dev.winnow.index.internal;

import dev.winnow.Document;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per-node document and liveness of an HNSW generation, in pages of {@link #PAGE} nodes (no per-node objects
 * beyond the documents themselves). A node is live while its document is in the index; deleted and replaced
 * nodes are tombstones that still route searches. Liveness bits are read and written atomically, so a search
 * sees a swap of visibility (upsert) in order.
 *
 * <p>Nodes read from a file keep their text there ({@link #setStored}): the table holds the document's id and
 * metadata (what searches and filters need) and where its text lies in the file's mapped documents section, which
 * {@link #document} reads when a caller asks for the whole document. Thread-safe.
 */
public final class NodeTable {
  static final int PAGE_BITS = 12;
  static final int PAGE = 1 << PAGE_BITS;
  private static final int MASK = PAGE - 1;

  private volatile Document[][] docs = new Document[0][];
  private volatile AtomicLongArray[] live = new AtomicLongArray[0];
  /** Per node: -1, or where a stored text's length prefix lies: chunk index << 32 | offset in the chunk. */
  private volatile long[][] textAt = new long[0][];
  /** Mapped pieces of a file's documents section (records never cross a piece); set by {@link #texts}. */
  private volatile ByteBuffer[] textChunks = new ByteBuffer[0];
  private final Object growLock = new Object();

  private void ensure(int node) {
    int page = node >>> PAGE_BITS;
    if (page < docs.length && docs[page] != null) {
      return;
    }
    synchronized (growLock) {
      if (page >= docs.length) {
        int n = Math.max(page + 1, docs.length * 2);
        Document[][] d = Arrays.copyOf(docs, n);
        AtomicLongArray[] l = Arrays.copyOf(live, n);
        long[][] t = Arrays.copyOf(textAt, n);
        for (int p = 0; p < n; p++) {
          if (d[p] == null) {
            d[p] = new Document[PAGE];
            l[p] = new AtomicLongArray(PAGE / 64);
          }
        }
        live = l;
        textAt = t;
        docs = d;
      }
    }
  }

  /** Records {@code node}'s document and visibility; call before the node is linked into the graph. */
  public void set(int node, Document document, boolean visible) {
    ensure(node);
    docs[node >>> PAGE_BITS][node & MASK] = document;
    live(node, visible);
  }

  /** Installs the mapped pieces of a documents section that {@link #setStored} positions refer to. */
  public void texts(ByteBuffer[] chunks) {
    textChunks = chunks.clone();
  }

  /**
   * As {@link #set}, for a node read from a file: {@code stub} carries the id and metadata (empty text), and the
   * text stays in the file at {@code textPosition} (chunk index << 32 | offset of its length prefix in the chunk
   * installed by {@link #texts}); the text was validated as UTF-8 when the file was read.
   */
  public void setStored(int node, Document stub, long textPosition, boolean visible) {
    ensure(node);
    synchronized (growLock) {
      int page = node >>> PAGE_BITS;
      if (textAt[page] == null) {
        long[] t = new long[PAGE];
        Arrays.fill(t, -1);
        textAt[page] = t;
      }
      textAt[page][node & MASK] = textPosition;
    }
    docs[node >>> PAGE_BITS][node & MASK] = stub;
    live(node, visible);
  }

  /** The whole document of {@code node} (its text read from the file if it stayed there), or null. */
  public Document document(int node) {
    Document d = stub(node);
    if (d == null) {
      return null;
    }
    long at = textPosition(node);
    return at < 0 ? d : new Document(d.id(), readText(at), d.metadata());
  }

  /**
   * The id and metadata of {@code node}'s document, or null; the text is empty when it stayed in the file. What
   * searches and filters use: no file read.
   */
  public Document stub(int node) {
    Document[][] d = docs;
    int page = node >>> PAGE_BITS;
    return page < d.length ? d[page][node & MASK] : null;
  }

  /**
   * Gives {@code node} the text that {@code fromNode} of {@code from} keeps in its file, if any (a compaction moves
   * nodes to a new table without reading their texts into the heap); returns false when there is none.
   */
  public boolean adoptText(int node, NodeTable from, int fromNode) {
    long at = from.textPosition(fromNode);
    if (at < 0) {
      return false;
    }
    synchronized (growLock) {
      if (textChunks.length == 0) {
        textChunks = from.textChunks;
      } else if (textChunks != from.textChunks) {
        throw new IllegalStateException("texts of two files in one table");
      }
    }
    setStored(node, from.stub(fromNode), at, live(node));
    return true;
  }

  private long textPosition(int node) {
    long[][] t = textAt;
    int page = node >>> PAGE_BITS;
    long[] p = page < t.length ? t[page] : null;
    return p == null ? -1 : p[node & MASK];
  }

  private String readText(long at) {
    ByteBuffer chunk = textChunks[(int) (at >>> 32)].duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int off = (int) at;
    int n = chunk.getInt(off);
    byte[] b = new byte[n];
    chunk.get(off + 4, b, 0, n);
    return new String(b, StandardCharsets.UTF_8);
  }

  public boolean live(int node) {
    AtomicLongArray[] l = live;
    int page = node >>> PAGE_BITS;
    if (page >= l.length) {
      return false;
    }
    int slot = node & MASK;
    return (l[page].get(slot >>> 6) & (1L << slot)) != 0;
  }

  public void live(int node, boolean visible) {
    ensure(node);
    AtomicLongArray bits = live[node >>> PAGE_BITS];
    int slot = node & MASK;
    long bit = 1L << slot;
    while (true) {
      long old = bits.get(slot >>> 6);
      long now = visible ? old | bit : old & ~bit;
      if (old == now || bits.compareAndSet(slot >>> 6, old, now)) {
        return;
      }
    }
  }

  /**
   * Drops the document of a tombstone (keeps nothing alive that no one can reach). A text position stays: it holds
   * nothing, and a {@link #document} that read the stub just before must still find the text.
   */
  public void clearDocument(int node) {
    docs[node >>> PAGE_BITS][node & MASK] = null;
  }
}
