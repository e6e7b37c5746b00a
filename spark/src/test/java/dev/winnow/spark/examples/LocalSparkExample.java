package dev.winnow.spark.examples;

import dev.winnow.Retrieval;
import dev.winnow.Retriever;
import dev.winnow.ScoredDocument;
import dev.winnow.encoders.BundledModel;
import dev.winnow.encoders.DjlEncoder;
import dev.winnow.index.ShardManifest;
import dev.winnow.index.ShardedVectorIndex;
import dev.winnow.spark.ShardedIndexBuild;
import dev.winnow.spark.SparkEncoding;
import dev.winnow.spark.SparkModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The whole scale-out path on a laptop: SciFact's corpus ({@code ../shared/data/scifact/corpus.jsonl}) read by
 * Spark, encoded on {@code local[2]}, built into 4 HNSW shards under {@code target/spark-example/}, then searched
 * as one index by a plain {@link Retriever}, without Spark.
 *
 * <pre>
 * spark/run-main.sh dev.winnow.spark.examples.LocalSparkExample [--docs 2000]
 * </pre>
 *
 * Prints the build summary and the top 3 passages of three questions, then one JSON line.
 */
public final class LocalSparkExample {
  private LocalSparkExample() {}

  public static void main(String[] args) throws Exception {
    int docs = args.length == 2 && args[0].equals("--docs") ? Integer.parseInt(args[1]) : 2000;
    Path corpus = Paths.get(System.getProperty("winnow.shared", "../shared"), "data/scifact/corpus.jsonl");
    if (!Files.exists(corpus)) {
      throw new IllegalArgumentException(corpus + " is absent; set -Dwinnow.shared to the shared data folder");
    }
    Path target = Paths.get("target/spark-example/shards-" + System.currentTimeMillis());
    SparkSession spark = SparkSession.builder().master("local[2]").appName("winnow-local-example")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
    ShardManifest manifest;
    long t0 = System.nanoTime();
    try {
      // 1. passages: BEIR's _id, title, text
      Dataset<Row> passages = spark.read().json(corpus.toString()).select("_id", "title", "text").limit(docs).repartition(4);
      // 2. encode on the executors, one MiniLM per executor JVM
      SparkEncoding encoding = SparkEncoding.builder(SparkModel.bundled("minilm"))
          .idColumn("_id").titleColumn("title").build();
      SparkEncoding.Identity model = encoding.identity(spark);
      // 3. 4 HNSW shards + manifest, through Hadoop's FileSystem (a local folder here; hdfs:// or s3a:// alike)
      manifest = ShardedIndexBuild.builder(target.toString(), 4, model.dimension())
          .hnsw(16, 200).encoder(model.modelId()).idColumn("_id").build()
          .write(encoding.encode(passages));
    } finally {
      spark.stop();
    }
    double buildSeconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(Locale.ROOT, "built %d documents into %d shards in %.1f s: %s%n", manifest.documents(),
        manifest.shards().size(), buildSeconds, target);
    // 4. search it as one index, in any JVM, with the same model for queries
    try (DjlEncoder queries = BundledModel.ALL_MINILM_L6_V2.open();
        ShardedVectorIndex index = ShardedVectorIndex.open(target);
        Retriever retriever = Retriever.builder().encoders(queries.asDualEncoder()).index(index).build()) {
      for (String q : List.of("Does vitamin D lower the risk of fractures?",
          "What is the effect of smoking on lung cancer?", "How do stem cells differentiate?")) {
        Retrieval r = retriever.retrieve(q, 3);
        System.out.println("\n" + q);
        for (ScoredDocument d : r.results()) {
          String text = d.document().text();
          System.out.printf(Locale.ROOT, "  %.3f  %-10s %s%n", d.score(), d.id(),
              text.length() > 90 ? text.substring(0, 90) + "..." : text);
        }
      }
    }
    System.out.printf(Locale.ROOT, "{\"documents\":%d,\"shards\":%d,\"build_s\":%.2f,\"target\":\"%s\"}%n",
        manifest.documents(), manifest.shards().size(), buildSeconds, target);
  }
}
