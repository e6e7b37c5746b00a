package dev.winnow.spark;

import dev.winnow.Document;
import dev.winnow.Similarity;
import dev.winnow.VectorIndex;
import dev.winnow.index.FlatVectorIndex;
import dev.winnow.index.HnswVectorIndex;
import dev.winnow.index.ShardManifest;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.JobExecutionStatus;
import org.apache.spark.Partitioner;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Builds one Winnow index per shard on the executors and writes the shard set to a folder through Hadoop's
 * {@code FileSystem} (local folders, HDFS, S3-compatible stores by URI); {@code ShardedVectorIndex.open} searches
 * it as one index.
 *
 * <pre>{@code
 * SparkEncoding.Identity model = encoding.identity(spark);
 * ShardManifest manifest = ShardedIndexBuild.builder("hdfs:///indexes/passages-2026-12", 8, model.dimension())
 *     .hnsw(16, 200)                            // or .flat(); same settings as HnswVectorIndex.builder
 *     .encoder(model.modelId()).metadataColumns("lang", "year")
 *     .build().write(encoding.encode(passages));
 * }</pre>
 *
 * <p><b>Steps.</b> 1. Each row goes to shard {@code ShardManifest.shardOf(id, S)} (a stable hash; one shuffle
 * into exactly S partitions). 2. Each shard task builds a {@link FlatVectorIndex} or {@link HnswVectorIndex},
 * saves it in Winnow's index format to a local temporary file and copies it to
 * {@code <target>/_temporary/<job>/shard-<i>.attempt-<n>}. 3. When all S tasks have succeeded, the driver
 * renames the one committed attempt of each shard to {@code g1-shard-<i>.winnow}, then writes
 * {@code shards.manifest} (to a temporary name, then renamed: the commit point), then deletes {@code _temporary}.
 *
 * <p><b>Faults.</b> A failed or retried task (Spark's {@code spark.task.maxFailures}) or a speculative duplicate
 * leaves only attempt files under {@code _temporary}; exactly one attempt per shard is committed, so the set has
 * every document once. A job killed before step 3 leaves no manifest, and {@code ShardedVectorIndex.open}
 * refuses a folder without one; the next build into that folder clears {@code _temporary} first.
 *
 * <p><b>Rules.</b> The target must not already hold a shard set (write each build to a new folder). Ids must be
 * unique over the whole dataset: a duplicate id, wherever its rows were, lands in one shard and fails that
 * task with the id named ({@link #write} then throws); deduplicate first, e.g. {@code dropDuplicates("id")} or a
 * window keeping the newest row: "last wins" is not well defined across Spark partitions, so Winnow does not guess.
 * Null or blank texts, null vectors, vectors of another dimension and non-finite components fail likewise.
 *
 * <p>Immutable and serializable; {@link #write} is a blocking Spark action. Built by {@link #builder}.
 */
public final class ShardedIndexBuild implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Folder of in-flight attempt files inside the target. */
  public static final String TEMPORARY = "_temporary";

  private final String target;
  private final int shards;
  private final int dimension;
  private final Similarity similarity;
  private final boolean hnsw;
  private final int m;
  private final int efConstruction;
  private final int defaultEf;
  private final long seed;
  private final String encoder;
  private final String idColumn;
  private final String textColumn;
  private final String vectorColumn;
  private final List<String> metadataColumns;

  private ShardedIndexBuild(Builder b) {
    this.target = b.target;
    this.shards = b.shards;
    this.dimension = b.dimension;
    this.similarity = b.similarity;
    this.hnsw = b.hnsw;
    this.m = b.m;
    this.efConstruction = b.efConstruction;
    this.defaultEf = b.defaultEf;
    this.seed = b.seed;
    this.encoder = b.encoder;
    this.idColumn = b.idColumn;
    this.textColumn = b.textColumn;
    this.vectorColumn = b.vectorColumn;
    this.metadataColumns = List.copyOf(b.metadataColumns);
  }

  /**
   * A build of {@code shards} shards of {@code dimension}-d vectors into the folder {@code target}.
   *
   * @param target a folder path or Hadoop URI ({@code file:///}, {@code hdfs://}, {@code s3a://}); created if absent
   * @param shards in [1, {@link ShardManifest#MAX_SHARDS}]
   * @param dimension vector length, in [1, 65536] (see {@code SparkEncoding.identity})
   */
  public static Builder builder(String target, int shards, int dimension) {
    return new Builder(target, shards, dimension);
  }

  /**
   * Runs the build over {@code encoded} (id, text, vector and the metadata columns) and returns the manifest it
   * committed.
   *
   * @throws IllegalArgumentException for a missing or mistyped column, or a target that already holds a shard set
   * <p>If a task fails for good (a bad row, a duplicate id) Spark's {@code SparkException} propagates (undeclared,
   *     as from any action) with the row named in its message; nothing is committed then, and the call returns
   *     only once every task of the build has ended (sibling tasks are killed; one that ignores the kill is
   *     waited for, up to 60 s), so no attempt file lands in the target afterwards.
   * @throws UncheckedIOException if the target cannot be written
   */
  public ShardManifest write(Dataset<Row> encoded) {
    if (encoded == null) {
      throw new IllegalArgumentException("encoded is null");
    }
    int[] columns = columns(encoded.schema());
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(encoded.sparkSession().sparkContext());
    Configuration conf = sc.hadoopConfiguration();
    Path root = new Path(target);
    String job = UUID.randomUUID().toString();
    try {
      FileSystem fs = root.getFileSystem(conf);
      fs.setWriteChecksum(false);   // no .crc side files (LocalFileSystem); Winnow's files carry their own checksums
      if (fs.exists(new Path(root, ShardManifest.FILE_NAME))) {
        throw new IllegalArgumentException("target " + target + " already holds a shard set (" + ShardManifest.FILE_NAME
            + "); write each build to a new folder");
      }
      fs.delete(new Path(root, TEMPORARY), true);   // attempts of a killed build
      fs.mkdirs(new Path(new Path(root, TEMPORARY), job));
      Broadcast<HashMap<String, String>> hadoop = sc.broadcast(confMap(conf));

      JavaRDD<Row> rows = encoded.toJavaRDD();
      int n = shards;
      String idName = idColumn;
      int idCol = columns[0];
      List<ShardResult> results;
      sc.setJobGroup(job, "winnow sharded build into " + target, true);
      JavaFutureAction<List<ShardResult>> action = null;
      try {
        action = rows
            .mapToPair(r -> new Tuple2<>(shardOfRow(r, idCol, idName, n), ShardRow.of(r, columns, metadataColumns)))
            .partitionBy(new ShardPartitioner(n))
            .mapPartitionsWithIndex((shard, it) -> List.of(buildShard(shard, it, job, hadoop.value())).iterator(), true)
            .collectAsync();
        results = await(action);
      } catch (RuntimeException e) {
        // a failed job can leave sibling tasks running, still writing attempts: stop them before reporting, so
        // that nothing writes into the target after this call returns
        if (action != null) {
          action.cancel(true);
          quiesce(sc, action.jobIds());
        }
        throw e;
      } finally {
        sc.clearJobGroup();
      }
      ShardManifest manifest = commit(fs, root, job, results);
      hadoop.destroy();
      return manifest;
    } catch (IOException e) {
      throw new UncheckedIOException("sharded build into " + target + " failed: " + e.getMessage(), e);
    }
  }

  /** The action's result; its failure as thrown by a plain {@code collect()} (Spark's exception, unwrapped). */
  private static <T> T await(JavaFutureAction<T> action) {
    try {
      return action.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("sharded build failed: " + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the sharded build ran; its jobs were cancelled", e);
    }
  }

  /**
   * Waits (up to 60 s) until every task of {@code jobs} has ended. Spark's status tracker is fed by an asynchronous
   * listener bus, so a job that failed within milliseconds may not be visible yet: a job counts as settled only once
   * the tracker shows it ended (its end event is posted after the kills of its running tasks and after their start
   * events), and then only once none of its stages has an active task.
   */
  private static void quiesce(JavaSparkContext sc, List<Integer> jobs) {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      boolean running = false;
      for (int id : jobs) {
        SparkJobInfo info = sc.statusTracker().getJobInfo(id);
        if (info == null || info.status() == JobExecutionStatus.RUNNING) {
          running = true;
          continue;
        }
        for (int stage : info.stageIds()) {
          SparkStageInfo st = sc.statusTracker().getStageInfo(stage);
          running |= st != null && st.numActiveTasks() > 0;
        }
      }
      if (!running) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static int shardOfRow(Row r, int idCol, String idName, int n) {
    if (r.isNullAt(idCol) || r.getString(idCol).isBlank()) {
      throw new IllegalArgumentException("column '" + idName + "' is null or blank in a row; every row needs a non-blank id");
    }
    return ShardManifest.shardOf(r.getString(idCol), n);
  }

  // -------------------------------------------------------------------------------------------- executors

  /** 1. collect the shard's rows, rejecting duplicates   2. build the index   3. save locally, copy as an attempt */
  private ShardResult buildShard(int shard, Iterator<Tuple2<Integer, ShardRow>> it, String job,
      Map<String, String> hadoop) throws IOException {
    List<Document> docs = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    while (it.hasNext()) {
      ShardRow row = it.next()._2();
      if (!seen.add(row.id())) {
        throw new IllegalArgumentException("duplicate id '" + row.id() + "' (shard " + shard + "): ids must be unique over"
            + " the whole dataset; deduplicate first, e.g. dropDuplicates(\"" + idColumn + "\")");
      }
      docs.add(row.document(textColumn));
      vectors.add(row.vector(vectorColumn, dimension));
    }
    java.nio.file.Path local = Files.createTempFile("winnow-shard-" + shard + "-", ".winnow");
    try {
      try (VectorIndex index = newIndex()) {
        index.addAll(docs, vectors.toArray(new float[0][]));
        index.save(local);
      }
      TaskContext task = TaskContext.get();
      if (task != null) {
        task.killTaskIfInterrupted();   // a sibling failed the job while this one built: write nothing
      }
      String attempt = "shard-" + String.format("%05d", shard) + ".attempt-"
          + (task == null ? 0 : task.attemptNumber()) + "-" + (task == null ? 0 : task.taskAttemptId());
      Path dst = new Path(new Path(new Path(target, TEMPORARY), job), attempt);
      Configuration conf = new Configuration();
      hadoop.forEach(conf::set);
      FileSystem fs = dst.getFileSystem(conf);
      fs.setWriteChecksum(false);
      fs.copyFromLocalFile(false, true, new Path(local.toUri()), dst);
      return new ShardResult(shard, attempt, docs.size(), Files.size(local));
    } finally {
      Files.deleteIfExists(local);
    }
  }

  private VectorIndex newIndex() {
    if (!hnsw) {
      return new FlatVectorIndex(dimension, similarity);
    }
    // one build thread: Spark already runs one task per core
    return HnswVectorIndex.builder(dimension, similarity).m(m).efConstruction(efConstruction).defaultEf(defaultEf)
        .seed(seed).buildThreads(1).build();
  }

  // ---------------------------------------------------------------------------------------------- driver

  private ShardManifest commit(FileSystem fs, Path root, String job, List<ShardResult> results) throws IOException {
    ShardResult[] byShard = new ShardResult[shards];
    for (ShardResult r : results) {
      if (r.shard() < 0 || r.shard() >= shards || byShard[r.shard()] != null) {
        throw new IllegalStateException("shard " + r.shard() + " reported twice or out of range; nothing committed");
      }
      byShard[r.shard()] = r;
    }
    List<ShardManifest.Shard> entries = new ArrayList<>();
    Path attempts = new Path(new Path(root, TEMPORARY), job);
    for (int i = 0; i < shards; i++) {
      if (byShard[i] == null) {
        throw new IllegalStateException("shard " + i + " reported no result; nothing committed");
      }
      String name = ShardManifest.shardFileName(1, i);
      Path src = new Path(attempts, byShard[i].attempt());
      Path dst = new Path(root, name);
      fs.delete(dst, false);   // from a driver that died between renames; no manifest names it
      long len = fs.getFileStatus(src).getLen();
      if (len != byShard[i].bytes()) {
        throw new IOException(src + " has " + len + " bytes, its task wrote " + byShard[i].bytes());
      }
      if (!fs.rename(src, dst)) {
        throw new IOException("cannot rename " + src + " to " + dst);
      }
      entries.add(new ShardManifest.Shard(name, byShard[i].documents(), len));
    }
    ShardManifest manifest = new ShardManifest(1, dimension, similarity, encoder, entries);
    Path tmp = new Path(attempts, ShardManifest.FILE_NAME);
    try (OutputStream out = fs.create(tmp, true)) {
      out.write(manifest.toBytes());
    }
    if (!fs.rename(tmp, new Path(root, ShardManifest.FILE_NAME))) {
      throw new IOException("cannot rename " + tmp + " to the manifest in " + root);
    }
    fs.delete(new Path(root, TEMPORARY), true);
    return manifest;
  }

  private int[] columns(StructType schema) {
    int[] out = new int[3 + metadataColumns.size()];
    out[0] = Settings.index(schema, idColumn, "idColumn", DataTypes.StringType);
    out[1] = Settings.index(schema, textColumn, "textColumn", DataTypes.StringType);
    out[2] = Settings.index(schema, vectorColumn, "vectorColumn", null);
    DataType vt = schema.fields()[out[2]].dataType();
    if (!(vt instanceof ArrayType a && a.elementType().equals(DataTypes.FloatType))) {
      throw new IllegalArgumentException("vectorColumn '" + vectorColumn + "' must be array<float>, it is " + vt.simpleString());
    }
    for (int i = 0; i < metadataColumns.size(); i++) {
      String c = metadataColumns.get(i);
      out[3 + i] = Settings.index(schema, c, "metadata column", null);
      DataType t = schema.fields()[out[3 + i]].dataType();
      if (!(t.equals(DataTypes.StringType) || t.equals(DataTypes.BooleanType) || t.equals(DataTypes.IntegerType)
          || t.equals(DataTypes.LongType) || t.equals(DataTypes.FloatType) || t.equals(DataTypes.DoubleType))) {
        throw new IllegalArgumentException("metadata column '" + c + "' must be string, boolean, int, bigint, float or"
            + " double, it is " + t.simpleString());
      }
    }
    return out;
  }

  private static HashMap<String, String> confMap(Configuration conf) {
    HashMap<String, String> out = new HashMap<>();
    for (Map.Entry<String, String> e : conf) {
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  /** What a shard task reports to the driver. */
  record ShardResult(int shard, String attempt, long documents, long bytes) implements Serializable {}

  /** One row on its way to its shard: only the columns the index stores. */
  record ShardRow(String id, String text, float[] vector, LinkedHashMap<String, Object> metadata) implements Serializable {
    static ShardRow of(Row r, int[] columns, List<String> metadataColumns) {
      String id = r.getString(columns[0]);
      String text = r.isNullAt(columns[1]) ? null : r.getString(columns[1]);
      float[] vector = null;
      if (r.get(columns[2]) instanceof float[] raw) {
        vector = raw.clone();   // a Row made by hand with a primitive array (Spark passed it through as is)
      } else if (!r.isNullAt(columns[2])) {
        List<Float> l = r.getList(columns[2]);
        vector = new float[l.size()];
        for (int i = 0; i < vector.length; i++) {
          Float x = l.get(i);
          vector[i] = x == null ? Float.NaN : x;
        }
      }
      LinkedHashMap<String, Object> meta = new LinkedHashMap<>();
      for (int i = 0; i < metadataColumns.size(); i++) {
        if (!r.isNullAt(columns[3 + i])) {
          meta.put(metadataColumns.get(i), r.get(columns[3 + i]));
        }
      }
      return new ShardRow(id, text, vector, meta);
    }

    Document document(String textColumn) {
      if (text == null || text.isBlank()) {
        throw new IllegalArgumentException("row '" + id + "': column '" + textColumn + "' is "
            + (text == null ? "null" : "blank") + "; Winnow does not index empty passages");
      }
      return new Document(id, text, meta());
    }

    private Map<String, Object> meta() {
      return metadata;
    }

    float[] vector(String vectorColumn, int dimension) {
      if (vector == null || vector.length != dimension) {
        throw new IllegalArgumentException("row '" + id + "': column '" + vectorColumn + "' is "
            + (vector == null ? "null" : "of dimension " + vector.length) + ", the build expects " + dimension);
      }
      for (int i = 0; i < vector.length; i++) {
        if (!Float.isFinite(vector[i])) {
          throw new IllegalArgumentException("row '" + id + "': " + vectorColumn + "[" + i + "] is " + vector[i]
              + "; components must be finite");
        }
      }
      return vector;
    }
  }

  /** Partition i = shard i (keys are shard numbers already). */
  static final class ShardPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int shards;

    ShardPartitioner(int shards) {
      this.shards = shards;
    }

    @Override
    public int numPartitions() {
      return shards;
    }

    @Override
    public int getPartition(Object key) {
      return (Integer) key;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ShardPartitioner p && p.shards == shards;
    }

    @Override
    public int hashCode() {
      return shards;
    }
  }

  /** Settings of a {@link ShardedIndexBuild}; setters validate at once and may be called once. Not thread-safe. */
  public static final class Builder {
    private final String target;
    private final int shards;
    private final int dimension;
    private Similarity similarity = Similarity.COSINE;
    private boolean hnsw;
    private int m = 16;
    private int efConstruction = 200;
    private int defaultEf = 100;
    private long seed = 42;
    private String encoder = "";
    private String idColumn = "id";
    private String textColumn = "text";
    private String vectorColumn = "vector";
    private List<String> metadataColumns = List.of();
    private final Settings settings = new Settings();

    private Builder(String target, int shards, int dimension) {
      if (target == null || target.isBlank()) {
        throw new IllegalArgumentException("target must be a non-blank path or URI, got " + target);
      }
      if (shards < 1 || shards > ShardManifest.MAX_SHARDS) {
        throw new IllegalArgumentException("shards must be in [1, " + ShardManifest.MAX_SHARDS + "], got " + shards);
      }
      if (dimension < 1 || dimension > 65_536) {
        throw new IllegalArgumentException("dimension must be in [1, 65536], got " + dimension);
      }
      this.target = target;
      this.shards = shards;
      this.dimension = dimension;
    }

    /** How vectors are compared. Default COSINE. */
    public Builder similarity(Similarity similarity) {
      settings.once("similarity");
      if (similarity == null) {
        throw new IllegalArgumentException("similarity is null");
      }
      this.similarity = similarity;
      return this;
    }

    /** Exact shards ({@link FlatVectorIndex}): the default. */
    public Builder flat() {
      settings.once("kind");
      hnsw = false;
      return this;
    }

    /**
     * HNSW shards ({@link HnswVectorIndex}) with the paper's M and efConstruction, validated as
     * {@code HnswVectorIndex.Builder} validates them; default ef 100 and seed 42 (see {@link #hnswSearch}).
     */
    public Builder hnsw(int m, int efConstruction) {
      settings.once("kind");
      HnswVectorIndex.builder(1, Similarity.COSINE).m(m).efConstruction(efConstruction);   // same checks as locally
      this.hnsw = true;
      this.m = m;
      this.efConstruction = efConstruction;
      return this;
    }

    /** HNSW shards' default search ef and graph seed. */
    public Builder hnswSearch(int defaultEf, long seed) {
      settings.once("hnswSearch");
      HnswVectorIndex.builder(1, Similarity.COSINE).defaultEf(defaultEf);
      this.defaultEf = defaultEf;
      this.seed = seed;
      return this;
    }

    /** The encoder identity recorded in the manifest ({@code SparkEncoding.identity(spark).modelId()}). */
    public Builder encoder(String modelId) {
      settings.once("encoder");
      if (modelId == null || modelId.contains("\n")) {
        throw new IllegalArgumentException("encoder must be a single line, got " + modelId);
      }
      this.encoder = modelId;
      return this;
    }

    /** Id column (string). Default {@code id}. */
    public Builder idColumn(String name) {
      idColumn = settings.column(name, "idColumn");
      return this;
    }

    /** Text column (string), stored as the document's text. Default {@code text}. */
    public Builder textColumn(String name) {
      textColumn = settings.column(name, "textColumn");
      return this;
    }

    /** Vector column ({@code array<float>}). Default {@code vector}. */
    public Builder vectorColumn(String name) {
      vectorColumn = settings.column(name, "vectorColumn");
      return this;
    }

    /** Columns stored as document metadata (string, boolean, int, bigint, float, double; nulls omitted). */
    public Builder metadataColumns(String... names) {
      settings.once("metadataColumns");
      if (names == null) {
        throw new IllegalArgumentException("metadataColumns is null");
      }
      List<String> l = new ArrayList<>();
      for (String n : names) {
        if (n == null || n.isBlank() || l.contains(n)) {
          throw new IllegalArgumentException("metadata column names must be non-blank and distinct, got "
              + Arrays.toString(names));
        }
        l.add(n);
      }
      metadataColumns = l;
      return this;
    }

    /** The build. */
    public ShardedIndexBuild build() {
      return new ShardedIndexBuild(this);
    }
  }
}
