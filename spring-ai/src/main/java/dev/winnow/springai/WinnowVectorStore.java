package dev.winnow.springai;

import dev.winnow.Hit;
import dev.winnow.SearchOptions;
import dev.winnow.Similarity;
import dev.winnow.VectorIndex;
import dev.winnow.index.FlatVectorIndex;
import dev.winnow.index.HnswVectorIndex;
import dev.winnow.index.VectorIndexes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.ai.document.Document;
import org.springframework.ai.document.DocumentMetadata;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingOptions;
import org.springframework.ai.observation.conventions.VectorStoreSimilarityMetric;
import org.springframework.ai.vectorstore.AbstractVectorStoreBuilder;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.filter.Filter;
import org.springframework.ai.vectorstore.observation.AbstractObservationVectorStore;
import org.springframework.ai.vectorstore.observation.VectorStoreObservationContext;

/**
 * A Spring AI {@link org.springframework.ai.vectorstore.VectorStore} over a Winnow {@link VectorIndex}: exact
 * ({@link FlatVectorIndex}, the default) or HNSW, in memory or kept in a folder.
 *
 * <pre>{@code
 * try (DjlEncoder minilm = DjlEncoder.defaultModel();
 *      WinnowVectorStore store = WinnowVectorStore.builder(new WinnowEmbeddingModel(minilm.asDualEncoder()))
 *          .indexFolder(Path.of("my-store"))           // opened if saved before; saved again on close()
 *          .indexType(WinnowVectorStore.IndexType.HNSW).build()) {
 *   store.add(List.of(new Document("Mount Everest is the tallest mountain.", Map.of("lang", "en"))));
 *   List<Document> top = store.similaritySearch(SearchRequest.builder().query("tallest mountain")
 *       .topK(5).similarityThreshold(0.5).filterExpression("lang == 'en'").build());
 * }
 * }</pre>
 *
 * <p><b>Spring AI's semantics.</b> A result's score is the index similarity (cosine for {@code COSINE}, the
 * default), its metadata gains {@code distance} = 1 − score as in Spring AI's {@code SimpleVectorStore}, and
 * {@code similarityThreshold} keeps results with score ≥ threshold, best first, at most {@code topK};
 * {@code similarityThresholdAll()} (0.0) keeps every result, negative cosines included, as its documentation
 * promises ({@code SimpleVectorStore} drops those). Filter
 * expressions translate with {@link SpringAiFilters}; a key no document has matches nothing (its negation
 * everything), where Winnow's own API rejects it. Adding a document whose id exists replaces it. Queries are
 * encoded with the query side when the model is a {@link WinnowEmbeddingModel}, else with
 * {@link EmbeddingModel#embed(String)}. Metadata values must be strings, booleans or numbers (Integer, Long,
 * Float, Double; Short and Byte become Integer): Winnow filters on them; others are refused with
 * {@link IllegalArgumentException} naming the key.
 *
 * <p>Thread-safe: searches run concurrently with each other and with writes; writes are serialized, and this
 * store must be the only writer of its index. A store built with {@link Builder#index} does not own the index;
 * with {@link Builder#indexFolder} or neither it does, and {@link #close()} saves (to the folder, if any) and
 * closes it.
 */
public final class WinnowVectorStore extends AbstractObservationVectorStore implements AutoCloseable {
  /** The index file inside the store's folder. */
  public static final String INDEX_FILE = "vector-store.winnow";

  /** Which Winnow index a new store creates. */
  public enum IndexType {
    /** {@link FlatVectorIndex}: exact, O(n) per search; right up to some 100k documents. */
    FLAT,
    /** {@link HnswVectorIndex} with its defaults: approximate, sub-linear. */
    HNSW
  }

  private final VectorIndex index;
  private final boolean ownsIndex;
  private final Path folder;
  private final Map<String, Integer> keys = new HashMap<>();
  private final Object writeLock = new Object();
  private final float[] probe;
  private volatile boolean closed;

  private WinnowVectorStore(Builder b) throws IOException {
    super(b);
    this.folder = b.folder;
    if (b.index != null) {
      this.index = b.index;
      this.ownsIndex = false;
    } else if (b.folder != null && Files.isRegularFile(b.folder.resolve(INDEX_FILE))) {
      this.index = VectorIndexes.open(b.folder.resolve(INDEX_FILE));
      this.ownsIndex = true;
    } else {
      int dim = b.getEmbeddingModel().dimensions();
      Similarity sim = b.getEmbeddingModel() instanceof WinnowEmbeddingModel w ? w.encoders().similarity()
          : Similarity.COSINE;
      this.index = b.type == IndexType.HNSW ? HnswVectorIndex.builder(dim, sim).build() : new FlatVectorIndex(dim, sim);
      this.ownsIndex = true;
    }
    this.probe = new float[index.dimension()];
    probe[0] = 1f;
    for (dev.winnow.Document d : documents(null)) {
      count(d, 1);
    }
  }

  /** A builder; the embedding model encodes added documents and queries. */
  public static Builder builder(EmbeddingModel embeddingModel) {
    return new Builder(embeddingModel);
  }

  /** The Winnow index. */
  public VectorIndex index() {
    return index;
  }

  /** Number of documents. */
  public int size() {
    return index.size();
  }

  @Override
  public void doAdd(List<org.springframework.ai.document.Document> documents) {
    if (documents == null) {
      throw new IllegalArgumentException("Documents list cannot be null");
    }
    if (documents.isEmpty()) {
      throw new IllegalArgumentException("Documents list cannot be empty");
    }
    List<dev.winnow.Document> docs = new ArrayList<>(documents.size());
    for (Document d : documents) {
      docs.add(toWinnow(d));
    }
    List<float[]> vectors = this.embeddingModel.embed(documents, EmbeddingOptions.builder().build(),
        this.batchingStrategy);
    synchronized (writeLock) {
      checkOpen();
      for (int i = 0; i < docs.size(); i++) {
        Optional<dev.winnow.Document> old = index.get(docs.get(i).id());
        index.upsert(docs.get(i), vectors.get(i));
        old.ifPresent(o -> count(o, -1));
        count(docs.get(i), 1);
      }
    }
  }

  @Override
  public void doDelete(List<String> idList) {
    if (idList == null) {
      throw new IllegalArgumentException("idList is null");
    }
    synchronized (writeLock) {
      checkOpen();
      for (String id : idList) {
        index.get(id).ifPresent(old -> {
          index.delete(id);
          count(old, -1);
        });
      }
    }
  }

  @Override
  protected void doDelete(Filter.Expression filterExpression) {
    if (filterExpression == null) {
      throw new IllegalArgumentException("Filter expression must not be null");
    }
    synchronized (writeLock) {
      checkOpen();
      SpringAiFilters.Folded f = SpringAiFilters.fold(filterExpression, this::known);
      if (f.none()) {
        return;
      }
      for (dev.winnow.Document d : documents(f.all() ? null : f.filter())) {
        index.delete(d.id());
        count(d, -1);
      }
    }
  }

  @Override
  public List<Document> doSimilaritySearch(SearchRequest request) {
    checkOpen();
    SpringAiFilters.Folded f = SpringAiFilters.fold(request.getFilterExpression(), this::known);
    if (f.none() || index.size() == 0) {
      return List.of();
    }
    float[] query = this.embeddingModel instanceof WinnowEmbeddingModel w ? w.embedQuery(request.getQuery())
        : this.embeddingModel.embed(request.getQuery());
    List<Hit> hits = index.search(query, request.getTopK(),
        f.all() ? SearchOptions.DEFAULTS : SearchOptions.DEFAULTS.withFilter(f.filter()));
    List<Document> out = new ArrayList<>(hits.size());
    for (Hit h : hits) {
      double score = h.score();
      double threshold = request.getSimilarityThreshold();
      if (threshold != SearchRequest.SIMILARITY_THRESHOLD_ACCEPT_ALL && score < threshold) {
        break;
      }
      Optional<dev.winnow.Document> d = index.get(h.id());
      if (d.isEmpty()) {
        continue;
      }
      Map<String, Object> meta = new HashMap<>(d.get().metadata());
      meta.put(DocumentMetadata.DISTANCE.value(), 1.0 - score);
      out.add(Document.builder().id(h.id()).text(d.get().text()).metadata(meta).score(score).build());
    }
    return out;
  }

  @Override
  public VectorStoreObservationContext.Builder createObservationContextBuilder(String operationName) {
    VectorStoreSimilarityMetric metric = switch (index.similarity()) {
      case COSINE -> VectorStoreSimilarityMetric.COSINE;
      case DOT_PRODUCT -> VectorStoreSimilarityMetric.DOT;
      case EUCLIDEAN -> VectorStoreSimilarityMetric.EUCLIDEAN;
    };
    return VectorStoreObservationContext.builder("winnow", operationName)
        .dimensions(index.dimension())
        .collectionName(folder == null ? "in-memory" : folder.toString())
        .similarityMetric(metric.value());
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> Optional<T> getNativeClient() {
    return Optional.of((T) index);
  }

  /**
   * Writes every document to {@code dir}/{@value #INDEX_FILE} (creating the folder), atomically as
   * {@link VectorIndex#save} does.
   */
  public void save(Path dir) throws IOException {
    if (dir == null) {
      throw new IllegalArgumentException("dir is null");
    }
    checkOpen();
    Files.createDirectories(dir);
    index.save(dir.resolve(INDEX_FILE));
  }

  /**
   * Saves to the store's folder (if it has one), then closes the index if the store owns it. Idempotent.
   *
   * @throws UncheckedIOException if the save fails (the index is closed all the same)
   */
  @Override
  public void close() {
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      try {
        if (folder != null) {
          save(folder);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("saving " + folder + " failed", e);
      } finally {
        closed = true;
        if (ownsIndex) {
          index.close();
        }
      }
    }
  }

  private static dev.winnow.Document toWinnow(Document d) {
    if (d == null) {
      throw new IllegalArgumentException("documents must not contain null");
    }
    if (!d.isText()) {
      throw new IllegalArgumentException("document " + d.getId() + " is not a text document");
    }
    Map<String, Object> meta = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : d.getMetadata().entrySet()) {
      Object v = SpringAiFilters.normalize(e.getValue());
      if (!(v instanceof String || v instanceof Boolean || v instanceof Integer || v instanceof Long
          || v instanceof Float || v instanceof Double)) {
        throw new IllegalArgumentException("metadata '" + e.getKey() + "' of document " + d.getId()
            + " must be a String, Boolean or Integer/Long/Float/Double for Winnow, got "
            + (v == null ? "null" : v.getClass().getName()));
      }
      meta.put(e.getKey(), v);
    }
    return new dev.winnow.Document(d.getId(), d.getText(), meta);
  }

  private boolean known(String key) {
    synchronized (keys) {
      return keys.containsKey(key);
    }
  }

  private void count(dev.winnow.Document d, int delta) {
    synchronized (keys) {
      for (String k : d.metadata().keySet()) {
        keys.merge(k, delta, (a, b) -> a + b == 0 ? null : a + b);
      }
    }
  }

  private List<dev.winnow.Document> documents(dev.winnow.Filter filter) {
    int size = index.size();
    if (size == 0) {
      return List.of();
    }
    List<Hit> hits = index.search(probe, size,
        filter == null ? SearchOptions.DEFAULTS : SearchOptions.DEFAULTS.withFilter(filter));
    List<dev.winnow.Document> out = new ArrayList<>(hits.size());
    for (Hit h : hits) {
      index.get(h.id()).ifPresent(out::add);
    }
    return out;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("WinnowVectorStore is closed");
    }
  }

  /** Builds a {@link WinnowVectorStore}. Not thread-safe; single use. */
  public static final class Builder extends AbstractVectorStoreBuilder<Builder> {
    private VectorIndex index;
    private Path folder;
    private IndexType type = IndexType.FLAT;
    private boolean built;

    private Builder(EmbeddingModel embeddingModel) {
      super(embeddingModel);
    }

    /** Use this index (the caller closes it); excludes {@link #indexFolder}. */
    public Builder index(VectorIndex index) {
      if (index == null) {
        throw new IllegalArgumentException("index is null");
      }
      if (folder != null) {
        throw new IllegalStateException("indexFolder is already set");
      }
      this.index = index;
      return this;
    }

    /** Keep the index in this folder: opened if it holds a saved store, saved by {@link #close()}. */
    public Builder indexFolder(Path folder) {
      if (folder == null) {
        throw new IllegalArgumentException("folder is null");
      }
      if (index != null) {
        throw new IllegalStateException("index is already set");
      }
      this.folder = folder;
      return this;
    }

    /** The kind of index a new store creates; default {@link IndexType#FLAT}. Ignored when one is opened. */
    public Builder indexType(IndexType type) {
      if (type == null) {
        throw new IllegalArgumentException("type is null");
      }
      this.type = type;
      return this;
    }

    /**
     * @throws UncheckedIOException if the folder's saved store cannot be read
     */
    @Override
    public WinnowVectorStore build() {
      if (built) {
        throw new IllegalStateException("build() was already called");
      }
      built = true;
      try {
        return new WinnowVectorStore(this);
      } catch (IOException e) {
        throw new UncheckedIOException("opening " + folder.resolve(INDEX_FILE) + " failed", e);
      }
    }
  }
}
