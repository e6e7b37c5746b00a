package dev.winnow.index.internal;

import java.util.concurrent.Semaphore;

/**
 * Bounds how many threads insert into one hnswlib graph at once, so that inserts cannot deadlock inside
 * hnswlib-core 1.2.1.
 *
 * <p>Why: each {@code HnswIndex} keeps a pool of visited sets sized by {@link Runtime#availableProcessors()}
 * (when it is built and again on every {@code resize}); {@code add} borrows one per layer, blocking while none is
 * free, and does so while holding its new node's monitor. The search of another insert that reaches that node
 * waits on the monitor while holding its own visited set. With more inserting threads than sets, every set can end
 * up held by a thread waiting on the monitor of a thread waiting for a set: a permanent hang (issue 10, item 1).
 * With at most as many inserting threads as sets, a borrower always finds one free, because each of the at most
 * {@code sets - 1} other inserts holds at most one. hnswlib's other borrower, {@code findNearest}, is never called
 * by Winnow.
 *
 * <p>Use: {@link #acquire} before {@code HnswIndex.add} and {@link #release} after, both while holding the lock
 * that {@code resize} is excluded by; call {@link #bound(int)} with {@link #poolSize()} after creating or resizing
 * the graph, while holding that lock exclusively. Thread-safe.
 */
public final class GraphWriters {
  private final Permits permits;
  private int bound;

  /** A bound of {@code poolSize} concurrent inserts. */
  public GraphWriters(int poolSize) {
    if (poolSize < 1) {
      throw new IllegalArgumentException("poolSize must be >= 1, got " + poolSize);
    }
    this.bound = poolSize;
    this.permits = new Permits(poolSize);
  }

  /**
   * The visited-set pool size hnswlib gives a graph built or resized around now. Read it just before and just
   * after the build or resize and keep the smaller value, so a change of the processor count in between cannot
   * make the bound larger than the pool.
   */
  public static int poolSize() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  /** Waits for one of the {@link #bound()} insert slots. */
  public void acquire() {
    permits.acquireUninterruptibly();
  }

  /** Gives back the slot taken by {@link #acquire}. */
  public void release() {
    permits.release();
  }

  /** The current bound. */
  public synchronized int bound() {
    return bound;
  }

  /**
   * Sets the bound to a graph's new pool size. Call only while no insert holds a slot (under the lock that
   * excludes inserts), so the bound is exact at once.
   */
  public synchronized void bound(int poolSize) {
    if (poolSize < 1) {
      throw new IllegalArgumentException("poolSize must be >= 1, got " + poolSize);
    }
    int delta = poolSize - bound;
    if (delta > 0) {
      permits.release(delta);
    } else if (delta < 0) {
      permits.reduce(-delta);
    }
    bound = poolSize;
  }

  private static final class Permits extends Semaphore {
    private static final long serialVersionUID = 1L;

    Permits(int n) {
      super(n);
    }

    void reduce(int n) {
      reducePermits(n);
    }
  }
}
