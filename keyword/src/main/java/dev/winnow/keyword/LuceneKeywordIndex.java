package dev.winnow.keyword;

import dev.winnow.Document;
import dev.winnow.Filter;
import dev.winnow.Hit;
import dev.winnow.IndexFormatException;
import dev.winnow.KeywordIndex;
import dev.winnow.WinnowException;
import dev.winnow.keyword.internal.CommitData;
import dev.winnow.keyword.internal.FieldNames;
import dev.winnow.keyword.internal.FilterQuery;
import dev.winnow.keyword.internal.IndexedDocument;
import dev.winnow.keyword.internal.QueryTerms;
import dev.winnow.keyword.internal.Searchers;
import dev.winnow.keyword.internal.StoredDocument;
import dev.winnow.keyword.internal.Utf16;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.IndexNotFoundException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.IndexWriterConfig.OpenMode;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.NoLockFactory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.IOUtils;

/**
 * A {@link KeywordIndex} on Apache Lucene: BM25 ranking ({@link BM25Similarity}) over analyzed text, metadata
 * filters as Lucene term and point queries, the index held in memory and saved as a standard Lucene index.
 *
 * <pre>{@code
 * try (LuceneKeywordIndex index = LuceneKeywordIndex.builder().build()) {    // EnglishAnalyzer, default k1/b
 *   index.addAll(List.of(new Document("everest", "Mount Everest is the highest mountain.", Map.of("year", 2020)),
 *                        new Document("k2", "K2 is the second-highest mountain on Earth.")));
 *   List<Hit> hits = index.search("highest mountains", 10, Filter.atLeast("year", 2000));
 *   index.save(Path.of("keyword"));
 * }
 * try (LuceneKeywordIndex back = LuceneKeywordIndex.open(Path.of("keyword"))) { ... }   // same analyzer, k1, b
 * }</pre>
 *
 * <p><b>Text.</b> Documents and queries go through the same {@link Analyzer} (default {@link EnglishAnalyzer}:
 * standard tokenizer, lower case, English possessives and stop words, Porter stemming). A query is never parsed
 * as a query language: its terms become one SHOULD clause each, a repeated term one clause boosted by its count.
 * A query with more distinct terms than {@code IndexSearcher.getMaxClauseCount() - 1} (1023 by default; one
 * clause is kept for the filter) keeps the rarest ones (highest IDF); terms no document holds are dropped first.
 * Scores are Lucene's BM25 with the builder's {@code k1} and {@code b}; they depend on collection statistics
 * that include deleted documents until Lucene merges them away, as in any Lucene index.
 *
 * <p><b>Metadata.</b> Each value is indexed by kind (string terms compared as UTF-16 code units, like
 * {@link String#compareTo}; boolean terms; long and double points), so filters have exactly
 * {@link Filter#test}'s semantics, ranges over strings with supplementary characters included. Limits: ids and
 * string values of at most {@value #MAX_TERM_CHARS} chars (Lucene's term limit).
 *
 * <p><b>Persistence.</b> {@link #save} writes a Lucene index into a folder with Lucene's own two-phase commit
 * (every file written and fsynced, then {@code segments_N}), so a crash leaves the folder's previous commit or
 * the new one; older commits' files are deleted afterwards. The commit's user data records a format version,
 * the analyzer and {@code k1}/{@code b}. {@link #open} copies a saved commit into memory, verifying every file's
 * checksum; the folder is not locked or changed by the opened index.
 *
 * <p><b>Thread-safety and cost.</b> Thread-safe. Searches run in parallel with each other and with writes;
 * writes are serialized (one writer lock, held for the analysis of the documents written). A write is visible to
 * every search that starts after it returns: the next search after a write reopens Lucene's near-real-time
 * reader (a flush of the buffered documents, about a millisecond), so prefer {@link #addAll} for bulk loads.
 * {@code addAll} adds its list as one atomic Lucene block, held in memory until it completes: load millions of
 * documents in batches of some thousands. Memory: the Lucene index (about the size of the text, compressed
 * stored fields included) plus a set of the ids.
 *
 * <p><b>Ownership.</b> The caller closes the index. An analyzer passed to the builder stays the caller's (the
 * index never closes it); the default one is the index's.
 */
public final class LuceneKeywordIndex implements KeywordIndex {

  /**
   * Default BM25 term-frequency saturation: Anserini's BEIR setting. With {@link #DEFAULT_B} it has the best mean
   * over SciFact (nDCG@10 0.697), the NQ sample (0.673) and WikiQA dev (MAP 0.646) of the grid measured in
   * {@code docs/evaluation.md}; Lucene's own (1.2, 0.75) is as good on SciFact and NQ, 0.034 MAP worse on
   * WikiQA's one-sentence documents.
   */
  public static final float DEFAULT_K1 = 0.9f;
  /** Default BM25 length normalization (Anserini's BEIR setting; see {@link #DEFAULT_K1}). */
  public static final float DEFAULT_B = 0.4f;
  /** Longest id or string metadata value, in chars: Lucene's 32,766-byte term limit at two bytes a char. */
  public static final int MAX_TERM_CHARS = IndexedDocument.MAX_TERM_CHARS;

  private static final Sort BY_SCORE_THEN_ID = new Sort(SortField.FIELD_SCORE,
      new SortField(FieldNames.ID, SortField.Type.STRING));

  private final Directory memory;
  private final IndexWriter writer;
  private final Searchers searchers;
  private final Analyzer analyzer;
  private final boolean ownsAnalyzer;
  private final String analyzerName;
  private final float k1;
  private final float b;
  private final BM25Similarity similarity;
  private final ReentrantReadWriteLock life = new ReentrantReadWriteLock();
  private final ReentrantLock writes = new ReentrantLock();
  private final ReentrantLock saves = new ReentrantLock();
  private final Set<String> ids = ConcurrentHashMap.newKeySet();
  private final Set<String> knownFields = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private LuceneKeywordIndex(Directory memory, OpenMode mode, Analyzer analyzer, boolean ownsAnalyzer,
      String analyzerName, float k1, float b) throws IOException {
    this.memory = memory;
    this.analyzer = analyzer;
    this.ownsAnalyzer = ownsAnalyzer;
    this.analyzerName = analyzerName;
    this.k1 = k1;
    this.b = b;
    this.similarity = new BM25Similarity(k1, b);
    this.writer = new IndexWriter(memory, new IndexWriterConfig(analyzer).setOpenMode(mode)
        .setSimilarity(similarity).setCommitOnClose(false));
    this.searchers = new Searchers(writer, similarity);
  }

  /** A builder for a new in-memory index or for opening a saved one with explicit settings. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Opens what {@link #save} wrote, with the analyzer and BM25 parameters recorded there. Equivalent to
   * {@code builder().open(dir)}. The caller closes the result.
   *
   * @throws IllegalArgumentException if the index was built with a caller's analyzer, which only
   *     {@code builder().analyzer(...).open(dir)} can supply
   * @throws IndexFormatException if {@code dir} holds no Winnow keyword index, or a damaged one
   * @throws IOException if reading fails ({@link NoSuchFileException} if {@code dir} is not a folder)
   */
  public static LuceneKeywordIndex open(Path dir) throws IOException {
    return builder().open(dir);
  }

  /**
   * Settings of a {@link LuceneKeywordIndex}. Setters validate at once and may be called once each; the builder
   * is single-use. Not thread-safe.
   */
  public static final class Builder {
    private Analyzer analyzer;
    private Float k1;
    private Float b;
    private boolean used;

    private Builder() {}

    /**
     * The analyzer of document text and queries (default {@link EnglishAnalyzer}). The caller keeps ownership
     * and closes it after the index. It must behave the same on every run: its class name is saved and
     * checked on {@link #open}; its configuration is not.
     */
    public Builder analyzer(Analyzer analyzer) {
      if (analyzer == null) {
        throw new IllegalArgumentException("analyzer is null");
      }
      if (this.analyzer != null) {
        throw new IllegalStateException("analyzer is already set");
      }
      this.analyzer = analyzer;
      return this;
    }

    /**
     * BM25 {@code k1}, term-frequency saturation: 0 ignores repetitions, larger values reward them longer.
     * Default {@value LuceneKeywordIndex#DEFAULT_K1} (see {@code docs/evaluation.md}); Lucene's is 1.2. Finite
     * and {@code >= 0}. A search-time parameter: setting it when opening a saved index overrides the saved one.
     */
    public Builder k1(float k1) {
      if (!Float.isFinite(k1) || k1 < 0) {
        throw new IllegalArgumentException("k1 must be finite and >= 0, got " + k1);
      }
      if (this.k1 != null) {
        throw new IllegalStateException("k1 is already set");
      }
      this.k1 = k1;
      return this;
    }

    /**
     * BM25 {@code b}, document-length normalization: 0 ignores length, 1 normalizes fully. Default
     * {@value LuceneKeywordIndex#DEFAULT_B}; Lucene's is 0.75. In [0, 1]. A search-time parameter: setting it
     * when opening a saved index overrides the saved one.
     */
    public Builder b(float b) {
      if (!(b >= 0 && b <= 1)) {
        throw new IllegalArgumentException("b must be in [0, 1], got " + b);
      }
      if (this.b != null) {
        throw new IllegalStateException("b is already set");
      }
      this.b = b;
      return this;
    }

    /** A new empty in-memory index. The caller closes it. */
    public LuceneKeywordIndex build() {
      use();
      boolean own = analyzer == null;
      Analyzer a = own ? new EnglishAnalyzer() : analyzer;
      try {
        return new LuceneKeywordIndex(new ByteBuffersDirectory(NoLockFactory.INSTANCE), OpenMode.CREATE, a, own,
            own ? CommitData.DEFAULT_ANALYZER : analyzer.getClass().getName(), k1 != null ? k1 : DEFAULT_K1,
            b != null ? b : DEFAULT_B);
      } catch (IOException e) {
        throw new WinnowException("cannot create an in-memory Lucene index", e);
      }
    }

    /**
     * Opens what {@link LuceneKeywordIndex#save} wrote into {@code dir}: copies its commit into memory. The
     * analyzer must be the saved one: none set here when the index used the default analyzer (an
     * {@link EnglishAnalyzer} is accepted too), else one of the saved class. {@code k1} and {@code b} default to
     * the saved values. The caller closes the result.
     *
     * @throws IllegalArgumentException if the analyzer differs from the saved one
     * @throws IndexFormatException if {@code dir} holds no Winnow keyword index, or a damaged one
     * @throws IOException if reading fails ({@link NoSuchFileException} if {@code dir} is not a folder)
     */
    public LuceneKeywordIndex open(Path dir) throws IOException {
      if (dir == null) {
        throw new IllegalArgumentException("dir is null");
      }
      use();
      if (!Files.isDirectory(dir)) {
        throw new NoSuchFileException(dir.toString(), null, "not a folder holding a saved keyword index");
      }
      ByteBuffersDirectory memory = new ByteBuffersDirectory(NoLockFactory.INSTANCE);
      boolean success = false;
      Analyzer owned = null;
      try (FSDirectory folder = FSDirectory.open(dir)) {
        // 1. the latest commit and its settings
        SegmentInfos commit = SegmentInfos.readLatestCommit(folder);
        CommitData saved = CommitData.read(dir, commit.getUserData());
        Analyzer a;
        if (CommitData.DEFAULT_ANALYZER.equals(saved.analyzer())) {
          if (analyzer != null && analyzer.getClass() != EnglishAnalyzer.class) {
            throw new IllegalArgumentException(dir + " was built with the default EnglishAnalyzer, not "
                + analyzer.getClass().getName());
          }
          a = analyzer != null ? analyzer : (owned = new EnglishAnalyzer());
        } else {
          if (analyzer == null) {
            throw new IllegalArgumentException(dir + " was built with analyzer " + saved.analyzer()
                + "; open it with LuceneKeywordIndex.builder().analyzer(...).open(dir)");
          }
          if (!analyzer.getClass().getName().equals(saved.analyzer())) {
            throw new IllegalArgumentException(dir + " was built with analyzer " + saved.analyzer() + ", not "
                + analyzer.getClass().getName());
          }
          a = analyzer;
        }
        // 2. copy the commit's files into memory and verify their checksums
        for (String file : commit.files(true)) {
          memory.copyFrom(folder, file, file, IOContext.READONCE);
          try (IndexInput in = memory.openInput(file, IOContext.READONCE)) {
            CodecUtil.checksumEntireFile(in);
          }
        }
        LuceneKeywordIndex index = new LuceneKeywordIndex(memory, OpenMode.APPEND, a, owned != null,
            saved.analyzer(), k1 != null ? k1 : saved.k1(), b != null ? b : saved.b());
        try {
          index.loadIdsAndFields(dir);
        } catch (RuntimeException | IOException e) {
          index.close();
          throw e;
        }
        success = true;
        return index;
      } catch (IndexNotFoundException e) {
        throw new IndexFormatException(dir + ": no Lucene commit (segments_N) in the folder", e);
      } catch (CorruptIndexException | IndexFormatTooOldException | IndexFormatTooNewException | EOFException e) {
        throw new IndexFormatException(dir + ": damaged or unsupported Lucene index: " + e.getMessage(), e);
      } catch (NoSuchFileException | FileNotFoundException e) {
        throw new IndexFormatException(dir + ": a file of the commit is missing: " + e.getMessage(), e);
      } finally {
        if (!success) {
          IOUtils.closeWhileHandlingException(memory, owned);
        }
      }
    }

    private void use() {
      if (used) {
        throw new IllegalStateException("builder already used; builders are single-use");
      }
      used = true;
    }
  }

  /** Fills the id set and the known metadata keys from the opened commit. */
  private void loadIdsAndFields(Path dir) throws IOException {
    IndexSearcher s = searchers.acquire();
    try {
      for (FieldInfo fi : FieldInfos.getMergedFieldInfos(s.getIndexReader())) {
        String key = FieldNames.keyOf(fi.name);
        if (key != null) {
          knownFields.add(key);
        }
      }
      for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
        SortedDocValues idValues = leaf.reader().getSortedDocValues(FieldNames.ID);
        Bits live = leaf.reader().getLiveDocs();
        for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
          if (live != null && !live.get(doc)) {
            continue;
          }
          if (idValues == null || !idValues.advanceExact(doc)) {
            throw new IndexFormatException(dir + ": a document has no id");
          }
          String id = Utf16.string(idValues.lookupOrd(idValues.ordValue()));
          if (!ids.add(id)) {
            throw new IndexFormatException(dir + ": id '" + id + "' is stored twice");
          }
        }
      }
    } finally {
      searchers.release(s);
    }
  }

  /** The analyzer's name as saved: {@code "english"} for the default, else the class name. */
  public String analyzerName() {
    return analyzerName;
  }

  /** BM25 {@code k1} of this index's searches. */
  public float k1() {
    return k1;
  }

  /** BM25 {@code b} of this index's searches. */
  public float b() {
    return b;
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void add(Document document) {
    org.apache.lucene.document.Document doc = IndexedDocument.of(document, "document");
    write(() -> {
      if (ids.contains(document.id())) {
        throw new IllegalArgumentException("id '" + document.id() + "' is already present (use upsert to replace it)");
      }
      indexing("document '" + document.id() + "'", () -> writer.addDocument(doc));
      added(document);
      return null;
    });
  }

  @Override
  public void addAll(List<Document> documents) {
    if (documents == null) {
      throw new IllegalArgumentException("documents is null");
    }
    List<org.apache.lucene.document.Document> docs = new ArrayList<>(documents.size());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < documents.size(); i++) {
      Document d = documents.get(i);
      if (d == null) {
        throw new IllegalArgumentException("documents[" + i + "] is null");
      }
      if (!seen.add(d.id())) {
        throw new IllegalArgumentException("documents[" + i + "]: id '" + d.id() + "' is repeated in the batch");
      }
      docs.add(IndexedDocument.of(d, "documents[" + i + "]"));
    }
    write(() -> {
      for (int i = 0; i < documents.size(); i++) {
        if (ids.contains(documents.get(i).id())) {
          throw new IllegalArgumentException("documents[" + i + "]: id '" + documents.get(i).id()
              + "' is already present (use upsert to replace it)");
        }
      }
      if (!docs.isEmpty()) {
        indexing("a document of the batch", () -> writer.addDocuments(docs));   // one atomic block
        for (Document d : documents) {
          added(d);
        }
      }
      return null;
    });
  }

  @Override
  public boolean upsert(Document document) {
    org.apache.lucene.document.Document doc = IndexedDocument.of(document, "document");
    return write(() -> {
      boolean replaced = ids.contains(document.id());
      if (replaced) {
        indexing("document '" + document.id() + "'", () -> writer.updateDocument(idTerm(document.id()), doc));
      } else {
        indexing("document '" + document.id() + "'", () -> writer.addDocument(doc));
      }
      added(document);
      return replaced;
    });
  }

  @Override
  public boolean delete(String id) {
    checkId(id);
    return write(() -> {
      if (!ids.contains(id)) {
        return false;
      }
      indexing("id '" + id + "'", () -> writer.deleteDocuments(idTerm(id)));
      ids.remove(id);
      return true;
    });
  }

  private interface WriteAction<T> {
    T run() throws IOException;
  }

  private interface LuceneCall {
    long run() throws IOException;
  }

  /** Runs a write under the writer lock, then marks it for the next search's reopen. */
  private <T> T write(WriteAction<T> action) {
    life.readLock().lock();
    try {
      ensureOpen();
      writes.lock();
      try {
        T result = action.run();
        searchers.written();
        return result;
      } finally {
        writes.unlock();
      }
    } catch (IOException e) {
      throw new WinnowException("Lucene write failed", e);
    } finally {
      life.readLock().unlock();
    }
  }

  /** Rewords Lucene's argument errors (e.g. an immense term from a custom analyzer) with the document's id. */
  private static void indexing(String what, LuceneCall call) throws IOException {
    try {
      call.run();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " cannot be indexed: " + e.getMessage(), e);
    }
  }

  private void added(Document d) {
    ids.add(d.id());
    knownFields.addAll(d.metadata().keySet());
  }

  private static Term idTerm(String id) {
    return new Term(FieldNames.ID, Utf16.bytes(id));
  }

  private static void checkId(String id) {
    if (id == null) {
      throw new IllegalArgumentException("id is null");
    }
  }

  // ---------------------------------------------------------------- reads

  @Override
  public Optional<Document> get(String id) {
    checkId(id);
    return read(s -> {
      TopDocs top = s.search(new TermQuery(idTerm(id)), 1);
      if (top.scoreDocs.length == 0) {
        return Optional.empty();
      }
      BytesRef stored = s.storedFields().document(top.scoreDocs[0].doc).getBinaryValue(FieldNames.DOC);
      try {
        return Optional.of(StoredDocument.decode(stored));
      } catch (IllegalArgumentException e) {
        throw new IndexFormatException("stored document '" + id + "' is damaged: " + e.getMessage(), e);
      }
    });
  }

  @Override
  public boolean contains(String id) {
    checkId(id);
    life.readLock().lock();
    try {
      ensureOpen();
      return ids.contains(id);
    } finally {
      life.readLock().unlock();
    }
  }

  @Override
  public int size() {
    life.readLock().lock();
    try {
      ensureOpen();
      return ids.size();
    } finally {
      life.readLock().unlock();
    }
  }

  @Override
  public List<Hit> search(String query, int k, Filter filter) {
    if (query == null) {
      throw new IllegalArgumentException("query is null");
    }
    if (k <= 0) {
      throw new IllegalArgumentException("k must be > 0, got " + k);
    }
    return read(s -> {
      if (filter != null) {
        for (String field : filter.fields()) {
          if (!knownFields.contains(field)) {
            throw new IllegalArgumentException("filter field '" + field + "' is unknown: no document in the index has it"
                + " (known fields: " + new TreeSet<>(knownFields) + ")");
          }
        }
      }
      // 1. analyzed terms → BM25 query (null: nothing searchable); 2. filter as one FILTER clause;
      // 3. top n by score, ties by id (the id's doc values sort like String.compareTo)
      int n = Math.min(k, s.getIndexReader().numDocs());
      Query text = n == 0 ? null : QueryTerms.build(analyzer, FieldNames.TEXT, query, s.getIndexReader(),
          Math.max(1, IndexSearcher.getMaxClauseCount() - 1));
      if (text == null) {
        return List.of();
      }
      Query q = filter == null ? text
          : new BooleanQuery.Builder().add(text, Occur.MUST).add(new FilterQuery(filter), Occur.FILTER).build();
      ScoreDoc[] top = s.search(q, n, BY_SCORE_THEN_ID, false).scoreDocs;
      List<Hit> hits = new ArrayList<>(top.length);
      for (ScoreDoc sd : top) {
        Object[] sortValues = ((FieldDoc) sd).fields;
        hits.add(new Hit(Utf16.string((BytesRef) sortValues[1]), (Float) sortValues[0]));
      }
      return hits;
    });
  }

  private interface ReadAction<T> {
    T run(IndexSearcher searcher) throws IOException;
  }

  /** Runs a read on a searcher that sees every completed write. */
  private <T> T read(ReadAction<T> action) {
    life.readLock().lock();
    try {
      ensureOpen();
      IndexSearcher s = searchers.acquireCurrent();
      try {
        return action.run(s);
      } finally {
        searchers.release(s);
      }
    } catch (IOException e) {
      throw new WinnowException("Lucene read failed", e);
    } finally {
      life.readLock().unlock();
    }
  }

  // ---------------------------------------------------------------- persistence

  /**
   * {@inheritDoc}
   *
   * <p>Commits the in-memory index, then writes that commit into {@code dir} with a fresh Lucene writer
   * ({@code addIndexes}: segments copied as they are, deletions included, so the saved index scores exactly like
   * this one) and Lucene's commit. Files of the folder's previous commits, and Lucene-named leftovers of an
   * interrupted save, are deleted; other files are left alone. Writers wait only for the in-memory commit, not
   * for the disk write; after the save this index searches the committed segments (the ones the folder holds).
   *
   * @throws IOException if writing fails; the folder keeps its previous commit
   */
  @Override
  public void save(Path dir) throws IOException {
    if (dir == null) {
      throw new IllegalArgumentException("dir is null");
    }
    life.readLock().lock();
    try {
      ensureOpen();
      saves.lock();
      try {
        // 1. commit in memory; searches switch to exactly the committed segments
        writes.lock();
        try {
          writer.commit();
          searchers.show(DirectoryReader.open(memory), searchers.writes());
        } finally {
          writes.unlock();
        }
        // 2. a fresh writer on the folder: copy the commit's segments, record the settings, commit
        Files.createDirectories(dir);
        try (FSDirectory folder = FSDirectory.open(dir);
             IndexWriter out = new IndexWriter(folder, new IndexWriterConfig(analyzer).setOpenMode(OpenMode.CREATE)
                 .setSimilarity(similarity).setMergePolicy(NoMergePolicy.INSTANCE).setCommitOnClose(false))) {
          out.addIndexes(memory);
          out.setLiveCommitData(new CommitData(analyzerName, k1, b).toUserData().entrySet());
          out.commit();
        }
      } finally {
        saves.unlock();
      }
    } finally {
      life.readLock().unlock();
    }
  }

  // ---------------------------------------------------------------- lifecycle

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("LuceneKeywordIndex is closed");
    }
  }

  /** Waits for running calls, then releases the Lucene writer, readers and memory. Idempotent. */
  @Override
  public void close() {
    life.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      IOUtils.close(searchers, writer::rollback, memory, ownsAnalyzer ? analyzer : null);
    } catch (IOException e) {
      throw new WinnowException("closing the Lucene index failed", e);
    } finally {
      ids.clear();
      life.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return "LuceneKeywordIndex[size=" + ids.size() + ", analyzer=" + analyzerName + ", k1=" + k1 + ", b=" + b + "]";
  }
}
