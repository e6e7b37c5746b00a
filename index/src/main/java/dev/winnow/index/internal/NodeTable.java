package dev.winnow.index.internal;

import dev.winnow.Document;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per-node document and liveness of an HNSW generation, in pages of {@link #PAGE} nodes (no per-node objects
 * beyond the documents themselves). A node is live while its document is in the index; deleted and replaced
 * nodes are tombstones that still route searches. Liveness bits are read and written atomically, so a search
 * sees a swap of visibility (upsert) in order. Thread-safe.
 */
public final class NodeTable {
  static final int PAGE_BITS = 12;
  static final int PAGE = 1 << PAGE_BITS;
  private static final int MASK = PAGE - 1;

  private volatile Document[][] docs = new Document[0][];
  private volatile AtomicLongArray[] live = new AtomicLongArray[0];
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
        for (int p = 0; p < n; p++) {
          if (d[p] == null) {
            d[p] = new Document[PAGE];
            l[p] = new AtomicLongArray(PAGE / 64);
          }
        }
        live = l;
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

  public Document document(int node) {
    Document[][] d = docs;
    int page = node >>> PAGE_BITS;
    return page < d.length ? d[page][node & MASK] : null;
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

  /** Drops the document of a tombstone (keeps nothing alive that no one can reach). */
  public void clearDocument(int node) {
    docs[node >>> PAGE_BITS][node & MASK] = null;
  }
}
