package dev.winnow.spark;

import dev.winnow.Document;
import dev.winnow.Hit;
import dev.winnow.SearchOptions;
import dev.winnow.Similarity;
import dev.winnow.encoders.BundledModel;
import dev.winnow.encoders.DjlEncoder;
import dev.winnow.index.FlatVectorIndex;
import dev.winnow.index.ShardedVectorIndex;
import dev.winnow.testing.RealSentences;
import dev.winnow.testing.Shared;
import dev.winnow.testing.VectorIndexContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The numbers of {@code docs/scale-out.md}: (1) encoding throughput of 10,000 real texts (STS-B first, from
 * {@code ../shared/data}) with one-JVM {@link DjlEncoder} (ONNX Runtime on 1 and on all cores) and with
 * {@link SparkEncoding} on {@code local[1]} and {@code local[2]}, in one run (with {@code --repeats R}, R
 * interleaved rounds, the best rate of each kept: the least disturbed by other load); (2) sharded build time, search QPS
 * and recall@10 for S = 1, 2, 4, 8 shards over the same 100,000 vectors (exact and HNSW shards).
 *
 * <pre>
 * spark/run-main.sh dev.winnow.spark.SparkScaleOutBenchmark [--texts 10000] [--repeats 1] [--vectors 100000]
 *     [--queries 500] [--skip-encode] [--skip-search]
 * </pre>
 *
 * Table on stdout, the JSON figures as its last line; progress on stderr.
 */
public final class SparkScaleOutBenchmark {
  private SparkScaleOutBenchmark() {}

  public static void main(String[] args) throws Exception {
    int texts = 10_000;
    int vectors = 100_000;
    int queries = 500;
    int repeats = 1;
    boolean encode = true;
    boolean search = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--texts" -> texts = Integer.parseInt(args[++i]);
        case "--vectors" -> vectors = Integer.parseInt(args[++i]);
        case "--queries" -> queries = Integer.parseInt(args[++i]);
        case "--repeats" -> repeats = Integer.parseInt(args[++i]);
        case "--skip-encode" -> encode = false;
        case "--skip-search" -> search = false;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("cores", Runtime.getRuntime().availableProcessors());
    StringBuilder table = new StringBuilder();
    if (encode) {
      encoding(texts, repeats, json, table);
    }
    if (search) {
      search(vectors, queries, json, table);
    }
    System.out.print(table);
    System.out.println(toJson(json));
  }

  // ------------------------------------------------------------------------------------------- encoding

  static void encoding(int n, int repeats, Map<String, Object> json, StringBuilder table) throws Exception {
    List<String> texts = RealSentences.load(Shared.root().resolve("data")).subList(0, n);
    Path model = BundledModel.ALL_MINILM_L6_V2.extract();
    Map<String, Double> rates = new LinkedHashMap<>();
    StructType schema = new StructType().add("id", DataTypes.StringType).add("text", DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(RowFactory.create("t" + i, texts.get(i)));
    }
    for (int round = 0; round < repeats; round++) {
      for (int threads : new int[] {Runtime.getRuntime().availableProcessors(), 1}) {
        try (DjlEncoder e = DjlEncoder.builder(model).intraOpThreads(threads).build()) {
          e.encode(texts.subList(0, 256));   // warm-up
          long t0 = System.nanoTime();
          for (int i = 0; i < n; i += 64) {
            e.encode(texts.subList(i, Math.min(n, i + 64)));
          }
          double rate = n / ((System.nanoTime() - t0) / 1e9);
          rates.merge("djl_" + threads + "_threads", rate, Math::max);
          System.err.printf("round %d, DjlEncoder, %d ORT threads: %.1f texts/s%n", round, threads, rate);
        }
      }
      for (String master : new String[] {"local[1]", "local[2]"}) {
        SparkSession spark = SparkTesting.session(master);
        try {
          SparkEncoding enc = SparkEncoding.builder(SparkModel.path(model.toString())).build();
          Dataset<Row> data = spark.createDataFrame(rows, schema).repartition(8).cache();
          data.count();
          vectorsOf(enc.encode(data.limit(256)));   // warm-up: loads this JVM's encoder (1 ORT thread per task)
          long t0 = System.nanoTime();
          long got = vectorsOf(enc.encode(data));
          double rate = got / ((System.nanoTime() - t0) / 1e9);
          rates.merge("spark_" + master.replace("[", "").replace("]", ""), rate, Math::max);
          System.err.printf("round %d, Spark %s: %.1f texts/s%n", round, master, rate);
        } finally {
          spark.stop();
        }
      }
    }
    table.append(String.format(Locale.ROOT, "%nEncoding %d texts, all-MiniLM-L6-v2, %d cores, best of %d%n", n,
        Runtime.getRuntime().availableProcessors(), repeats));
    table.append("| run | texts/s | vs one JVM, same cores |\n|---|---|---|\n");
    double all = rates.get("djl_" + Runtime.getRuntime().availableProcessors() + "_threads");
    double one = rates.get("djl_1_threads");
    table.append(row("DjlEncoder, ORT on all cores", all, 1.0));
    table.append(row("DjlEncoder, ORT on 1 core", one, 1.0));
    table.append(row("Spark local[1] (1 task x 1 ORT thread)", rates.get("spark_local1"), rates.get("spark_local1") / one));
    table.append(row("Spark local[2] (2 tasks x 1 ORT thread)", rates.get("spark_local2"), rates.get("spark_local2") / all));
    json.put("encode_texts", n);
    json.put("encode_repeats", repeats);
    rates.forEach((k, v) -> json.put("encode_" + k + "_per_s", round(v)));
  }

  private static String row(String name, double rate, double ratio) {
    return String.format(Locale.ROOT, "| %s | %.1f | %.3f |%n", name, rate, ratio);
  }

  private static long vectorsOf(Dataset<Row> encoded) {
    int col = encoded.schema().fieldIndex("vector");
    return encoded.toJavaRDD().map(r -> r.getList(col).size() > 0 ? 1L : 0L).reduce(Long::sum);
  }

  // --------------------------------------------------------------------------------------------- search

  static void search(int n, int queries, Map<String, Object> json, StringBuilder table) throws Exception {
    int dim = 384;
    long seed = 20261201L;
    // embedding-like neighbourhoods: 1,000 gaussian centres, noise 0.7 per component (COSINE normalizes them)
    float[][] v = VectorIndexContract.clustered(new Random(seed), n + queries, dim, 1000, 0.7f);
    Path work = Files.createTempDirectory("winnow-scale-out-");
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      docs.add(new Document("v" + i, "vector " + i));
    }
    List<Set<String>> truth = new ArrayList<>();
    try (FlatVectorIndex exact = new FlatVectorIndex(dim, Similarity.COSINE)) {
      exact.addAll(docs, java.util.Arrays.copyOf(v, n));
      for (int q = 0; q < queries; q++) {
        Set<String> ids = new HashSet<>();
        exact.search(v[n + q], 10).forEach(h -> ids.add(h.id()));
        truth.add(ids);
      }
    }
    System.err.println("ground truth done");
    StructType schema = new StructType().add("id", DataTypes.StringType).add("text", DataTypes.StringType)
        .add("vector", DataTypes.createArrayType(DataTypes.FloatType));
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(RowFactory.create("v" + i, "vector " + i, v[i]));
    }
    table.append(String.format(Locale.ROOT, "%nSharded search, %d vectors x %d (embedding-like clusters, seed %d), %d"
        + " queries one at a time, Spark local[2] build%n", n, dim, seed, queries));
    table.append("| shards | kind | build s | QPS | ms/query | recall@10 |\n|---|---|---|---|---|---|\n");
    List<Map<String, Object>> results = new ArrayList<>();
    SparkSession spark = SparkTesting.session("local[2]");
    try {
      Dataset<Row> data = spark.createDataFrame(rows, schema).repartition(8).cache();
      data.count();
      for (String kind : new String[] {"flat", "hnsw"}) {
        for (int s : new int[] {1, 2, 4, 8}) {
          Path target = work.resolve(kind + "-" + s);
          ShardedIndexBuild.Builder b = ShardedIndexBuild.builder(target.toString(), s, dim);
          if (kind.equals("hnsw")) {
            b.hnsw(16, 100);
          } else {
            b.flat();
          }
          long t0 = System.nanoTime();
          b.build().write(data);
          double buildS = (System.nanoTime() - t0) / 1e9;
          try (ShardedVectorIndex index = ShardedVectorIndex.open(target)) {
            for (SearchOptions o : kind.equals("hnsw")
                ? List.of(SearchOptions.DEFAULTS.withEf(32), SearchOptions.DEFAULTS.withEf(100))
                : List.of(SearchOptions.DEFAULTS)) {
              for (int q = 0; q < Math.min(queries, 100); q++) {
                index.search(v[n + q], 10, o);   // warm-up
              }
              double recall = 0;
              long t1 = System.nanoTime();
              for (int q = 0; q < queries; q++) {
                List<Hit> hits = index.search(v[n + q], 10, o);
                Set<String> t = truth.get(q);
                recall += hits.stream().filter(h -> t.contains(h.id())).count() / 10.0;
              }
              double secs = (System.nanoTime() - t1) / 1e9;
              recall /= queries;
              String label = kind.equals("hnsw") ? "hnsw ef=" + o.ef() : "flat";
              table.append(String.format(Locale.ROOT, "| %d | %s | %.1f | %.0f | %.3f | %.4f |%n", s, label, buildS,
                  queries / secs, secs * 1000 / queries, recall));
              Map<String, Object> r = new LinkedHashMap<>();
              r.put("shards", s);
              r.put("kind", label);
              r.put("build_s", round(buildS));
              r.put("qps", round(queries / secs));
              r.put("recall_at_10", round(recall));
              results.add(r);
              System.err.printf("%s S=%d: build %.1f s, %.0f QPS, recall %.4f%n", label, s, buildS, queries / secs, recall);
            }
          }
        }
      }
    } finally {
      spark.stop();
    }
    json.put("search_vectors", n);
    json.put("search_queries", queries);
    json.put("search", results);
  }

  private static double round(double x) {
    return Math.round(x * 10_000) / 10_000.0;
  }

  static String toJson(Object o) {
    if (o instanceof Map<?, ?> m) {
      StringBuilder b = new StringBuilder("{");
      m.forEach((k, val) -> b.append(b.length() > 1 ? "," : "").append('"').append(k).append("\":").append(toJson(val)));
      return b.append('}').toString();
    }
    if (o instanceof List<?> l) {
      StringBuilder b = new StringBuilder("[");
      for (Object x : l) {
        b.append(b.length() > 1 ? "," : "").append(toJson(x));
      }
      return b.append(']').toString();
    }
    if (o instanceof String s) {
      return '"' + s.replace("\"", "\\\"") + '"';
    }
    return String.valueOf(o);
  }
}
