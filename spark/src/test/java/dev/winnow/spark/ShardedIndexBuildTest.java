package dev.winnow.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.Document;
import dev.winnow.Filter;
import dev.winnow.Hit;
import dev.winnow.IndexFormatException;
import dev.winnow.SearchOptions;
import dev.winnow.Similarity;
import dev.winnow.index.FlatVectorIndex;
import dev.winnow.index.ShardManifest;
import dev.winnow.index.ShardedVectorIndex;
import dev.winnow.testing.Seeds;
import dev.winnow.testing.VectorIndexContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sharded build on Spark {@code local[2,2]} (two cores; a failed task is retried once) over synthetic
 * clustered vectors: exactness, fault handling and bad input. No model: the encoder-side checks here fail
 * before any model is loaded. Real vectors: {@code ShardedIndexBuildIT}.
 */
class ShardedIndexBuildTest {
  static final int DIM = 16;
  static final int N = 3000;
  static final StructType SCHEMA = new StructType().add("id", DataTypes.StringType).add("text", DataTypes.StringType)
      .add("vector", DataTypes.createArrayType(DataTypes.FloatType)).add("bucket", DataTypes.IntegerType)
      .add("lang", DataTypes.StringType);

  static SparkSession spark;
  static float[][] vectors;
  static Dataset<Row> data;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = SparkTesting.session("local[2,2]");
    long seed = Seeds.seed("shardedBuild");
    vectors = VectorIndexContract.clustered(new Random(seed), N + 50, DIM);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      rows.add(row(i, "text " + i, vectors[i]));
    }
    data = spark.createDataFrame(rows, SCHEMA).repartition(3);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static Row row(int i, String text, float[] v) {
    return RowFactory.create("doc-" + i, text, v, i % 10, i % 3 == 0 ? "en" : "de");
  }

  static ShardedIndexBuild flat(String target, int shards) {
    return ShardedIndexBuild.builder(target, shards, DIM).flat().encoder("fake@1").metadataColumns("bucket", "lang").build();
  }

  static String uri(Path p, String scheme) {
    return scheme + "://" + p.toAbsolutePath();
  }

  @Test
  void flatShardsAnswerExactlyLikeOneFlatIndexWithFilters() throws IOException {
    Path target = tmp.resolve("flat");
    ShardManifest m = flat(target.toString(), 4).write(data);
    assertEquals(4, m.shards().size());
    assertEquals(N, m.documents());
    assertEquals("fake@1", m.encoder());
    try (ShardedVectorIndex sharded = ShardedVectorIndex.open(target);
        FlatVectorIndex one = new FlatVectorIndex(DIM, Similarity.COSINE)) {
      for (int i = 0; i < N; i++) {
        one.add(new Document("doc-" + i, "text " + i, Map.of("bucket", i % 10, "lang", i % 3 == 0 ? "en" : "de")), vectors[i]);
      }
      assertEquals(N, sharded.size());
      assertEquals("fake@1", sharded.encoder());
      for (int q = N; q < N + 50; q++) {
        SearchOptions o = q % 2 == 0 ? SearchOptions.DEFAULTS
            : SearchOptions.DEFAULTS.withFilter(Filter.and(Filter.eq("lang", "en"), Filter.eq("bucket", 3)));
        List<Hit> expected = one.search(vectors[q], 10, o);
        assertEquals(expected, sharded.search(vectors[q], 10, o), "query " + q);
        assertEquals(10, expected.size());
      }
      assertEquals(one.get("doc-17"), sharded.get("doc-17"));
    }
    assertEquals(List.of("g1-shard-00000.winnow", "g1-shard-00001.winnow", "g1-shard-00002.winnow",
        "g1-shard-00003.winnow", "shards.manifest"), names(target), "exactly S shards and the manifest");
  }

  @Test
  void aTaskThatFailsOnceIsRetriedAndTheSetIsStillCompleteAndUnique() throws IOException {
    Path target = tmp.resolve("retried");
    FaultyFileSystem.failNext(1, "shard-00001.attempt");
    ShardManifest m = flat(uri(target, "faulty"), 3).write(data);
    assertEquals(1, FaultyFileSystem.FAILED.get(), "the injected failure happened once");
    assertEquals(N, m.documents());
    assertEquals(List.of("g1-shard-00000.winnow", "g1-shard-00001.winnow", "g1-shard-00002.winnow",
        "shards.manifest"), names(target), "no attempt files or _temporary left");
    Path copy = tmp.resolve("retried-copy");
    assertEquals(m, ShardFolders.copyToLocal(uri(target, "faulty"), copy, new org.apache.hadoop.conf.Configuration(
        spark.sparkContext().hadoopConfiguration())));
    try (ShardedVectorIndex index = ShardedVectorIndex.open(copy)) {
      assertEquals(N, index.size(), "no document lost or duplicated");
      for (int i = 0; i < N; i++) {
        assertTrue(index.contains("doc-" + i), "doc-" + i);
      }
      for (int i = 0; i < 20; i++) {
        assertEquals("doc-" + i, index.search(vectors[i], 1).get(0).id());
      }
    }
  }

  @Test
  void aKilledBuildLeavesHalfWrittenShardsThatAreNeverOpenedAndTheNextBuildCleansUp() throws IOException {
    Path target = tmp.resolve("killed");
    FaultyFileSystem.failNext(-1, "shard-00002.attempt");
    Exception e = assertThrows(Exception.class, () -> flat(uri(target, "faulty"), 3).write(data));
    FaultyFileSystem.failNext(0, "none");
    assertTrue(messages(e).contains("injected failure"), messages(e));
    assertFalse(Files.exists(target.resolve(ShardManifest.FILE_NAME)), "no manifest after a failed build");
    try (Stream<Path> files = Files.walk(target.resolve(ShardedIndexBuild.TEMPORARY))) {
      assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("shard-00002.attempt")),
          "the half-written attempt is still there (as after a kill)");
    }
    IndexFormatException refused = assertThrows(IndexFormatException.class, () -> ShardedVectorIndex.open(target));
    assertTrue(refused.getMessage().contains("shards.manifest is absent"), refused.getMessage());

    flat(target.toString(), 3).write(data);
    assertFalse(Files.exists(target.resolve(ShardedIndexBuild.TEMPORARY)));
    try (ShardedVectorIndex index = ShardedVectorIndex.open(target)) {
      assertEquals(N, index.size());
    }
  }

  @Test
  void duplicateIdsInDifferentPartitionsAreRejectedNamingTheId() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      rows.add(row(i, "text " + i, vectors[i]));
    }
    rows.add(row(7, "a second doc-7", vectors[300]));
    Dataset<Row> dup = spark.createDataFrame(rows, SCHEMA).repartition(4);
    Path target = tmp.resolve("dup");
    Exception e = assertThrows(Exception.class, () -> flat(target.toString(), 2).write(dup));
    assertTrue(messages(e).contains("duplicate id 'doc-7'"), messages(e));
    assertFalse(Files.exists(target.resolve(ShardManifest.FILE_NAME)));
  }

  @Test
  void nothingIsWrittenIntoTheTargetAfterAFailedWriteReturns() throws Exception {
    // shard 0 fails both of its attempts after 300 ms each; shard 1, already writing, takes 2 s and ignores the kill
    Path target = tmp.resolve("late");
    FaultyFileSystem.failNext(-1, "shard-00000.attempt");
    FaultyFileSystem.DELAYS.put("shard-00000.attempt", 300L);
    FaultyFileSystem.DELAYS.put("shard-00001.attempt", 2000L);
    try {
      assertThrows(Exception.class, () -> flat(uri(target, "faulty"), 2).write(data.limit(200)));
      List<String> after = listing(target);
      Thread.sleep(2500);   // longer than shard 1's delay: a write still under way would have landed by now
      assertEquals(after, listing(target), "files appeared in the target after write() threw");
      assertFalse(Files.exists(target.resolve(ShardManifest.FILE_NAME)));
    } finally {
      FaultyFileSystem.DELAYS.clear();
      FaultyFileSystem.failNext(0, "none");
    }
  }

  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.map(p -> dir.relativize(p) + (Files.isRegularFile(p) ? " " + p.toFile().length() : "")).sorted().toList();
    }
  }

  @Test
  void emptyTextsAndBadVectorsAreRejectedNamingTheRow() {
    for (Row bad : List.of(RowFactory.create("blank", "  ", vectors[0], 1, "en"),
        RowFactory.create("nulltext", null, vectors[0], 1, "en"),
        RowFactory.create("shortvec", "t", new float[3], 1, "en"),
        RowFactory.create("nanvec", "t", nan(), 1, "en"))) {
      List<Row> rows = new ArrayList<>(List.of(row(1, "ok", vectors[1]), bad));
      Exception e = assertThrows(Exception.class,
          () -> flat(tmp.resolve("bad-" + bad.getString(0)).toString(), 2).write(spark.createDataFrame(rows, SCHEMA)));
      assertTrue(messages(e).contains("row '" + bad.getString(0) + "'"), messages(e));
    }
  }

  @Test
  void aTargetThatHoldsAShardSetAndBadSettingsAreRefusedOnTheDriver() {
    Path target = tmp.resolve("twice");
    flat(target.toString(), 2).write(data.limit(100));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> flat(target.toString(), 2).write(data));
    assertTrue(e.getMessage().contains("already holds a shard set"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ShardedIndexBuild.builder("x", 0, DIM));
    assertThrows(IllegalArgumentException.class, () -> ShardedIndexBuild.builder("x", 2, DIM).hnsw(0, 100));
    assertThrows(IllegalStateException.class, () -> ShardedIndexBuild.builder("x", 2, DIM).flat().flat());
    IllegalArgumentException col = assertThrows(IllegalArgumentException.class,
        () -> ShardedIndexBuild.builder(tmp.resolve("c").toString(), 2, DIM).vectorColumn("text").build().write(data));
    assertTrue(col.getMessage().contains("must be array<float>"), col.getMessage());
  }

  @Test
  void encodingRejectsNullAndBlankTextsAndAMissingModelPathIsNamed() {
    SparkEncoding bogus = SparkEncoding.builder(SparkModel.path("/no/such/winnow-model")).build();
    StructType schema = new StructType().add("id", DataTypes.StringType).add("text", DataTypes.StringType);
    for (String text : new String[] {null, "", " \t"}) {
      Dataset<Row> rows = spark.createDataFrame(List.of(RowFactory.create("p1", text)), schema);
      Exception e = assertThrows(Exception.class, () -> bogus.encode(rows).collectAsList());
      assertTrue(messages(e).contains("row 'p1': column 'text' is " + (text == null ? "null" : "blank")), messages(e));
    }
    Dataset<Row> ok = spark.createDataFrame(List.of(RowFactory.create("p1", "fine")), schema);
    Exception e = assertThrows(Exception.class, () -> bogus.encode(ok).collectAsList());
    assertTrue(messages(e).contains("model path '/no/such/winnow-model' does not exist on executor"), messages(e));
    IllegalArgumentException col = assertThrows(IllegalArgumentException.class,
        () -> SparkEncoding.builder(SparkModel.bundled("minilm")).textColumn("body").build().encode(ok));
    assertTrue(col.getMessage().contains("textColumn 'body' is not a column"), col.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SparkModel.bundled("no-such-model"));
  }

  static float[] nan() {
    float[] v = new float[DIM];
    v[2] = Float.NaN;
    return v;
  }

  static String messages(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      b.append(c.getMessage()).append(" | ");
    }
    return b.toString();
  }

  static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
