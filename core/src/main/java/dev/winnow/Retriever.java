package dev.winnow;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Two-stage retrieval: encode the query, take the nearest {@link Builder#candidates(int) candidates} (default
 * 100) from a {@link VectorIndex}, rerank them with a {@link Reranker} when there is one, return the top k
 * (default 10).
 *
 * <pre>{@code
 * try (Retriever retriever = Retriever.builder()
 *         .encoders(DualEncoder.shared(DjlEncoder.defaultModel()))
 *         .index(HnswVectorIndex.builder(384, Similarity.COSINE).build())
 *         .reranker(CrossEncoderReranker.open(rerankerDir))      // optional
 *         .build()) {
 *   retriever.add(documents);
 *   Retrieval r = retriever.retrieve("who wrote the origin of species?", 10);
 *   retriever.save(Path.of("my-retriever"));
 * }
 * }</pre>
 *
 * <p>Ownership: a retriever built with {@link #builder()} does not own its parts; the caller closes the
 * encoders, index and reranker. A retriever from {@link #open} owns the index it opened and closes it; the caller
 * still owns the encoders and reranker it passed in.
 *
 * <p>Thread-safe when its parts are (Winnow's are): searches and adds may run concurrently.
 */
public final class Retriever implements AutoCloseable {
  /** File of a saved retriever that records how it was built. */
  public static final String MANIFEST = "retriever.properties";
  /** File of a saved retriever that holds the index. */
  public static final String INDEX_FILE = "index.winnow";
  private static final int MANIFEST_VERSION = 1;

  private final DualEncoder encoders;
  private final VectorIndex index;
  private final Reranker reranker;
  private final int candidates;
  private final boolean ownsIndex;
  private volatile boolean closed;

  private Retriever(DualEncoder encoders, VectorIndex index, Reranker reranker, int candidates, boolean ownsIndex) {
    this.encoders = encoders;
    this.index = index;
    this.reranker = reranker;
    this.candidates = candidates;
    this.ownsIndex = ownsIndex;
    if (encoders.dimension() != index.dimension()) {
      throw new IllegalArgumentException("encoder dimension " + encoders.dimension() + " != index dimension "
          + index.dimension());
    }
    if (encoders.similarity() != index.similarity()) {
      throw new IllegalArgumentException("encoder similarity " + encoders.similarity() + " != index similarity "
          + index.similarity());
    }
  }

  /** A builder; {@code encoders} and {@code index} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Opens an index file; {@code HnswVectorIndex::open} or {@code FlatVectorIndex::open}. */
  @FunctionalInterface
  public interface IndexOpener {
    VectorIndex open(Path file) throws IOException;
  }

  /**
   * Opens a retriever saved with {@link #save(Path)}, checking that {@code encoders} are the ones it was built
   * with.
   *
   * @param dir the folder {@code save} wrote
   * @param encoders the encoders; their {@link Encoder#modelId()} and dimension must equal the saved ones
   * @param opener reads the index file, e.g. {@code HnswVectorIndex::open}
   * @param reranker a reranker, or null for one-stage retrieval
   * @param candidates first-stage candidates per query when reranking, in [1, 10,000]
   * @throws IllegalArgumentException if the encoders differ from the saved ones (the message names both)
   * @throws IndexFormatException if the manifest is missing, malformed or of an unknown version
   * @throws IOException if reading fails
   */
  public static Retriever open(Path dir, DualEncoder encoders, IndexOpener opener, Reranker reranker,
      int candidates) throws IOException {
    if (dir == null || encoders == null || opener == null) {
      throw new IllegalArgumentException((dir == null ? "dir" : encoders == null ? "encoders" : "opener")
          + " is null");
    }
    Path manifestFile = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(manifestFile)) {
      throw new IndexFormatException("no " + MANIFEST + " in " + dir + ": not a saved retriever");
    }
    Properties m = new Properties();
    try (Reader r = Files.newBufferedReader(manifestFile, StandardCharsets.UTF_8)) {
      m.load(r);
    } catch (IllegalArgumentException e) {
      throw new IndexFormatException("malformed " + manifestFile + ": " + e.getMessage(), e);
    }
    if (!String.valueOf(MANIFEST_VERSION).equals(m.getProperty("version"))) {
      throw new IndexFormatException(manifestFile + " has version " + m.getProperty("version") + "; this Winnow"
          + " reads version " + MANIFEST_VERSION);
    }
    expect(m, "dimension", String.valueOf(encoders.dimension()), manifestFile);
    expect(m, "query.encoder", encoders.queries().modelId(), manifestFile);
    expect(m, "passage.encoder", encoders.passages().modelId(), manifestFile);
    VectorIndex index = opener.open(dir.resolve(INDEX_FILE));
    try {
      return new Retriever(encoders, index, reranker, checkCandidates(candidates), true);
    } catch (RuntimeException e) {
      index.close();
      throw e;
    }
  }

  private static void expect(Properties m, String key, String actual, Path file) {
    String saved = m.getProperty(key);
    if (saved == null) {
      throw new IndexFormatException(file + " lacks '" + key + "'");
    }
    if (!saved.equals(actual)) {
      throw new IllegalArgumentException("the saved retriever in " + file.getParent() + " was built with " + key
          + " '" + saved + "', but the given one is '" + actual + "'; vectors of different models or settings"
          + " cannot be compared");
    }
  }

  /** The encoders. */
  public DualEncoder encoders() {
    return encoders;
  }

  /** The index. */
  public VectorIndex index() {
    return index;
  }

  /** The reranker, if any. */
  public Optional<Reranker> reranker() {
    return Optional.ofNullable(reranker);
  }

  /** First-stage candidates per query when reranking. */
  public int candidates() {
    return candidates;
  }

  /** Number of indexed documents. */
  public int size() {
    return index.size();
  }

  /**
   * Encodes the documents with the passage encoder and adds them. All or nothing: every document and vector is
   * checked, and all texts encoded, before the first one is indexed.
   *
   * @throws IllegalArgumentException if the list or an element is null, or an id repeats or already exists
   */
  public void add(List<Document> documents) {
    ensureOpen();
    if (documents == null) {
      throw new IllegalArgumentException("documents is null");
    }
    List<String> texts = new ArrayList<>(documents.size());
    Set<String> ids = new HashSet<>();
    int i = 0;
    for (Document d : documents) {
      if (d == null) {
        throw new IllegalArgumentException("documents[" + i + "] is null");
      }
      if (!ids.add(d.id())) {
        throw new IllegalArgumentException("documents[" + i + "]: id '" + d.id() + "' is repeated");
      }
      if (index.contains(d.id())) {
        throw new IllegalArgumentException("documents[" + i + "]: id '" + d.id() + "' is already indexed;"
            + " use upsert to replace it");
      }
      texts.add(d.text());
      i++;
    }
    if (texts.isEmpty()) {
      return;
    }
    index.addAll(documents, encoders.encodePassages(texts));
  }

  /** Encodes the document and adds it, or replaces the document stored under its id. */
  public boolean upsert(Document document) {
    ensureOpen();
    if (document == null) {
      throw new IllegalArgumentException("document is null");
    }
    return index.upsert(document, encoders.encodePassages(List.of(document.text()))[0]);
  }

  /** Removes a document; true if it was there. */
  public boolean delete(String id) {
    ensureOpen();
    return index.delete(id);
  }

  /** {@link #retrieve(String, int, Filter)} without a filter. */
  public Retrieval retrieve(String query, int k) {
    return retrieve(query, k, null);
  }

  /**
   * Retrieves the {@code k} best documents for {@code query}:
   * 1. encode the query with the query encoder;
   * 2. search the index for {@code max(k, candidates)} nearest documents passing {@code filter} (just {@code k}
   *    without a reranker);
   * 3. rerank them with the reranker, if any, keeping each one's first-stage score;
   * 4. return the top {@code k}.
   *
   * @param k results wanted, {@code >= 1}; fewer when fewer documents exist or pass the filter
   * @param filter metadata filter, or null; a filter that no document passes (e.g. an unknown id value) gives no
   *     results, a field no document has is an {@link IllegalArgumentException} (almost always a typo)
   * @throws IllegalArgumentException if {@code query} is null or blank, or {@code k < 1}
   * @throws EncodingException if the encoder or reranker fails; nothing partial is returned
   */
  public Retrieval retrieve(String query, int k, Filter filter) {
    ensureOpen();
    if (query == null || query.isBlank()) {
      throw new IllegalArgumentException("query must be non-blank, got " + (query == null ? "null" : "'" + query
          + "'"));
    }
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    long t0 = System.nanoTime();
    float[] q = encoders.encodeQueries(List.of(query))[0];
    long t1 = System.nanoTime();
    int n = reranker == null ? k : Math.max(k, candidates);
    List<Hit> hits = index.search(q, n, SearchOptions.DEFAULTS.withFilter(filter));
    List<ScoredDocument> first = new ArrayList<>(hits.size());
    for (Hit h : hits) {
      index.get(h.id()).ifPresent(d -> first.add(ScoredDocument.firstStage(d, h.score()))); // skip if deleted
    }
    long t2 = System.nanoTime();
    if (reranker == null || first.isEmpty()) {
      List<ScoredDocument> top = first.size() > k ? first.subList(0, k) : first;
      return new Retrieval(query, top, first, false, new Retrieval.Timings(t1 - t0, t2 - t1, 0));
    }
    List<ScoredDocument> reranked = reranker.rerank(query, first, k);
    long t3 = System.nanoTime();
    return new Retrieval(query, reranked, first, true, new Retrieval.Timings(t1 - t0, t2 - t1, t3 - t2));
  }

  /**
   * Saves the index ({@value #INDEX_FILE}) and a manifest ({@value #MANIFEST}) recording the encoders' model ids
   * and dimension into {@code dir}, creating it if needed. Each file is written to a temporary file and renamed.
   */
  public void save(Path dir) throws IOException {
    ensureOpen();
    if (dir == null) {
      throw new IllegalArgumentException("dir is null");
    }
    Files.createDirectories(dir);
    index.save(dir.resolve(INDEX_FILE));
    Properties m = new Properties();
    m.setProperty("version", String.valueOf(MANIFEST_VERSION));
    m.setProperty("dimension", String.valueOf(encoders.dimension()));
    m.setProperty("similarity", encoders.similarity().name());
    m.setProperty("query.encoder", encoders.queries().modelId());
    m.setProperty("passage.encoder", encoders.passages().modelId());
    m.setProperty("documents", String.valueOf(index.size()));
    if (reranker != null) {
      m.setProperty("reranker", reranker.modelId()); // informational: any reranker may be used on open
    }
    Path tmp = Files.createTempFile(dir, MANIFEST, ".tmp");
    try {
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        m.store(w, "Winnow retriever");
      }
      Files.move(tmp, dir.resolve(MANIFEST), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Closes the index if this retriever opened it; otherwise only marks this retriever closed. Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      if (ownsIndex) {
        index.close();
      }
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("retriever is closed");
    }
  }

  private static int checkCandidates(int candidates) {
    if (candidates < 1 || candidates > 10_000) {
      throw new IllegalArgumentException("candidates must be in [1, 10000], got " + candidates);
    }
    return candidates;
  }

  /** Builds a {@link Retriever}. Setters validate at once. Single use; not thread-safe. */
  public static final class Builder {
    private DualEncoder encoders;
    private VectorIndex index;
    private Reranker reranker;
    private int candidates = 100;
    private boolean built;

    private Builder() {}

    /** Query and passage encoders (required). */
    public Builder encoders(DualEncoder encoders) {
      if (encoders == null) {
        throw new IllegalArgumentException("encoders is null");
      }
      this.encoders = encoders;
      return this;
    }

    /** The index (required); its dimension and similarity must match the encoders'. */
    public Builder index(VectorIndex index) {
      if (index == null) {
        throw new IllegalArgumentException("index is null");
      }
      this.index = index;
      return this;
    }

    /** A second-stage reranker; null (the default) for one-stage retrieval. */
    public Builder reranker(Reranker reranker) {
      this.reranker = reranker;
      return this;
    }

    /**
     * First-stage candidates handed to the reranker per query, in [1, 10,000]; default 100. More candidates
     * find more relevant documents for the reranker and cost proportionally more rerank time.
     */
    public Builder candidates(int candidates) {
      this.candidates = checkCandidates(candidates);
      return this;
    }

    /**
     * @throws IllegalStateException if encoders or index is missing, or the builder was used
     * @throws IllegalArgumentException if the encoders' and index's dimension or similarity differ
     */
    public Retriever build() {
      if (built) {
        throw new IllegalStateException("builder already used");
      }
      if (encoders == null || index == null) {
        throw new IllegalStateException((encoders == null ? "encoders" : "index") + " is required");
      }
      built = true;
      return new Retriever(encoders, index, reranker, candidates, false);
    }
  }
}
