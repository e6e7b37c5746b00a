package dev.winnow.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.Similarity;
import dev.winnow.encoders.BundledModel;
import dev.winnow.encoders.DjlEncoder;
import dev.winnow.testing.RealSentences;
import dev.winnow.testing.Shared;
import dev.winnow.testing.VectorMath;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Encoding on Spark {@code local[2]} with the real all-MiniLM-L6-v2 gives the vectors {@link DjlEncoder} gives in
 * one JVM (cosine >= 0.9999 for every text), loads one encoder per JVM however many tasks ran, and finds a model
 * folder shipped with the job ({@code SparkContext.addFile}). Real sentences from {@code ../shared/data}; skipped
 * without them.
 */
class SparkEncodingIT {
  static final StructType SCHEMA = new StructType().add("id", DataTypes.StringType).add("title", DataTypes.StringType)
      .add("text", DataTypes.StringType);
  static SparkSession spark;
  static List<String> texts;
  static DjlEncoder local;

  @BeforeAll
  static void start() throws IOException {
    texts = RealSentences.load(Shared.require("data")).subList(0, 400);
    spark = SparkTesting.session("local[2]");
    local = BundledModel.ALL_MINILM_L6_V2.open();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (local != null) {
      local.close();
    }
  }

  static Dataset<Row> passages(List<String> texts, int partitions) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      rows.add(RowFactory.create("p" + i, i % 5 == 0 ? "Title " + i : null, texts.get(i)));
    }
    return spark.createDataFrame(rows, SCHEMA).repartition(partitions);
  }

  static Map<String, float[]> collect(Dataset<Row> encoded) {
    Map<String, float[]> out = new HashMap<>();
    for (Row r : encoded.collectAsList()) {
      List<Float> l = r.getList(r.fieldIndex("vector"));
      float[] v = new float[l.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = l.get(i);
      }
      out.put(r.getString(0), v);
    }
    return out;
  }

  @Test
  void sparkVectorsEqualOneJvmVectorsAndOneEncoderServesEveryTask() {
    int loadsBefore = ExecutorEncoders.loads();
    SparkEncoding encoding = SparkEncoding.builder(SparkModel.bundled("minilm")).titleColumn("title").batchSize(32).build();
    Map<String, float[]> got = collect(encoding.encode(passages(texts, 6)));
    assertEquals(texts.size(), got.size());
    List<String> inputs = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      inputs.add(i % 5 == 0 ? "Title " + i + " " + texts.get(i) : texts.get(i));
    }
    float[][] expected = local.encode(inputs);
    double worst = 1;
    for (int i = 0; i < texts.size(); i++) {
      float[] v = got.get("p" + i);
      assertEquals(384, v.length);
      worst = Math.min(worst, VectorMath.cosine(expected[i], v));
    }
    System.err.printf("SparkEncodingIT: worst cosine(Spark, one JVM) over %d texts = %.7f%n", texts.size(), worst);
    assertTrue(worst >= 0.9999, "worst cosine " + worst);
    assertEquals(1, ExecutorEncoders.loads() - loadsBefore, "one encoder load for 6 tasks on 2 cores");

    SparkEncoding.Identity id = encoding.identity(spark);
    assertEquals(local.modelId(), id.modelId());
    assertEquals(384, id.dimension());
    assertEquals(Similarity.COSINE, id.similarity());
    assertEquals(1, ExecutorEncoders.loads() - loadsBefore, "identity() reuses the loaded encoder");
  }

  @Test
  void aModelFolderShippedWithTheJobIsFoundByItsName() {
    Path folder = BundledModel.ALL_MINILM_L6_V2.extract();
    spark.sparkContext().addFile(folder.toString(), true);
    SparkModel shipped = SparkModel.path(folder.getFileName().toString());
    Map<String, float[]> got = collect(SparkEncoding.builder(shipped).build()
        .encode(passages(texts.subList(1, 21), 2).drop("title")));
    float[][] expected = local.encode(texts.subList(1, 21));
    for (int i = 0; i < 20; i++) {
      assertTrue(VectorMath.cosine(expected[i], got.get("p" + i)) >= 0.9999, "text " + i);
    }
  }
}
