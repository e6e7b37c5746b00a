package dev.winnow.keyword.internal;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ReferenceManager;
import org.apache.lucene.search.similarities.Similarity;

/**
 * Near-real-time searchers over an {@link IndexWriter}, refreshed lazily: writers call {@link #written()} after
 * each change returns, and {@link #acquireCurrent()} reopens the reader only when something was written since
 * the last reopen, so a burst of single adds costs one reopen at the next search rather than one per add. A
 * search that starts after a write returned sees it: the reopen it triggers (or waits for) starts after the
 * write completed. {@link #show} switches to a given reader (the commit just saved, so that the index searches
 * exactly the segments it wrote). Thread-safe; like Lucene's {@code SearcherManager}, every acquired searcher is
 * released exactly once.
 */
public final class Searchers extends ReferenceManager<IndexSearcher> {
  private final IndexWriter writer;
  private final Similarity similarity;
  private final AtomicLong written = new AtomicLong();
  private final Object refreshGate = new Object();
  private final AtomicReference<DirectoryReader> next = new AtomicReference<>();
  private volatile long refreshed;

  public Searchers(IndexWriter writer, Similarity similarity) throws IOException {
    this.writer = writer;
    this.similarity = similarity;
    this.current = searcher(DirectoryReader.open(writer, true, false));
  }

  /** Records that a change to the writer has completed. */
  public void written() {
    written.incrementAndGet();
  }

  /** The number of completed changes so far (for {@link #show}). */
  public long writes() {
    return written.get();
  }

  /** A searcher that sees every change completed before this call. Release it. */
  public IndexSearcher acquireCurrent() throws IOException {
    long w = written.get();
    if (w > refreshed) {
      synchronized (refreshGate) {
        if (w > refreshed) {
          maybeRefreshBlocking();
          refreshed = Math.max(refreshed, w);
        }
      }
    }
    return acquire();
  }

  /**
   * Makes {@code reader} the current view; it must hold the first {@code writesIncluded} changes. Takes
   * ownership of the reader.
   */
  public void show(DirectoryReader reader, long writesIncluded) throws IOException {
    synchronized (refreshGate) {
      DirectoryReader previous = next.getAndSet(reader);
      if (previous != null) {
        previous.decRef();
      }
      maybeRefreshBlocking();
      refreshed = Math.max(refreshed, writesIncluded);
    }
  }

  private IndexSearcher searcher(IndexReader reader) {
    IndexSearcher s = new IndexSearcher(reader);
    s.setSimilarity(similarity);
    return s;
  }

  @Override
  protected IndexSearcher refreshIfNeeded(IndexSearcher old) throws IOException {
    DirectoryReader shown = next.getAndSet(null);
    if (shown != null) {
      return searcher(shown);
    }
    DirectoryReader reader = DirectoryReader.openIfChanged((DirectoryReader) old.getIndexReader(), writer, true);
    return reader == null ? null : searcher(reader);
  }

  @Override
  protected void afterClose() throws IOException {
    DirectoryReader pending = next.getAndSet(null);
    if (pending != null) {
      pending.decRef();
    }
  }

  @Override
  protected void decRef(IndexSearcher reference) throws IOException {
    reference.getIndexReader().decRef();
  }

  @Override
  protected boolean tryIncRef(IndexSearcher reference) {
    return reference.getIndexReader().tryIncRef();
  }

  @Override
  protected int getRefCount(IndexSearcher reference) {
    return reference.getIndexReader().getRefCount();
  }
}
