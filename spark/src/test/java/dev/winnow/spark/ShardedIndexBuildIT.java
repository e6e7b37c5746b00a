package dev.winnow.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.Document;
import dev.winnow.Hit;
import dev.winnow.SearchOptions;
import dev.winnow.Similarity;
import dev.winnow.encoders.DjlEncoder;
import dev.winnow.index.FlatVectorIndex;
import dev.winnow.index.HnswVectorIndex;
import dev.winnow.index.ShardedVectorIndex;
import dev.winnow.testing.RealSentences;
import dev.winnow.testing.Shared;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * Sharded builds on Spark {@code local[2]} over 6,000 real sentences (all-MiniLM-L6-v2 vectors from
 * {@code cache/vectors}, encoded and cached on first run), queried with 200 held-out sentences: exact shards give
 * exactly one {@link FlatVectorIndex}'s top 10 (ids and scores); HNSW shards' recall@10 is within 0.01 of one
 * {@link HnswVectorIndex} with the same settings. Skipped without {@code ../shared/data}.
 */
class ShardedIndexBuildIT {
  static final int CORPUS = 6000;
  static final int QUERIES = 200;
  static final StructType SCHEMA = new StructType().add("id", DataTypes.StringType).add("text", DataTypes.StringType)
      .add("vector", DataTypes.createArrayType(DataTypes.FloatType));
  static SparkSession spark;
  static List<String> sentences;
  static float[][] vectors;
  static Dataset<Row> data;

  @TempDir Path tmp;

  @BeforeAll
  static void start() throws IOException {
    Path shared = Shared.require("data");
    Path root = Paths.get(System.getProperty("winnow.root", "..")).toAbsolutePath();
    sentences = RealSentences.load(shared);
    vectors = RealSentences.vectors(sentences, CORPUS + QUERIES, root.resolve("cache/vectors"), DjlEncoder::defaultModel);
    spark = SparkTesting.session("local[2]");
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < CORPUS; i++) {
      rows.add(RowFactory.create("s" + i, sentences.get(i), vectors[i]));
    }
    data = spark.createDataFrame(rows, SCHEMA).repartition(4);
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  static void fill(dev.winnow.VectorIndex index) {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < CORPUS; i++) {
      docs.add(new Document("s" + i, sentences.get(i)));
    }
    index.addAll(docs, java.util.Arrays.copyOf(vectors, CORPUS));
  }

  @Test
  void exactShardsGiveExactlyTheTop10OfOneFlatIndex() throws IOException {
    for (int shards : new int[] {3, 8}) {
      Path target = tmp.resolve("flat-" + shards);
      ShardedIndexBuild.builder(target.toString(), shards, 384).flat().encoder("minilm").build().write(data);
      try (ShardedVectorIndex sharded = ShardedVectorIndex.open(target);
          FlatVectorIndex one = new FlatVectorIndex(384, Similarity.COSINE)) {
        fill(one);
        assertEquals(CORPUS, sharded.size());
        for (int q = CORPUS; q < CORPUS + QUERIES; q++) {
          assertEquals(one.search(vectors[q], 10), sharded.search(vectors[q], 10), "S=" + shards + ", query " + q);
        }
      }
    }
  }

  @Test
  void hnswShardsRecallWithin001OfOneHnswIndex() throws IOException {
    Path target = tmp.resolve("hnsw-4");
    int m = 16;
    int efConstruction = 100;
    SearchOptions ef = SearchOptions.DEFAULTS.withEf(20);
    ShardedIndexBuild.builder(target.toString(), 4, 384).hnsw(m, efConstruction).build().write(data);
    try (ShardedVectorIndex sharded = ShardedVectorIndex.open(target);
        FlatVectorIndex exact = new FlatVectorIndex(384, Similarity.COSINE);
        HnswVectorIndex one = HnswVectorIndex.builder(384, Similarity.COSINE).m(m).efConstruction(efConstruction)
            .seed(42).build()) {
      fill(exact);
      fill(one);
      double shardedRecall = 0;
      double oneRecall = 0;
      for (int q = CORPUS; q < CORPUS + QUERIES; q++) {
        Set<String> truth = ids(exact.search(vectors[q], 10));
        shardedRecall += overlap(truth, sharded.search(vectors[q], 10, ef)) / (double) QUERIES;
        oneRecall += overlap(truth, one.search(vectors[q], 10, ef)) / (double) QUERIES;
      }
      System.err.printf("ShardedIndexBuildIT: recall@10 at ef=20: 4 HNSW shards %.4f, one HNSW index %.4f%n",
          shardedRecall, oneRecall);
      assertTrue(shardedRecall >= oneRecall - 0.01, "sharded " + shardedRecall + " vs one " + oneRecall);
      assertTrue(oneRecall > 0.8, "a sane baseline: " + oneRecall);
    }
  }

  static Set<String> ids(List<Hit> hits) {
    Set<String> out = new HashSet<>();
    hits.forEach(h -> out.add(h.id()));
    return out;
  }

  static double overlap(Set<String> truth, List<Hit> hits) {
    return hits.stream().filter(h -> truth.contains(h.id())).count() / 10.0;
  }
}
