package dev.winnow.index;

import dev.winnow.Document;
import dev.winnow.Filter;
import dev.winnow.Hit;
import dev.winnow.IndexFormatException;
import dev.winnow.SearchOptions;
import dev.winnow.Similarity;
import dev.winnow.VectorIndex;
import dev.winnow.WinnowException;
import dev.winnow.index.internal.Checks;
import dev.winnow.index.internal.IndexFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;

/**
 * One index over S shards: each document lives in the shard {@link ShardManifest#shardOf} names for its id,
 * searches query every shard in parallel and merge their top {@code k}. Opens the folders that winnow-spark's
 * sharded build writes (and that {@link #save} writes), so an application searches a corpus built on a cluster
 * with any {@code Retriever}, unchanged.
 *
 * <pre>{@code
 * try (ShardedVectorIndex index = ShardedVectorIndex.open(Path.of("/data/passages.shards"))) {
 *   List<Hit> top = index.search(queryVector, 10, SearchOptions.DEFAULTS.withFilter(Filter.eq("lang", "en")));
 *   index.upsert(new Document("p42", "new text"), vector);   // routed to the owning shard
 * }
 * }</pre>
 *
 * <p><b>Results.</b> Every shard returns its own top {@code k} (filters applied inside each shard); the merge
 * keeps the best {@code k} of their union, ordered like {@link Hit} (score, then id). The true top {@code k} is
 * always inside that union, so over exact ({@link FlatVectorIndex}) shards the result equals one exact index over
 * the same vectors, ids and scores; over HNSW shards each shard's recall applies (a shard searches fewer nodes
 * than one big graph, so recall at the same {@code ef} is the same or higher). A filter may name a field that
 * some shard lacks as long as one shard has it; it is rejected, as by every index, when no shard does.
 *
 * <p><b>Threads and cost.</b> Thread-safe. A search costs one shard search per shard, run on a pool of
 * {@code min(S, cores) - 1} threads owned by this index plus the calling thread, then an
 * O(S·k log(S·k)) merge. Adds, upserts and deletes touch only the owning shard; {@link #save} blocks them (not
 * searches) so the saved shards are one consistent state.
 *
 * <p><b>Ownership.</b> {@link #open} and {@link #of} take the shards: {@link #close} closes them and the pool.
 *
 * <p><b>Folder layout</b> ({@code docs/index-format.md}, "Shard manifest"): shard files
 * {@code g<generation>-shard-<i>.winnow} in Winnow's index format, and {@code shards.manifest}, the commit point,
 * written last. {@link #open} reads only what the manifest names; a folder without one is refused.
 */
public final class ShardedVectorIndex implements VectorIndex {
  private static final Pattern SHARD_FILE = Pattern.compile("g(\\d+)-shard-\\d{5}\\.winnow");
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final List<VectorIndex> shards;
  private final int dimension;
  private final Similarity similarity;
  private final String encoder;
  private final ExecutorService pool;
  /** add/upsert/delete hold it shared (shards are thread-safe), save exclusively: a save sees one state. */
  private final ReentrantReadWriteLock writeGate = new ReentrantReadWriteLock();
  private volatile boolean closed;

  private ShardedVectorIndex(List<VectorIndex> shards, String encoder) {
    this.shards = List.copyOf(shards);
    this.dimension = shards.get(0).dimension();
    this.similarity = shards.get(0).similarity();
    this.encoder = encoder;
    int threads = Math.min(shards.size(), Runtime.getRuntime().availableProcessors()) - 1;
    if (threads > 0) {
      int id = POOLS.incrementAndGet();
      AtomicInteger n = new AtomicInteger();
      this.pool = Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(r, "winnow-shard-search-" + id + "-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    } else {
      this.pool = null;
    }
  }

  /**
   * A sharded index over the given shards, which it takes (closes). Shard {@code i} must hold exactly the ids
   * with {@code ShardManifest.shardOf(id, shards.size()) == i} (empty shards always qualify); this is not
   * re-checked, since an index cannot list its ids.
   *
   * @param shards 1..{@link ShardManifest#MAX_SHARDS} {@link FlatVectorIndex} or {@link HnswVectorIndex} shards of
   *     one dimension and similarity
   * @param encoder the encoder identity recorded on {@link #save}, empty when unknown
   * @throws IllegalArgumentException if a rule above is broken (nothing is closed then)
   */
  public static ShardedVectorIndex of(List<? extends VectorIndex> shards, String encoder) {
    if (shards == null || shards.isEmpty() || shards.size() > ShardManifest.MAX_SHARDS) {
      throw new IllegalArgumentException("shards must hold 1.." + ShardManifest.MAX_SHARDS + " indexes, got "
          + (shards == null ? "null" : shards.size()));
    }
    if (encoder == null || encoder.contains("\n")) {
      throw new IllegalArgumentException("encoder must be a single line (empty when unknown), got " + encoder);
    }
    VectorIndex first = shards.get(0);
    for (int i = 0; i < shards.size(); i++) {
      VectorIndex s = shards.get(i);
      if (!(s instanceof FlatVectorIndex || s instanceof HnswVectorIndex)) {
        throw new IllegalArgumentException("shards[" + i + "] must be a FlatVectorIndex or HnswVectorIndex, got "
            + (s == null ? "null" : s.getClass().getName()));
      }
      if (s.dimension() != first.dimension() || s.similarity() != first.similarity()) {
        throw new IllegalArgumentException("shards[" + i + "] is " + s.dimension() + "-d " + s.similarity()
            + ", shards[0] is " + first.dimension() + "-d " + first.similarity());
      }
    }
    return new ShardedVectorIndex(new ArrayList<>(shards), encoder);
  }

  /**
   * Opens the shard folder at {@code folder} (written by {@link #save} or winnow-spark's sharded build): reads
   * {@code shards.manifest}, checks every named shard's length, opens it ({@link VectorIndexes#open}) and checks
   * its document count. The caller owns (closes) the result.
   *
   * @throws IndexFormatException if the manifest is absent (an unfinished build), damaged, or disagrees with a
   *     shard file, or a shard file is damaged
   * @throws IOException if the folder cannot be read
   */
  public static ShardedVectorIndex open(Path folder) throws IOException {
    if (folder == null) {
      throw new IllegalArgumentException("folder is null");
    }
    // a save in another process may replace the generation between reading the manifest and opening its
    // shards: read again when the manifest changed meanwhile
    for (int attempt = 0; ; attempt++) {
      ShardManifest m = readManifest(folder);
      try {
        return open(folder, m);
      } catch (NoSuchFileException e) {
        ShardManifest now = readManifest(folder);
        if (attempt >= 3 || now.generation() == m.generation()) {
          throw new IndexFormatException(folder + ": shard file " + e.getFile() + " named by the manifest is missing", e);
        }
      }
    }
  }

  /**
   * The manifest of the shard folder at {@code folder}.
   *
   * @throws IndexFormatException if there is none (an unfinished build) or it is damaged
   */
  public static ShardManifest readManifest(Path folder) throws IOException {
    Path file = folder.resolve(ShardManifest.FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw new IndexFormatException(folder + " is not a finished shard folder: " + ShardManifest.FILE_NAME
          + " is absent" + (Files.isDirectory(folder) ? " (a build that did not finish?)" : " (no such folder)"));
    }
    if (Files.size(file) > (64 << 20)) {
      throw new IndexFormatException(file + ": not a shard manifest (over 64 MiB)");
    }
    return ShardManifest.parse(Files.readAllBytes(file), file.toString());
  }

  private static ShardedVectorIndex open(Path folder, ShardManifest m) throws IOException {
    List<VectorIndex> opened = new ArrayList<>();
    boolean done = false;
    try {
      for (int i = 0; i < m.shards().size(); i++) {
        ShardManifest.Shard s = m.shards().get(i);
        Path file = folder.resolve(s.file());
        long bytes = Files.size(file);
        if (bytes != s.bytes()) {
          throw new IndexFormatException(file + " has " + bytes + " bytes, the manifest says " + s.bytes());
        }
        VectorIndex index = VectorIndexes.open(file);
        opened.add(index);
        if (index.size() != s.documents() || index.dimension() != m.dimension()
            || index.similarity() != m.similarity()) {
          throw new IndexFormatException(file + " holds " + index.size() + " " + index.dimension() + "-d "
              + index.similarity() + " documents, the manifest says " + s.documents() + " " + m.dimension() + "-d "
              + m.similarity());
        }
      }
      ShardedVectorIndex out = new ShardedVectorIndex(opened, m.encoder());
      done = true;
      return out;
    } finally {
      if (!done) {
        opened.forEach(VectorIndex::close);
      }
    }
  }

  /** Number of shards. */
  public int shardCount() {
    return shards.size();
  }

  /** The encoder identity the shards were built with (from the manifest), empty when unknown. */
  public String encoder() {
    return encoder;
  }

  /** The shard that owns {@code id}. */
  public int shardOf(String id) {
    return ShardManifest.shardOf(id, shards.size());
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public Similarity similarity() {
    return similarity;
  }

  @Override
  public void add(Document document, float[] vector) {
    Checks.document(document);
    write(() -> {
      owner(document.id()).add(document, vector);
      return null;
    });
  }

  /** All rows are validated (over all shards) before any shard adds its part. */
  @Override
  public void addAll(List<Document> documents, float[][] vectors) {
    writeGate.readLock().lock();
    try {
      open();
      Checks.batch(documents, vectors, dimension, similarity, this::contains);
      List<List<Document>> docs = new ArrayList<>();
      List<List<float[]>> vecs = new ArrayList<>();
      for (int i = 0; i < shards.size(); i++) {
        docs.add(new ArrayList<>());
        vecs.add(new ArrayList<>());
      }
      for (int i = 0; i < vectors.length; i++) {
        int s = shardOf(documents.get(i).id());
        docs.get(s).add(documents.get(i));
        vecs.get(s).add(vectors[i]);
      }
      for (int s = 0; s < shards.size(); s++) {
        if (!docs.get(s).isEmpty()) {
          shards.get(s).addAll(docs.get(s), vecs.get(s).toArray(new float[0][]));
        }
      }
    } finally {
      writeGate.readLock().unlock();
    }
  }

  @Override
  public boolean upsert(Document document, float[] vector) {
    Checks.document(document);
    return write(() -> owner(document.id()).upsert(document, vector));
  }

  @Override
  public boolean delete(String id) {
    Checks.id(id);
    return write(() -> owner(id).delete(id));
  }

  /** Runs a write under the shared side of the write gate (saves take the exclusive side). */
  private <T> T write(java.util.function.Supplier<T> change) {
    writeGate.readLock().lock();
    try {
      open();
      return change.get();
    } finally {
      writeGate.readLock().unlock();
    }
  }

  @Override
  public Optional<Document> get(String id) {
    Checks.id(id);
    open();
    return owner(id).get(id);
  }

  @Override
  public Optional<float[]> vector(String id) {
    Checks.id(id);
    open();
    return owner(id).vector(id);
  }

  @Override
  public boolean contains(String id) {
    Checks.id(id);
    open();
    return owner(id).contains(id);
  }

  @Override
  public int size() {
    open();
    long n = 0;
    for (VectorIndex s : shards) {
      n += s.size();
    }
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  @Override
  public List<Hit> search(float[] query, int k, SearchOptions options) {
    // 1. validate once, here (fields over all shards)   2. each shard's top k, shard 0 on the calling thread
    // 3. merge: sort the union by (score, id), keep k
    open();
    Checks.search(query, dimension, k, options, null);
    Filter filter = options.filter();
    if (filter != null) {
      for (String field : filter.fields()) {
        if (shards.stream().noneMatch(s -> knowsField(s, field))) {
          throw new IllegalArgumentException("filter field '" + field + "' is unknown: no document in any shard has it"
              + " (known fields are those of added documents)");
        }
      }
    }
    float[] q = query.clone();
    if (pool == null) {
      List<Hit> all = new ArrayList<>();
      for (VectorIndex s : shards) {
        all.addAll(searchShard(s, q, k, options));
      }
      return merge(all, k);
    }
    List<Future<List<Hit>>> futures = new ArrayList<>(shards.size() - 1);
    for (int i = 1; i < shards.size(); i++) {
      VectorIndex s = shards.get(i);
      futures.add(pool.submit(() -> searchShard(s, q, k, options)));
    }
    List<Hit> all = new ArrayList<>(searchShard(shards.get(0), q, k, options));
    try {
      for (Future<List<Hit>> f : futures) {
        all.addAll(f.get());
      }
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new WinnowException("interrupted while searching the shards");
    } catch (ExecutionException e) {
      futures.forEach(f -> f.cancel(true));
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new WinnowException("shard search failed: " + e.getCause(), e.getCause());
    }
    return merge(all, k);
  }

  private static List<Hit> merge(List<Hit> all, int k) {
    Collections.sort(all);
    return all.size() <= k ? all : new ArrayList<>(all.subList(0, k));
  }

  private static boolean knowsField(VectorIndex shard, String field) {
    return shard instanceof FlatVectorIndex f ? f.knowsField(field) : ((HnswVectorIndex) shard).knowsField(field);
  }

  private static List<Hit> searchShard(VectorIndex shard, float[] q, int k, SearchOptions o) {
    return shard instanceof FlatVectorIndex f ? f.search(q, k, o, false) : ((HnswVectorIndex) shard).search(q, k, o, false);
  }

  /**
   * Saves into the folder {@code path} (created if needed): every shard as {@code g<n>-shard-<i>.winnow} of a
   * new generation {@code n}, then the manifest (atomically replaced: the commit point), then the files of older
   * generations are deleted. A crash leaves the previous generation readable. Writers wait for the save;
   * searches go on.
   */
  @Override
  public void save(Path path) throws IOException {
    if (path == null) {
      throw new IllegalArgumentException("path is null");
    }
    writeGate.writeLock().lock();
    try {
      open();
      Files.createDirectories(path);
      long generation = nextGeneration(path);
      List<ShardManifest.Shard> entries = new ArrayList<>();
      for (int i = 0; i < shards.size(); i++) {
        String name = ShardManifest.shardFileName(generation, i);
        Path file = path.resolve(name);
        shards.get(i).save(file);
        entries.add(new ShardManifest.Shard(name, shards.get(i).size(), Files.size(file)));
      }
      byte[] manifest = new ShardManifest(generation, dimension, similarity, encoder, entries).toBytes();
      IndexFile.atomicWrite(path.resolve(ShardManifest.FILE_NAME), ch -> {
        ByteBuffer b = ByteBuffer.wrap(manifest);
        while (b.hasRemaining()) {
          ch.write(b);
        }
      });
      Set<String> keep = new HashSet<>();
      entries.forEach(e -> keep.add(e.file()));
      try (DirectoryStream<Path> files = Files.newDirectoryStream(path)) {
        for (Path f : files) {
          String n = f.getFileName().toString();
          if (SHARD_FILE.matcher(n).matches() && !keep.contains(n)) {
            Files.deleteIfExists(f);
          }
        }
      }
    } finally {
      writeGate.writeLock().unlock();
    }
  }

  private static long nextGeneration(Path folder) throws IOException {
    long max = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
      for (Path f : files) {
        var m = SHARD_FILE.matcher(f.getFileName().toString());
        if (m.matches()) {
          max = Math.max(max, Long.parseLong(m.group(1)));
        }
      }
    }
    if (Files.isRegularFile(folder.resolve(ShardManifest.FILE_NAME))) {
      try {
        max = Math.max(max, readManifest(folder).generation());
      } catch (IndexFormatException damaged) {
        // a damaged manifest is replaced by this save; the shard files already bound the generation
      }
    }
    return max + 1;
  }

  @Override
  public void close() {
    writeGate.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      if (pool != null) {
        pool.shutdownNow();
      }
      shards.forEach(VectorIndex::close);
    } finally {
      writeGate.writeLock().unlock();
    }
  }

  private VectorIndex owner(String id) {
    return shards.get(ShardManifest.shardOf(id, shards.size()));
  }

  private void open() {
    Checks.open(closed, "ShardedVectorIndex");
  }

  @Override
  public String toString() {
    return "ShardedVectorIndex[" + shards.size() + " shards, " + dimension + "-d " + similarity + "]";
  }
}
