package dev.winnow;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Retrieval in up to four stages: dense (vector) and keyword candidates → fusion → optional MMR diversification
 * → optional cross-encoder reranking → top k.
 *
 * <pre>{@code
 * try (Retriever retriever = Retriever.builder()
 *         .encoders(encoder.asDualEncoder())                         // query/passage prompts kept
 *         .index(HnswVectorIndex.builder(384, Similarity.COSINE).build())
 *         .keywordIndex(LuceneKeywordIndex.builder().build())        // optional: hybrid search
 *         .reranker(CrossEncoderReranker.open(rerankerDir))          // optional: second stage
 *         .build()) {
 *   retriever.add(documents, p -> System.err.printf("%d/%d%n", p.done(), p.total()));
 *   Retrieval r = retriever.retrieve("who wrote the origin of species?", 10);
 *   Retrieval d = retriever.retrieve("jaguar", 10, RetrieveOptions.DEFAULTS.withMmr(0.7).withoutRerank());
 *   retriever.save(Path.of("my-retriever"));
 * }
 * try (Retriever again = Retriever.opener(Path.of("my-retriever")).encoders(encoders)
 *         .vectorIndex(VectorIndexes::open).keywordIndex(LuceneKeywordIndex::open).open()) { ... }
 * }</pre>
 *
 * <p><b>Pipeline of {@link #retrieve(String, int, RetrieveOptions)}.</b> Let {@code n} be {@code k}, or
 * {@code max(k, candidates)} when the reranker runs.
 * <ol>
 *   <li>Dense: encode the query with the query encoder and take the {@code denseDepth} nearest documents;
 *       keyword: take the {@code keywordDepth} best keyword matches. Both apply the filter. Default depth:
 *       {@code n} for a one-sided search without MMR, else {@code max(n, candidates)} (fusion and MMR need more
 *       than the final few).
 *   <li>Hybrid mode fuses the two lists with the {@link Fusion} (default {@link #DEFAULT_FUSION}, linear 0.7); a one-sided
 *       mode keeps its list. This is the candidate list reported in {@link Retrieval#candidates()}.
 *   <li>With MMR, {@link Mmr} picks {@code n} of the candidates (the best {@code pool} of them), using the
 *       vectors stored in the vector index; without, the first {@code n} are kept.
 *   <li>The reranker, when there is one and the call does not skip it, rescores those and keeps the best
 *       {@code k}; otherwise the first {@code k} are returned.
 * </ol>
 *
 * <p><b>Writes</b> ({@link #add}, {@link #upsert}, {@link #delete}) keep the vector and keyword indexes in step:
 * a write that fails on one side is undone on the other, and writes and saves exclude each other (searches never
 * wait). Encoding, the slow part, runs outside that lock.
 *
 * <p><b>Saved layout</b> (manifest version 2). {@code save(dir)} writes generation {@code g}:
 * {@code index-g.winnow}, {@code keyword-g/} (when there is a keyword index), then {@value #MANIFEST}, written
 * to a temporary file, forced and atomically renamed: the manifest names the files of its generation and is the
 * single commit point, so a crash at any moment leaves a folder that opens as the previous save or the new one.
 * Files of other generations and temporary files left by killed saves are deleted after the commit and when the
 * folder is opened. One process should save into a folder at a time. Version-1 folders ({@code index.winnow},
 * dense only) still open.
 *
 * <p>Ownership, by the rule of {@link dev.winnow} (whoever creates a resource closes it): a retriever built
 * with {@link #builder()} does not own its parts; the caller closes the encoders, indexes and reranker. A
 * retriever from {@link #opener} created its indexes, so it closes them; the caller still closes the encoders
 * and reranker it passed in.
 *
 * <p>Thread-safe when its parts are (Winnow's are): searches and writes may run concurrently.
 */
public final class Retriever implements AutoCloseable {
  /** File of a saved retriever that records how it was built; its commit point. */
  public static final String MANIFEST = "retriever.properties";
  /** The index file of a version-1 saved retriever. */
  public static final String INDEX_FILE = "index.winnow";
  /**
   * The default fusion: linear, dense weight 0.7. Chosen on SciFact train, the NQ sample and WikiQA dev with
   * MiniLM and bge-small (docs/evaluation.md): the only setting tried that never fell more than 0.01 nDCG@10
   * below the better single side on any of them; keyword-heavier settings win more on SciFact and lose 0.02-0.07
   * on NQ and WikiQA.
   */
  public static final Fusion DEFAULT_FUSION = Fusion.linear(0.7);
  /** Default documents per chunk of a bulk {@link #add}. */
  public static final int DEFAULT_CHUNK_SIZE = 256;
  private static final int MANIFEST_VERSION = 2;
  private static final Pattern INDEX_GEN = Pattern.compile("index-(\\d{1,18})\\.winnow");
  private static final Pattern KEYWORD_GEN = Pattern.compile("keyword-(\\d{1,18})");
  private static final Pattern TEMP = Pattern.compile("(retriever\\.properties|index(-\\d+)?\\.winnow)\\.tmp-.*");

  private final DualEncoder encoders;
  private final VectorIndex index;
  private final KeywordIndex keyword;
  private final Reranker reranker;
  private final int candidates;
  private final double rerankWeight;
  private final Fusion fusion;
  private final RetrievalMode mode;
  private final int chunkSize;
  private final boolean ownsIndexes;
  private final ReentrantLock writeLock = new ReentrantLock();
  private volatile boolean closed;

  private Retriever(DualEncoder encoders, VectorIndex index, KeywordIndex keyword, Reranker reranker,
      int candidates, double rerankWeight, Fusion fusion, RetrievalMode mode, int chunkSize, boolean ownsIndexes) {
    if (encoders.dimension() != index.dimension()) {
      throw new IllegalArgumentException("encoder dimension " + encoders.dimension() + " != index dimension "
          + index.dimension());
    }
    if (encoders.similarity() != index.similarity()) {
      throw new IllegalArgumentException("encoder similarity " + encoders.similarity() + " != index similarity "
          + index.similarity());
    }
    RetrievalMode m = mode != null ? mode : keyword != null ? RetrievalMode.HYBRID : RetrievalMode.DENSE;
    if (m != RetrievalMode.DENSE && keyword == null) {
      throw new IllegalArgumentException("mode " + m + " needs a keyword index; set keywordIndex(...)");
    }
    this.encoders = encoders;
    this.index = index;
    this.keyword = keyword;
    this.reranker = reranker;
    this.candidates = candidates;
    this.rerankWeight = rerankWeight;
    this.fusion = fusion;
    this.mode = m;
    this.chunkSize = chunkSize;
    this.ownsIndexes = ownsIndexes;
  }

  /** A builder; {@code encoders} and {@code index} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Opens a vector index file; {@code HnswVectorIndex::open}, {@code FlatVectorIndex::open}, ... */
  @FunctionalInterface
  public interface IndexOpener {
    VectorIndex open(Path file) throws IOException;
  }

  /** Opens a keyword index folder; e.g. {@code LuceneKeywordIndex::open}. */
  @FunctionalInterface
  public interface KeywordOpener {
    KeywordIndex open(Path dir) throws IOException;
  }

  /** Starts opening the retriever saved in {@code dir}; set the parts, then {@link Opener#open()}. */
  public static Opener opener(Path dir) {
    if (dir == null) {
      throw new IllegalArgumentException("dir is null");
    }
    return new Opener(dir);
  }

  /**
   * Opens a dense-only retriever saved with {@link #save(Path)}; shorthand for
   * {@code opener(dir).encoders(encoders).vectorIndex(opener).reranker(reranker).candidates(candidates).open()}.
   *
   * @throws IllegalArgumentException if the encoders differ from the saved ones, or the saved retriever has a
   *     keyword index (use {@link #opener} with {@code keywordIndex(...)})
   * @throws IndexFormatException if the folder is not a valid saved retriever
   * @throws IOException if reading fails
   * @deprecated five positional arguments; use {@link #opener(Path)}, which names each part
   */
  @Deprecated
  public static Retriever open(Path dir, DualEncoder encoders, IndexOpener opener, Reranker reranker,
      int candidates) throws IOException {
    return opener(dir).encoders(encoders).vectorIndex(opener).reranker(reranker).candidates(candidates).open();
  }

  /** The encoders. */
  public DualEncoder encoders() {
    return encoders;
  }

  /** The vector index. */
  public VectorIndex index() {
    return index;
  }

  /** The keyword index, if any. */
  public Optional<KeywordIndex> keywordIndex() {
    return Optional.ofNullable(keyword);
  }

  /** The reranker, if any. */
  public Optional<Reranker> reranker() {
    return Optional.ofNullable(reranker);
  }

  /** The reranker's weight in the final score ({@link Builder#rerankWeight(double)}); 1 = pure rerank. */
  public double rerankWeight() {
    return rerankWeight;
  }

  /** First-stage candidates per query handed to the reranker (and the default depth for fusion and MMR). */
  public int candidates() {
    return candidates;
  }

  /** The default fusion of hybrid mode. */
  public Fusion fusion() {
    return fusion;
  }

  /** The default mode: {@link RetrievalMode#HYBRID} with a keyword index, else {@link RetrievalMode#DENSE}. */
  public RetrievalMode mode() {
    return mode;
  }

  /** Number of indexed documents. */
  public int size() {
    return index.size();
  }

  /** {@link #add(List, Consumer)} without progress reports. */
  public void add(List<Document> documents) {
    add(documents, null);
  }

  /**
   * Encodes the documents with the passage encoder and adds them to the vector index and the keyword index, in
   * chunks of {@link Builder#chunkSize} documents, reporting progress after each chunk. All or nothing: every
   * document is checked before the first chunk is encoded, and if a later chunk fails (the encoder or an index
   * throws), the documents of the earlier chunks are removed again before the exception propagates.
   *
   * @param progress called after each chunk on the calling thread, or null
   * @throws IllegalArgumentException if the list or an element is null, or an id repeats or already exists
   * @throws EncodingException if the encoder fails (nothing stays added)
   */
  public void add(List<Document> documents, Consumer<IngestProgress> progress) {
    ensureOpen();
    if (documents == null) {
      throw new IllegalArgumentException("documents is null");
    }
    Set<String> ids = new HashSet<>();
    int i = 0;
    for (Document d : documents) {
      if (d == null) {
        throw new IllegalArgumentException("documents[" + i + "] is null");
      }
      if (!ids.add(d.id())) {
        throw new IllegalArgumentException("documents[" + i + "]: id '" + d.id() + "' is repeated");
      }
      if (index.contains(d.id()) || (keyword != null && keyword.contains(d.id()))) {
        throw new IllegalArgumentException("documents[" + i + "]: id '" + d.id() + "' is already indexed;"
            + " use upsert to replace it");
      }
      i++;
    }
    long start = System.nanoTime();
    int total = documents.size();
    List<Document> added = new ArrayList<>(total);
    try {
      for (int from = 0; from < total; from += chunkSize) {
        List<Document> chunk = documents.subList(from, Math.min(total, from + chunkSize));
        List<String> texts = new ArrayList<>(chunk.size());
        for (Document d : chunk) {
          texts.add(d.text());
        }
        float[][] vectors = encoders.encodePassages(texts);
        writeLock.lock();
        try {
          ensureOpen();
          index.addAll(chunk, vectors);
          added.addAll(chunk);
          if (keyword != null) {
            keyword.addAll(chunk);
          }
        } finally {
          writeLock.unlock();
        }
        if (progress != null) {
          progress.accept(new IngestProgress(from + chunk.size(), total, System.nanoTime() - start));
        }
      }
    } catch (RuntimeException e) {
      rollBack(added, e);
      throw e;
    }
  }

  private void rollBack(List<Document> added, RuntimeException cause) {
    if (added.isEmpty() || closed) {
      return;
    }
    writeLock.lock();
    try {
      for (Document d : added) {
        index.delete(d.id());
        if (keyword != null) {
          keyword.delete(d.id());
        }
      }
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Encodes the document and adds it, or replaces the document stored under its id, in both indexes.
   *
   * @return true if a document was replaced
   */
  public boolean upsert(Document document) {
    ensureOpen();
    if (document == null) {
      throw new IllegalArgumentException("document is null");
    }
    float[] v = encoders.encodePassages(List.of(document.text()))[0];
    writeLock.lock();
    try {
      ensureOpen();
      Optional<Document> oldDoc = index.get(document.id());
      Optional<float[]> oldVector = index.vector(document.id());
      boolean replaced = index.upsert(document, v);
      if (keyword != null) {
        try {
          keyword.upsert(document);
        } catch (RuntimeException e) {
          try {
            if (oldDoc.isPresent() && oldVector.isPresent()) {
              index.upsert(oldDoc.get(), oldVector.get());
            } else {
              index.delete(document.id());
            }
          } catch (RuntimeException undo) {
            e.addSuppressed(undo);
          }
          throw e;
        }
      }
      return replaced;
    } finally {
      writeLock.unlock();
    }
  }

  /** Removes a document from both indexes; true if it was there. */
  public boolean delete(String id) {
    ensureOpen();
    if (id == null) {
      throw new IllegalArgumentException("id is null");
    }
    writeLock.lock();
    try {
      ensureOpen();
      boolean removed = index.delete(id);
      if (keyword != null) {
        removed |= keyword.delete(id);
      }
      return removed;
    } finally {
      writeLock.unlock();
    }
  }

  /** {@link #retrieve(String, int, RetrieveOptions)} with the defaults. */
  public Retrieval retrieve(String query, int k) {
    return retrieve(query, k, RetrieveOptions.DEFAULTS);
  }

  /** {@link #retrieve(String, int, RetrieveOptions)} with a filter and otherwise the defaults. */
  public Retrieval retrieve(String query, int k, Filter filter) {
    return retrieve(query, k, RetrieveOptions.DEFAULTS.withFilter(filter));
  }

  /**
   * Retrieves the {@code k} best documents for {@code query} (see the class comment for the stages).
   *
   * @param k results wanted, {@code >= 1}; fewer when fewer documents exist or pass the filter
   * @param options mode, fusion, depths, MMR, filter, rerank; {@link RetrieveOptions#DEFAULTS} for the
   *     retriever's defaults. A filter that no document passes gives no results; a filter field no document has
   *     is an {@link IllegalArgumentException} (almost always a typo)
   * @throws IllegalArgumentException if {@code query} is null or blank, {@code k < 1}, or the mode needs a
   *     keyword index this retriever lacks
   * @throws EncodingException if the encoder or reranker fails; nothing partial is returned
   */
  public Retrieval retrieve(String query, int k, RetrieveOptions options) {
    ensureOpen();
    if (query == null || query.isBlank()) {
      throw new IllegalArgumentException("query must be non-blank, got " + (query == null ? "null" : "'" + query
          + "'"));
    }
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    if (options == null) {
      throw new IllegalArgumentException("options is null (use RetrieveOptions.DEFAULTS)");
    }
    RetrievalMode m = options.mode() != null ? options.mode() : mode;
    if (m != RetrievalMode.DENSE && keyword == null) {
      throw new IllegalArgumentException("mode " + m + " needs a keyword index, and this retriever has none");
    }
    boolean rerank = options.rerank() && reranker != null;
    RetrieveOptions.MmrOptions mmr = options.mmr();
    int size = Math.max(1, m == RetrievalMode.KEYWORD ? keyword.size() : index.size());
    int n = Math.min(rerank ? Math.max(k, candidates) : k, size);
    int side = Math.min(m == RetrievalMode.HYBRID || mmr != null ? Math.max(n, candidates) : n,
        RetrieveOptions.MAX_DEPTH);
    int denseDepth = options.denseDepth() > 0 ? options.denseDepth() : side;
    int keywordDepth = options.keywordDepth() > 0 ? options.keywordDepth() : side;

    // 1. first-stage searches
    long t0 = System.nanoTime();
    List<Hit> dense = List.of();
    long encode = 0;
    long vectorSearch = 0;
    if (m != RetrievalMode.KEYWORD) {
      float[] q = encoders.encodeQueries(List.of(query))[0];
      long t1 = System.nanoTime();
      encode = t1 - t0;
      dense = index.search(q, Math.min(denseDepth, Math.max(1, index.size())),
          SearchOptions.DEFAULTS.withFilter(options.filter()));
      vectorSearch = System.nanoTime() - t1;
    }
    List<Hit> lexical = List.of();
    long keywordSearch = 0;
    if (m != RetrievalMode.DENSE) {
      long t2 = System.nanoTime();
      lexical = keyword.search(query, Math.min(keywordDepth, Math.max(1, keyword.size())), options.filter());
      keywordSearch = System.nanoTime() - t2;
    }

    // 2. fusion
    long t3 = System.nanoTime();
    Map<String, Float> denseScores = scores(dense);
    Map<String, Float> keywordScores = scores(lexical);
    List<Hit> fused = switch (m) {
      case DENSE -> dense;
      case KEYWORD -> lexical;
      case HYBRID -> (options.fusion() != null ? options.fusion() : fusion).fuse(dense, lexical);
    };
    List<ScoredDocument> first = new ArrayList<>(fused.size());
    for (Hit h : fused) {
      Optional<Document> d = m == RetrievalMode.KEYWORD ? keyword.get(h.id()) : index.get(h.id());
      if (d.isEmpty()) {
        continue; // deleted since the search
      }
      first.add(new ScoredDocument(d.get(), h.score(), h.score(), optional(denseScores.get(h.id())),
          optional(keywordScores.get(h.id())), OptionalDouble.empty()));
    }

    // 3. MMR or truncation
    List<ScoredDocument> selected;
    if (mmr != null) {
      selected = diversify(first, mmr, n);
    } else {
      selected = first.size() > n ? first.subList(0, n) : first;
    }
    long t4 = System.nanoTime();
    long fusionNanos = t4 - t3;

    // 4. rerank
    if (!rerank || selected.isEmpty()) {
      List<ScoredDocument> top = selected.size() > k ? selected.subList(0, k) : selected;
      return new Retrieval(query, m, top, first, false,
          new Retrieval.Timings(encode, vectorSearch, keywordSearch, fusionNanos, 0));
    }
    List<ScoredDocument> reranked = rerankWeight == 1.0 ? reranker.rerank(query, selected, k)
        : RerankBlend.rerank(reranker.rerank(query, selected, selected.size()), rerankWeight, k);
    long t5 = System.nanoTime();
    return new Retrieval(query, m, reranked, first, true,
        new Retrieval.Timings(encode, vectorSearch, keywordSearch, fusionNanos, t5 - t4));
  }

  private List<ScoredDocument> diversify(List<ScoredDocument> first, RetrieveOptions.MmrOptions mmr, int n) {
    int poolSize = mmr.pool() == 0 ? first.size() : Math.min(mmr.pool(), first.size());
    List<ScoredDocument> pool = new ArrayList<>(poolSize);
    List<float[]> vectors = new ArrayList<>(poolSize);
    for (ScoredDocument s : first.subList(0, poolSize)) {
      Optional<float[]> v = index.vector(s.id());
      if (v.isPresent()) { // absent only if deleted since the search
        pool.add(s);
        vectors.add(v.get());
      }
    }
    float[] relevance = new float[pool.size()];
    for (int i = 0; i < relevance.length; i++) {
      relevance[i] = pool.get(i).firstStageScore();
    }
    int[] picks = Mmr.select(relevance, vectors.toArray(new float[0][]), mmr.lambda(), n);
    List<ScoredDocument> out = new ArrayList<>(picks.length);
    for (int p : picks) {
      out.add(pool.get(p));
    }
    return out;
  }

  private static Map<String, Float> scores(List<Hit> hits) {
    Map<String, Float> m = new HashMap<>(hits.size() * 2);
    for (Hit h : hits) {
      m.put(h.id(), h.score());
    }
    return m;
  }

  private static OptionalDouble optional(Float f) {
    return f == null ? OptionalDouble.empty() : OptionalDouble.of(f);
  }

  /**
   * Saves the retriever into {@code dir} (created if needed) as the next generation of the layout in the class
   * comment: the vector index, the keyword index, then the manifest as the commit point. Writers wait for the
   * save; searches go on.
   *
   * @throws IOException if writing fails; the folder then still opens as its previous save
   */
  public void save(Path dir) throws IOException {
    ensureOpen();
    if (dir == null) {
      throw new IllegalArgumentException("dir is null");
    }
    writeLock.lock();
    try {
      ensureOpen();
      Files.createDirectories(dir);
      long gen = nextGeneration(dir);
      String indexFile = "index-" + gen + ".winnow";
      String keywordDir = "keyword-" + gen;
      index.save(dir.resolve(indexFile));
      if (keyword != null) {
        keyword.save(dir.resolve(keywordDir));
      }
      Properties m = new Properties();
      m.setProperty("version", String.valueOf(MANIFEST_VERSION));
      m.setProperty("generation", String.valueOf(gen));
      m.setProperty("dimension", String.valueOf(encoders.dimension()));
      m.setProperty("similarity", encoders.similarity().name());
      m.setProperty("query.encoder", encoders.queries().modelId());
      m.setProperty("passage.encoder", encoders.passages().modelId());
      m.setProperty("index.file", indexFile);
      m.setProperty("documents", String.valueOf(index.size()));
      if (keyword != null) {
        m.setProperty("keyword.dir", keywordDir);
        m.setProperty("keyword.documents", String.valueOf(keyword.size()));
      }
      m.setProperty("mode", mode.name());
      m.setProperty("fusion", fusion.toString());
      if (reranker != null) {
        m.setProperty("reranker", reranker.modelId()); // informational: any reranker may be used on open
      }
      writeManifest(dir, m);
      cleanUp(dir, gen, true);
    } finally {
      writeLock.unlock();
    }
  }

  private static void writeManifest(Path dir, Properties m) throws IOException {
    Path tmp = dir.resolve(MANIFEST + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    try {
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE)) {
        m.store(w, "Winnow retriever");
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, dir.resolve(MANIFEST), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      syncDirectory(dir);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // not every platform can open a directory for sync (Windows); the rename itself is atomic there
    }
  }

  /** One past the largest generation named by the manifest or by any file in the folder. */
  private static long nextGeneration(Path dir) throws IOException {
    long max = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path p : files) {
        String name = p.getFileName().toString();
        Matcher a = INDEX_GEN.matcher(name);
        Matcher b = KEYWORD_GEN.matcher(name);
        if (a.matches()) {
          max = Math.max(max, Long.parseLong(a.group(1)));
        } else if (b.matches()) {
          max = Math.max(max, Long.parseLong(b.group(1)));
        }
      }
    }
    try {
      Properties m = readManifest(dir.resolve(MANIFEST));
      String g = m.getProperty("generation");
      if (g != null && g.matches("\\d{1,18}")) {
        max = Math.max(max, Long.parseLong(g));
      }
    } catch (IOException | RuntimeException e) {
      // no or unreadable manifest: the files decide
    }
    return max + 1;
  }

  /**
   * Deletes other generations' files and temporary files. After a save ({@code all}) every generation but
   * {@code keep} goes; on open only older ones (a newer one may be a save in progress elsewhere).
   */
  private static void cleanUp(Path dir, long keep, boolean all) {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path p : files) {
        String name = p.getFileName().toString();
        Matcher a = INDEX_GEN.matcher(name);
        Matcher b = KEYWORD_GEN.matcher(name);
        long gen = a.matches() ? Long.parseLong(a.group(1)) : b.matches() ? Long.parseLong(b.group(1)) : -1;
        boolean stale = gen >= 0 ? (gen != keep && (all || gen < keep))
            : TEMP.matcher(name).matches() || (name.equals(INDEX_FILE) && keep > 0);
        if (stale) {
          deleteRecursively(p);
        }
      }
    } catch (IOException e) {
      // best effort: leftovers are harmless and go next time
    }
  }

  private static void deleteRecursively(Path p) {
    try (Stream<Path> walk = Files.walk(p)) {
      walk.sorted(Comparator.reverseOrder()).forEach(f -> {
        try {
          Files.deleteIfExists(f);
        } catch (IOException ignored) {
          // best effort
        }
      });
    } catch (IOException ignored) {
      // best effort
    }
  }

  private static Properties readManifest(Path manifestFile) throws IOException {
    Properties m = new Properties();
    try (Reader r = Files.newBufferedReader(manifestFile, StandardCharsets.UTF_8)) {
      m.load(r);
    } catch (CharacterCodingException e) {
      throw new IndexFormatException(manifestFile + " is not a UTF-8 properties file (" + e + ")", e);
    } catch (IllegalArgumentException e) {
      throw new IndexFormatException("malformed " + manifestFile + ": " + e.getMessage(), e);
    }
    return m;
  }

  /** Closes the indexes if this retriever opened them; otherwise only marks this retriever closed. Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      if (ownsIndexes) {
        try {
          index.close();
        } finally {
          if (keyword != null) {
            keyword.close();
          }
        }
      }
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("retriever is closed");
    }
  }

  private static int checkCandidates(int candidates) {
    if (candidates < 1 || candidates > RetrieveOptions.MAX_DEPTH) {
      throw new IllegalArgumentException("candidates must be in [1, " + RetrieveOptions.MAX_DEPTH + "], got "
          + candidates);
    }
    return candidates;
  }

  private static int checkChunkSize(int chunkSize) {
    if (chunkSize < 1 || chunkSize > 1_000_000) {
      throw new IllegalArgumentException("chunkSize must be in [1, 1000000], got " + chunkSize);
    }
    return chunkSize;
  }

  /** Builds a {@link Retriever}. Setters validate at once. Single use; not thread-safe. */
  public static final class Builder {
    private DualEncoder encoders;
    private VectorIndex index;
    private KeywordIndex keyword;
    private Reranker reranker;
    private int candidates = 100;
    private double rerankWeight = 1.0;
    private Fusion fusion = DEFAULT_FUSION;
    private RetrievalMode mode;
    private int chunkSize = DEFAULT_CHUNK_SIZE;
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

    /** The vector index (required); its dimension and similarity must match the encoders'. */
    public Builder index(VectorIndex index) {
      if (index == null) {
        throw new IllegalArgumentException("index is null");
      }
      this.index = index;
      return this;
    }

    /**
     * A keyword index kept in step with the vector index, enabling {@link RetrievalMode#KEYWORD} and
     * {@link RetrievalMode#HYBRID} (then the default mode); null (the default) for dense retrieval only. Both
     * indexes must start with the same documents (normally both empty).
     */
    public Builder keywordIndex(KeywordIndex keyword) {
      this.keyword = keyword;
      return this;
    }

    /** A second-stage reranker; null (the default) for one-stage retrieval. */
    public Builder reranker(Reranker reranker) {
      this.reranker = reranker;
      return this;
    }

    /**
     * Weight of the reranker in the final score, in [0, 1]; default 1 (pure rerank). Below 1 the result is
     * ordered by {@code w · minmax(rerank) + (1 − w) · minmax(first stage)} over the reranked candidates
     * ({@link RerankBlend}); tune it on a dev split: docs/training.md reports which setting is best.
     */
    public Builder rerankWeight(double weight) {
      RerankBlend.checkWeight(weight);
      this.rerankWeight = weight;
      return this;
    }

    /**
     * First-stage candidates handed to the reranker per query, in [1, 10,000]; default 100. Also the default
     * depth of each side for fusion and MMR. More candidates find more relevant documents for the reranker and
     * cost proportionally more rerank time.
     */
    public Builder candidates(int candidates) {
      this.candidates = checkCandidates(candidates);
      return this;
    }

    /** How hybrid mode fuses the two lists; default {@link Retriever#DEFAULT_FUSION} (linear, alpha 0.7). */
    public Builder fusion(Fusion fusion) {
      if (fusion == null) {
        throw new IllegalArgumentException("fusion is null");
      }
      this.fusion = fusion;
      return this;
    }

    /** The default mode; default HYBRID when there is a keyword index, else DENSE. */
    public Builder mode(RetrievalMode mode) {
      if (mode == null) {
        throw new IllegalArgumentException("mode is null");
      }
      this.mode = mode;
      return this;
    }

    /**
     * Documents encoded and indexed per chunk of a bulk {@link Retriever#add}, in [1, 1,000,000]; default
     * {@value Retriever#DEFAULT_CHUNK_SIZE}. Bounds the vectors held at once and sets the progress granularity.
     */
    public Builder chunkSize(int chunkSize) {
      this.chunkSize = checkChunkSize(chunkSize);
      return this;
    }

    /**
     * @throws IllegalStateException if encoders or index is missing, or the builder was used
     * @throws IllegalArgumentException if the encoders' and index's dimension or similarity differ, the two
     *     indexes hold different numbers of documents, or the mode needs a keyword index that is missing
     */
    public Retriever build() {
      if (built) {
        throw new IllegalStateException("builder already used");
      }
      if (encoders == null || index == null) {
        throw new IllegalStateException((encoders == null ? "encoders" : "index") + " is required");
      }
      if (keyword != null && keyword.size() != index.size()) {
        throw new IllegalArgumentException("the vector index holds " + index.size() + " documents but the keyword"
            + " index " + keyword.size() + "; start both from the same documents (normally empty)");
      }
      built = true;
      return new Retriever(encoders, index, keyword, reranker, candidates, rerankWeight, fusion, mode, chunkSize,
          false);
    }
  }

  /**
   * Opens a saved retriever: checks the manifest, that the encoders are the ones it was built with, and that
   * both indexes hold the documents the manifest counts. Single use; not thread-safe.
   */
  public static final class Opener {
    private final Path dir;
    private DualEncoder encoders;
    private IndexOpener vectorOpener;
    private KeywordOpener keywordOpener;
    private Reranker reranker;
    private int candidates = 100;
    private double rerankWeight = 1.0;
    private Fusion fusion;
    private RetrievalMode mode;
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private boolean used;

    private Opener(Path dir) {
      this.dir = dir;
    }

    /** The encoders (required); their model ids and dimension must equal the saved ones. */
    public Opener encoders(DualEncoder encoders) {
      if (encoders == null) {
        throw new IllegalArgumentException("encoders is null");
      }
      this.encoders = encoders;
      return this;
    }

    /** Reads the vector index file (required), e.g. {@code VectorIndexes::open}. */
    public Opener vectorIndex(IndexOpener opener) {
      if (opener == null) {
        throw new IllegalArgumentException("vector index opener is null");
      }
      this.vectorOpener = opener;
      return this;
    }

    /**
     * Reads the keyword index folder, e.g. {@code LuceneKeywordIndex::open}; required when one was saved, unused
     * when none was (the retriever is then dense-only: see {@link Retriever#keywordIndex()}).
     */
    public Opener keywordIndex(KeywordOpener opener) {
      if (opener == null) {
        throw new IllegalArgumentException("keyword index opener is null");
      }
      this.keywordOpener = opener;
      return this;
    }

    /** A reranker, or null for one-stage retrieval. */
    public Opener reranker(Reranker reranker) {
      this.reranker = reranker;
      return this;
    }

    /**
     * Weight of the reranker in the final score, in [0, 1]; default 1 (pure rerank). Below 1 the result is
     * ordered by {@code w · minmax(rerank) + (1 − w) · minmax(first stage)} over the reranked candidates
     * ({@link RerankBlend}); tune it on a dev split: docs/training.md reports which setting is best.
     */
    public Opener rerankWeight(double weight) {
      RerankBlend.checkWeight(weight);
      this.rerankWeight = weight;
      return this;
    }

    /** As {@link Builder#candidates}. */
    public Opener candidates(int candidates) {
      this.candidates = checkCandidates(candidates);
      return this;
    }

    /** The default fusion; default the saved one. */
    public Opener fusion(Fusion fusion) {
      if (fusion == null) {
        throw new IllegalArgumentException("fusion is null");
      }
      this.fusion = fusion;
      return this;
    }

    /** The default mode; default the saved one. */
    public Opener mode(RetrievalMode mode) {
      if (mode == null) {
        throw new IllegalArgumentException("mode is null");
      }
      this.mode = mode;
      return this;
    }

    /** As {@link Builder#chunkSize}. */
    public Opener chunkSize(int chunkSize) {
      this.chunkSize = checkChunkSize(chunkSize);
      return this;
    }

    /**
     * @throws IllegalStateException if encoders or the vector index opener is missing, or this was used
     * @throws IllegalArgumentException if the encoders differ from the saved ones (the message names both), or
     *     a keyword index was saved and no keyword opener is set
     * @throws IndexFormatException if the manifest is missing, malformed or of an unknown version, names a
     *     missing file, or the indexes hold other document counts than it records
     * @throws IOException if reading fails
     */
    public Retriever open() throws IOException {
      if (used) {
        throw new IllegalStateException("opener already used");
      }
      if (encoders == null || vectorOpener == null) {
        throw new IllegalStateException((encoders == null ? "encoders" : "vectorIndex(opener)") + " is required");
      }
      used = true;
      Path manifestFile = dir.resolve(MANIFEST);
      if (!Files.isRegularFile(manifestFile)) {
        throw new IndexFormatException("no " + MANIFEST + " in " + dir + ": not a saved retriever");
      }
      Properties m = readManifest(manifestFile);
      String version = m.getProperty("version");
      if (!"1".equals(version) && !"2".equals(version)) {
        throw new IndexFormatException(manifestFile + " has version " + version + "; this Winnow reads versions 1"
            + " and 2");
      }
      expect(m, "dimension", String.valueOf(encoders.dimension()), manifestFile);
      expect(m, "query.encoder", encoders.queries().modelId(), manifestFile);
      expect(m, "passage.encoder", encoders.passages().modelId(), manifestFile);
      long gen = 0;
      String indexFile = INDEX_FILE;
      String keywordDir = null;
      if ("2".equals(version)) {
        gen = number(m, "generation", manifestFile);
        indexFile = named(m, "index.file", INDEX_GEN, manifestFile);
        keywordDir = m.getProperty("keyword.dir") == null ? null : named(m, "keyword.dir", KEYWORD_GEN, manifestFile);
        if (!indexFile.equals("index-" + gen + ".winnow")
            || (keywordDir != null && !keywordDir.equals("keyword-" + gen))) {
          throw new IndexFormatException(manifestFile + " is generation " + gen + " but names " + indexFile
              + (keywordDir == null ? "" : " and " + keywordDir));
        }
      }
      if (keywordDir != null && keywordOpener == null) {
        throw new IllegalArgumentException("the retriever saved in " + dir + " has a keyword index (" + keywordDir
            + "); pass keywordIndex(opener), e.g. LuceneKeywordIndex::open, to keep both indexes in step");
      }
      Path indexPath = dir.resolve(indexFile);
      if (!Files.isRegularFile(indexPath)) {
        throw new IndexFormatException(manifestFile + " names index file " + indexFile + ", which is missing from "
            + dir);
      }
      cleanUp(dir, gen, false);
      VectorIndex index = null;
      KeywordIndex keyword = null;
      try {
        try {
          index = vectorOpener.open(indexPath);
        } catch (NoSuchFileException e) {
          throw new IndexFormatException("index file " + indexPath + " named by " + manifestFile + " is missing", e);
        }
        String documents = m.getProperty("documents");
        if (documents != null && !documents.equals(String.valueOf(index.size()))) {
          throw new IndexFormatException(manifestFile + " records " + documents + " documents but " + indexPath
              + " holds " + index.size());
        }
        if (keywordDir != null) {
          Path kwPath = dir.resolve(keywordDir);
          if (!Files.isDirectory(kwPath)) {
            throw new IndexFormatException(manifestFile + " names keyword index " + keywordDir + ", which is missing"
                + " from " + dir);
          }
          keyword = keywordOpener.open(kwPath);
          String kwDocs = m.getProperty("keyword.documents");
          if (keyword.size() != index.size() || (kwDocs != null && !kwDocs.equals(String.valueOf(keyword.size())))) {
            throw new IndexFormatException("the saved indexes in " + dir + " disagree: the vector index " + indexFile
                + " holds " + index.size() + " documents, the keyword index " + keywordDir + " holds "
                + keyword.size() + " (the manifest records " + documents + " and " + kwDocs + ")");
          }
        }
        Fusion f = fusion;
        if (f == null) {
          try {
            f = m.getProperty("fusion") == null ? DEFAULT_FUSION : Fusion.parse(m.getProperty("fusion"));
          } catch (IllegalArgumentException e) {
            throw new IndexFormatException(manifestFile + ": bad fusion: " + e.getMessage(), e);
          }
        }
        RetrievalMode md = mode;
        if (md == null && m.getProperty("mode") != null) {
          try {
            md = RetrievalMode.parse(m.getProperty("mode"));
          } catch (IllegalArgumentException e) {
            throw new IndexFormatException(manifestFile + ": bad mode: " + e.getMessage(), e);
          }
          if (md != RetrievalMode.DENSE && keyword == null) {
            throw new IndexFormatException(manifestFile + " records mode " + md + " but no keyword index");
          }
        }
        return new Retriever(encoders, index, keyword, reranker, candidates, rerankWeight, f, md, chunkSize, true);
      } catch (IOException | RuntimeException e) {
        if (index != null) {
          index.close();
        }
        if (keyword != null) {
          keyword.close();
        }
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

    private static long number(Properties m, String key, Path file) {
      String v = m.getProperty(key);
      if (v == null || !v.matches("\\d{1,18}")) {
        throw new IndexFormatException(file + ": '" + key + "' must be a non-negative number, got " + v);
      }
      return Long.parseLong(v);
    }

    private static String named(Properties m, String key, Pattern pattern, Path file) {
      String v = m.getProperty(key);
      if (v == null || !pattern.matcher(v).matches()) {
        throw new IndexFormatException(file + ": '" + key + "' must match " + pattern + ", got " + v);
      }
      return v;
    }
  }
}
