package dev.winnow.spark;

import dev.winnow.Encoder;
import dev.winnow.Similarity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Encodes a {@code Dataset<Row>} of passages on Spark: every partition runs Winnow's encoder inside
 * {@code mapPartitions}, in batches, and the rows come back with a vector column ({@code array<float>}) added.
 *
 * <pre>{@code
 * SparkEncoding encoding = SparkEncoding.builder(SparkModel.bundled("minilm"))
 *     .idColumn("_id").textColumn("text").titleColumn("title")   // defaults: id, text, no title
 *     .batchSize(64).build();
 * Dataset<Row> encoded = encoding.encode(passages);              // lazy, like any transformation
 * SparkEncoding.Identity model = encoding.identity(spark);       // model id and dimension, as executors see them
 * }</pre>
 *
 * <p><b>One encoder per executor JVM.</b> The first task on an executor loads the model; later tasks, however
 * many and on however many cores, share it (encoders are thread-safe); a shutdown hook closes it when the JVM
 * exits. Give executors the model's memory once (about 100 MB for MiniLM), not once per core. Each encoder call
 * runs ONNX Runtime on {@code spark.task.cpus} threads (default 1), so an executor's C concurrent tasks use its
 * C cores without oversubscribing them.
 *
 * <p><b>What is encoded.</b> {@code title + " " + text} when a title column is set and the row's title is
 * non-empty (BEIR's convention), else {@code text}; with the model's passage prompt where it has one (e5's
 * {@code "passage: "}). The vector is exactly what {@code Encoder.encode} gives in one JVM (batching does not
 * change a text's vector beyond float rounding).
 *
 * <p><b>Bad rows fail the task</b>, and so the job, with a message naming the row's id and the rule: a null or
 * blank id, a null or blank text, a text column that is not a string. Filter or fill such rows first; Winnow never
 * drops them silently. A model path that an executor cannot find fails with the path and the executor's host.
 *
 * <p>Immutable and serializable (only the settings travel to executors). Built by {@link #builder}.
 */
public final class SparkEncoding implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private final SparkModel model;
  private final String idColumn;
  private final String textColumn;
  private final String titleColumn;
  private final String vectorColumn;
  private final int batchSize;

  private SparkEncoding(Builder b) {
    this.model = b.model;
    this.idColumn = b.idColumn;
    this.textColumn = b.textColumn;
    this.titleColumn = b.titleColumn;
    this.vectorColumn = b.vectorColumn;
    this.batchSize = b.batchSize;
  }

  /** A builder for encoding with {@code model}. */
  public static Builder builder(SparkModel model) {
    return new Builder(model);
  }

  /** The model the executors load. */
  public SparkModel model() {
    return model;
  }

  /** The name of the vector column {@link #encode} adds. */
  public String vectorColumn() {
    return vectorColumn;
  }

  /**
   * The model's identity as an executor loads it, found by a one-task job (so the driver needs no model):
   * {@code Encoder.modelId()}, dimension and similarity. Record the id with the index
   * ({@code ShardedIndexBuild.Builder.encoder}).
   */
  public Identity identity(SparkSession spark) {
    SparkModel m = model;
    List<Row> rows = spark.range(0, 1, 1, 1).toDF().mapPartitions((MapPartitionsFunction<Row, Row>) it -> {
      Encoder e = ExecutorEncoders.get(m);
      return List.of(RowFactory.create(e.modelId(), e.dimension(), e.similarity().name())).iterator();
    }, org.apache.spark.sql.Encoders.row(new StructType()
        .add("model", DataTypes.StringType).add("dimension", DataTypes.IntegerType).add("similarity", DataTypes.StringType)))
        .collectAsList();
    Row r = rows.get(0);
    return new Identity(r.getString(0), r.getInt(1), Similarity.valueOf(r.getString(2)));
  }

  /**
   * The encoder's identity.
   *
   * @param modelId {@code Encoder.modelId()}
   * @param dimension vector length
   * @param similarity what the model was trained for
   */
  public record Identity(String modelId, int dimension, Similarity similarity) {}

  /**
   * {@code passages} with the vector column appended (a lazy transformation: nothing runs until an action).
   *
   * @throws IllegalArgumentException if a configured column is missing or not a string, or the vector column's
   *     name is taken (checked here, on the driver, from the schema)
   */
  public Dataset<Row> encode(Dataset<Row> passages) {
    if (passages == null) {
      throw new IllegalArgumentException("passages is null");
    }
    StructType schema = passages.schema();
    int id = Settings.index(schema, idColumn, "idColumn", DataTypes.StringType);
    int text = Settings.index(schema, textColumn, "textColumn", DataTypes.StringType);
    int title = titleColumn == null ? -1 : Settings.index(schema, titleColumn, "titleColumn", DataTypes.StringType);
    if (Arrays.asList(schema.fieldNames()).contains(vectorColumn)) {
      throw new IllegalArgumentException("vectorColumn '" + vectorColumn + "' already exists in " + schema.simpleString()
          + "; choose another name");
    }
    StructType out = schema.add(new StructField(vectorColumn, DataTypes.createArrayType(DataTypes.FloatType, false), false,
        org.apache.spark.sql.types.Metadata.empty()));
    return passages.mapPartitions(new EncodePartition(model, id, text, title, batchSize, idColumn, textColumn),
        org.apache.spark.sql.Encoders.row(out));
  }

  /** The per-partition work: batches of rows in, the same rows plus a vector out, lazily. */
  private static final class EncodePartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final SparkModel model;
    private final int id;
    private final int text;
    private final int title;
    private final int batchSize;
    private final String idName;
    private final String textName;

    EncodePartition(SparkModel model, int id, int text, int title, int batchSize, String idName, String textName) {
      this.model = model;
      this.id = id;
      this.text = text;
      this.title = title;
      this.batchSize = batchSize;
      this.idName = idName;
      this.textName = textName;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      return new Iterator<>() {
        private final List<Row> out = new ArrayList<>();
        private int next;

        @Override
        public boolean hasNext() {
          if (next < out.size()) {
            return true;
          }
          if (!rows.hasNext()) {
            return false;
          }
          fill();
          return true;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          return out.get(next++);
        }

        // 1. take up to batchSize rows   2. validate id and text   3. encode them in one call   4. append vectors
        private void fill() {
          out.clear();
          next = 0;
          List<Row> batch = new ArrayList<>(batchSize);
          List<String> texts = new ArrayList<>(batchSize);
          while (rows.hasNext() && batch.size() < batchSize) {
            Row r = rows.next();
            texts.add(textOf(r));
            batch.add(r);
          }
          float[][] vectors = ExecutorEncoders.get(model).encode(texts);
          for (int i = 0; i < batch.size(); i++) {
            Row r = batch.get(i);
            Object[] values = new Object[r.length() + 1];
            for (int c = 0; c < r.length(); c++) {
              values[c] = r.get(c);
            }
            // a Scala Seq, the external type of array<float>: consumers of toJavaRDD() may get this very Row
            // (Spark elides the serialize/deserialize pair), and Row.getList expects a Seq
            values[r.length()] = scala.collection.immutable.ArraySeq$.MODULE$.unsafeWrapArray(vectors[i]);
            out.add(RowFactory.create(values));
          }
        }
      };
    }

    private String textOf(Row r) {
      String docId = r.isNullAt(id) ? null : r.getString(id);
      if (docId == null || docId.isBlank()) {
        throw new IllegalArgumentException("column '" + idName + "' is " + (docId == null ? "null" : "blank")
            + " in a row (text " + preview(r.isNullAt(text) ? null : r.getString(text))
            + "); every row needs a non-blank id");
      }
      String t = r.isNullAt(text) ? null : r.getString(text);
      if (t == null || t.isBlank()) {
        throw new IllegalArgumentException("row '" + docId + "': column '" + textName + "' is "
            + (t == null ? "null" : "blank") + "; Winnow does not encode empty passages (filter or fill them first)");
      }
      if (title >= 0 && !r.isNullAt(title) && !r.getString(title).isEmpty()) {
        return r.getString(title) + " " + t;
      }
      return t;
    }

    private static String preview(String s) {
      return s == null ? "null" : "'" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
    }
  }

  /** Settings of a {@link SparkEncoding}; each setter validates at once and may be called once. Not thread-safe. */
  public static final class Builder {
    private final SparkModel model;
    private String idColumn = "id";
    private String textColumn = "text";
    private String titleColumn;
    private String vectorColumn = "vector";
    private int batchSize = 64;
    private final Settings settings = new Settings();

    private Builder(SparkModel model) {
      if (model == null) {
        throw new IllegalArgumentException("model is null");
      }
      this.model = model;
    }

    /** The id column (string, non-blank per row). Default {@code id}. */
    public Builder idColumn(String name) {
      idColumn = settings.column(name, "idColumn");
      return this;
    }

    /** The text column (string, non-blank per row). Default {@code text}. */
    public Builder textColumn(String name) {
      textColumn = settings.column(name, "textColumn");
      return this;
    }

    /** An optional title column, prepended to the text with a space when non-empty. Default none. */
    public Builder titleColumn(String name) {
      titleColumn = settings.column(name, "titleColumn");
      return this;
    }

    /** The name of the added vector column. Default {@code vector}. */
    public Builder vectorColumn(String name) {
      vectorColumn = settings.column(name, "vectorColumn");
      return this;
    }

    /**
     * Rows per encoder call inside a partition, in [1, 4096]. Default 64. Larger batches amortize the call but
     * hold more rows in memory; the encoder still cuts its own padding-aware batches inside each call.
     */
    public Builder batchSize(int rows) {
      settings.once("batchSize");
      if (rows < 1 || rows > 4096) {
        throw new IllegalArgumentException("batchSize must be in [1, 4096], got " + rows);
      }
      batchSize = rows;
      return this;
    }

    /** The encoding. */
    public SparkEncoding build() {
      return new SparkEncoding(this);
    }
  }
}
