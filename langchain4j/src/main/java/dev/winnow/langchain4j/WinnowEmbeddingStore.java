package dev.winnow.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.winnow.Document;
import dev.winnow.Hit;
import dev.winnow.SearchOptions;
import dev.winnow.Similarity;
import dev.winnow.VectorIndex;
import dev.winnow.index.FlatVectorIndex;
import dev.winnow.index.VectorIndexes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A LangChain4j {@link EmbeddingStore} of {@link TextSegment}s over a Winnow {@link VectorIndex}: exact
 * ({@link FlatVectorIndex}) or approximate ({@code HnswVectorIndex}), in memory, saved to and opened from a
 * folder.
 *
 * <pre>{@code
 * EmbeddingModel model = new WinnowEmbeddingModel(minilm);
 * try (WinnowEmbeddingStore store = WinnowEmbeddingStore.inMemory(model.dimension())) {   // exact, cosine
 *   TextSegment s = TextSegment.from("Mount Everest is the tallest mountain.", Metadata.from("lang", "en"));
 *   store.add(model.embed(s).content(), s);
 *   List<EmbeddingMatch<TextSegment>> top = store.search(EmbeddingSearchRequest.builder()
 *       .queryEmbedding(model.embed("tallest mountain").content()).maxResults(5).minScore(0.6)
 *       .filter(metadataKey("lang").isEqualTo("en")).build()).matches();
 *   store.save(Path.of("my-store"));
 * }
 * try (WinnowEmbeddingStore again = WinnowEmbeddingStore.open(Path.of("my-store"))) { ... }
 * // approximate search over millions of segments: any Winnow index, closed by its creator
 * try (VectorIndex hnsw = HnswVectorIndex.builder(384, Similarity.COSINE).build()) {
 *   EmbeddingStore<TextSegment> store = WinnowEmbeddingStore.of(hnsw);
 * }
 * }</pre>
 *
 * <p><b>LangChain4j's semantics.</b> Scores are LangChain4j relevance scores: {@code (cosine + 1) / 2} for
 * {@code COSINE} indexes (what {@code RelevanceScore.fromCosineSimilarity} gives, in [0, 1]), {@code (dot + 1) / 2}
 * for {@code DOT_PRODUCT} (the same for unit vectors) and Winnow's {@code 1 / (1 + d²)} for {@code EUCLIDEAN};
 * {@code minScore} applies to them. Filters are translated by {@link LangChain4jFilters}, and where LangChain4j
 * and Winnow differ this store follows LangChain4j: a key no stored segment has matches nothing (its negation
 * everything) instead of being an error, and a comparison whose value type differs from a value stored under the
 * key throws {@link IllegalArgumentException} as LangChain4j's in-memory store does. Adding under an existing
 * id replaces that entry. {@code remove}, {@code removeAll(ids)}, {@code removeAll(Filter)} and {@code removeAll()}
 * are supported, with LangChain4j's argument checks and messages.
 *
 * <p><b>Storage.</b> Each entry is one Winnow {@link Document} (id, segment text, metadata), so an index built
 * here serves Winnow's own {@code Retriever} too, and an existing Winnow index can be searched through
 * LangChain4j. An entry added without a segment has empty text and comes back with a null segment. UUID metadata
 * values are stored as strings, with their keys listed under the reserved metadata key
 * {@value Segments#UUID_KEYS}, and come back as UUIDs. The embedding returned with a match is the index's stored
 * vector: as given for {@code DOT_PRODUCT} and {@code EUCLIDEAN}, L2-normalized for {@code COSINE}. Each search
 * reads the document and vector of every hit ({@link VectorIndex#get}, {@link VectorIndex#vector}) besides the
 * index search itself; {@code removeAll(Filter)} and {@code removeAll()} enumerate the matching entries with one
 * search of {@code k = size()}, and {@link #open} or {@link #of} enumerate every entry once to learn the keys.
 *
 * <p>Thread-safe: searches run concurrently with each other and with writes; writes are serialized. This store
 * must be the only writer of its index (it keeps a count of the metadata keys stored). {@link #of} does not own
 * the index; {@link #inMemory} and {@link #open} do, and {@link #close()} closes it.
 */
public final class WinnowEmbeddingStore implements EmbeddingStore<TextSegment>, AutoCloseable {
  /** The index file inside a saved store's folder. */
  public static final String INDEX_FILE = "embeddings.winnow";

  private final VectorIndex index;
  private final boolean ownsIndex;
  private final FieldKinds kinds = new FieldKinds();
  private final float[] probe;
  private final Object writeLock = new Object();
  private volatile boolean closed;

  private WinnowEmbeddingStore(VectorIndex index, boolean ownsIndex) {
    this.index = index;
    this.ownsIndex = ownsIndex;
    this.probe = new float[index.dimension()];
    probe[0] = 1f;
    for (Document d : documents(null)) {
      kinds.add(d);
    }
  }

  /**
   * A store over an exact, in-memory {@link FlatVectorIndex} with cosine similarity, owned by the store.
   *
   * @throws IllegalArgumentException if {@code dimension <= 0}
   */
  public static WinnowEmbeddingStore inMemory(int dimension) {
    return new WinnowEmbeddingStore(new FlatVectorIndex(dimension, Similarity.COSINE), true);
  }

  /**
   * A store over {@code index}, which may already hold documents (written by this adapter or by Winnow). The
   * caller keeps ownership: closing the store does not close the index.
   */
  public static WinnowEmbeddingStore of(VectorIndex index) {
    if (index == null) {
      throw new IllegalArgumentException("index is null");
    }
    return new WinnowEmbeddingStore(index, false);
  }

  /**
   * Opens a store saved with {@link #save} (flat or HNSW, whichever was saved); the store owns the index.
   *
   * @throws IOException if the folder has no readable {@value #INDEX_FILE}
   */
  public static WinnowEmbeddingStore open(Path dir) throws IOException {
    if (dir == null) {
      throw new IllegalArgumentException("dir is null");
    }
    VectorIndex index = VectorIndexes.open(dir.resolve(INDEX_FILE));
    try {
      return new WinnowEmbeddingStore(index, true);
    } catch (RuntimeException e) {
      index.close();
      throw e;
    }
  }

  /**
   * Saves every entry to {@code dir}/{@value #INDEX_FILE} (creating the folder), atomically as
   * {@link VectorIndex#save} does: a crash leaves the previous save or this one.
   */
  public void save(Path dir) throws IOException {
    if (dir == null) {
      throw new IllegalArgumentException("dir is null");
    }
    checkOpen();
    Files.createDirectories(dir);
    index.save(dir.resolve(INDEX_FILE));
  }

  /** The index this store reads and writes. */
  public VectorIndex index() {
    return index;
  }

  /** Number of entries. */
  public int size() {
    checkOpen();
    return index.size();
  }

  @Override
  public String add(Embedding embedding) {
    String id = UUID.randomUUID().toString();
    addAll(List.of(id), listOf(embedding, "embedding"), null);
    return id;
  }

  @Override
  public void add(String id, Embedding embedding) {
    addAll(List.of(checkId(id)), listOf(embedding, "embedding"), null);
  }

  @Override
  public String add(Embedding embedding, TextSegment segment) {
    String id = UUID.randomUUID().toString();
    addAll(List.of(id), listOf(embedding, "embedding"), segment == null ? null : List.of(segment));
    return id;
  }

  @Override
  public List<String> addAll(List<Embedding> embeddings) {
    if (embeddings == null) {
      throw new IllegalArgumentException("embeddings cannot be null");
    }
    List<String> ids = generateIds(embeddings.size());
    addAll(ids, embeddings, null);
    return ids;
  }

  /**
   * Adds entries; row {@code i} of each list belongs together, {@code embedded} may be null (no segments).
   * Existing ids are replaced. Everything is validated before anything is written.
   */
  @Override
  public void addAll(List<String> ids, List<Embedding> embeddings, List<TextSegment> embedded) {
    if (ids == null || embeddings == null) {
      throw new IllegalArgumentException((ids == null ? "ids" : "embeddings") + " cannot be null");
    }
    if (ids.size() != embeddings.size()) {
      throw new IllegalArgumentException("ids size (" + ids.size() + ") is not equal to embeddings size ("
          + embeddings.size() + ")");
    }
    if (embedded != null && embedded.size() != embeddings.size()) {
      throw new IllegalArgumentException("embeddings size (" + embeddings.size() + ") is not equal to embedded size ("
          + embedded.size() + ")");
    }
    int n = ids.size();
    List<Document> docs = new ArrayList<>(n);
    float[][] vectors = new float[n][];
    Set<String> seen = new HashSet<>();
    boolean repeats = false;
    for (int i = 0; i < n; i++) {
      String id = checkId(ids.get(i));
      Embedding e = embeddings.get(i);
      if (e == null) {
        throw new IllegalArgumentException("embeddings[" + i + "] is null");
      }
      docs.add(Segments.toDocument(id, embedded == null ? null : embedded.get(i)));
      vectors[i] = e.vector();
      repeats |= !seen.add(id);
    }
    synchronized (writeLock) {
      checkOpen();
      boolean fresh = !repeats;
      for (int i = 0; i < n && fresh; i++) {
        fresh = !index.contains(ids.get(i));
      }
      if (fresh) {
        index.addAll(docs, vectors);       // validates every vector first; HNSW inserts in parallel
        docs.forEach(kinds::add);
        return;
      }
      for (float[] v : vectors) {
        checkVector(v);                    // nothing is written when a later row is bad
      }
      for (int i = 0; i < n; i++) {
        Optional<Document> old = index.get(ids.get(i));
        index.upsert(docs.get(i), vectors[i]);
        old.ifPresent(kinds::remove);
        kinds.add(docs.get(i));
      }
    }
  }

  @Override
  public EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request) {
    if (request == null) {
      throw new IllegalArgumentException("request cannot be null");
    }
    checkOpen();
    float[] query = request.queryEmbedding().vector();
    List<Hit> hits = List.of();
    for (int attempt = 0; ; attempt++) {
      LangChain4jFilters.Folded f = LangChain4jFilters.fold(request.filter(), kinds::of);
      if (f.none() || index.size() == 0) {
        break;
      }
      try {
        hits = index.search(query, request.maxResults(),
            f.all() ? SearchOptions.DEFAULTS : SearchOptions.DEFAULTS.withFilter(f.filter()));
        break;
      } catch (IllegalArgumentException e) {
        // a concurrent remove took the last document with a filtered key: fold again against the new keys
        if (f.all() || attempt >= 2) {
          throw e;
        }
      }
    }
    List<EmbeddingMatch<TextSegment>> matches = new ArrayList<>(hits.size());
    for (Hit h : hits) {
      double score = relevance(h.score());
      if (score < request.minScore()) {
        break;                              // hits come best first
      }
      Optional<Document> doc = index.get(h.id());
      Optional<float[]> vector = index.vector(h.id());
      if (doc.isEmpty() || vector.isEmpty()) {
        continue;                           // removed since the search
      }
      matches.add(new EmbeddingMatch<>(score, h.id(), Embedding.from(vector.get()), Segments.toSegment(doc.get())));
    }
    return new EmbeddingSearchResult<>(matches);
  }

  @Override
  public void remove(String id) {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("id cannot be null or blank");
    }
    removeAll(List.of(id));
  }

  @Override
  public void removeAll(Collection<String> ids) {
    if (ids == null || ids.isEmpty()) {
      throw new IllegalArgumentException("ids cannot be null or empty");
    }
    synchronized (writeLock) {
      checkOpen();
      for (String id : ids) {
        if (id == null) {
          throw new IllegalArgumentException("ids must not contain null");
        }
        index.get(id).ifPresent(old -> {
          index.delete(id);
          kinds.remove(old);
        });
      }
    }
  }

  @Override
  public void removeAll(Filter filter) {
    if (filter == null) {
      throw new IllegalArgumentException("filter cannot be null");
    }
    synchronized (writeLock) {
      checkOpen();
      LangChain4jFilters.Folded f = LangChain4jFilters.fold(filter, kinds::of);
      if (f.none()) {
        return;
      }
      for (Document d : documents(f.all() ? null : f.filter())) {
        index.delete(d.id());
        kinds.remove(d);
      }
    }
  }

  @Override
  public void removeAll() {
    synchronized (writeLock) {
      checkOpen();
      for (Document d : documents(null)) {
        index.delete(d.id());
      }
      kinds.clear();
    }
  }

  /** Closes the index if this store owns it ({@link #inMemory}, {@link #open}). Idempotent. */
  @Override
  public void close() {
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      closed = true;
      if (ownsIndex) {
        index.close();
      }
    }
  }

  /** Every stored document passing {@code filter} (null: all), by one search of k = size(). */
  private List<Document> documents(dev.winnow.Filter filter) {
    int size = index.size();
    if (size == 0) {
      return List.of();
    }
    List<Hit> hits = index.search(probe, size, filter == null ? SearchOptions.DEFAULTS
        : SearchOptions.DEFAULTS.withFilter(filter));
    if (filter == null && hits.size() != size) {
      throw new IllegalStateException("the index returned " + hits.size() + " of its " + size
          + " documents for k = size(); VectorIndex promises all of them");
    }
    List<Document> out = new ArrayList<>(hits.size());
    for (Hit h : hits) {
      index.get(h.id()).ifPresent(out::add);
    }
    return out;
  }

  private double relevance(float score) {
    return index.similarity() == Similarity.EUCLIDEAN ? score : (score + 1.0) / 2.0;
  }

  private void checkVector(float[] v) {
    if (v.length != index.dimension()) {
      throw new IllegalArgumentException("embedding has dimension " + v.length + ", the store expects "
          + index.dimension());
    }
    for (int j = 0; j < v.length; j++) {
      if (!Float.isFinite(v[j])) {
        throw new IllegalArgumentException("embedding component " + j + " is " + v[j] + "; components must be finite");
      }
    }
  }

  private static String checkId(String id) {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("id cannot be null or blank");
    }
    return id;
  }

  private static List<Embedding> listOf(Embedding e, String name) {
    if (e == null) {
      throw new IllegalArgumentException(name + " cannot be null");
    }
    return List.of(e);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("WinnowEmbeddingStore is closed");
    }
  }

  @Override
  public String toString() {
    return "WinnowEmbeddingStore[" + index + "]";
  }
}
