package dev.winnow.spark;

import java.io.Serializable;

/**
 * Which model the executors load: one of Winnow's bundled models, or a model folder. Immutable and
 * serializable (it travels inside Spark tasks; only these two strings do, never a model).
 *
 * <pre>{@code
 * SparkModel.bundled("minilm")                       // the jar with the model must be on the executors' classpath
 * SparkModel.path("/shared/models/e5-small")         // a folder every executor can read
 * SparkModel.path("hdfs:///models/e5-small")         // copied once per executor JVM to its local temp folder
 * SparkModel.path("e5-small")                        // shipped with spark-submit --archives e5-small.zip#e5-small
 * }</pre>
 *
 * <p>A relative path that does not exist in an executor's working folder is looked up with
 * {@code SparkFiles.get} (what {@code --files}, {@code --archives} and {@code SparkContext.addFile(path, true)}
 * ship). A path found nowhere fails the task with a {@link dev.winnow.ModelLoadException} naming the path and
 * the executor.
 *
 * @param kind whether {@code name} is a bundled-model choice or a path
 * @param name the choice ({@code minilm}, {@code minilm-q}, {@code bge-small}, {@code e5-small}) or the path/URI
 */
public record SparkModel(Kind kind, String name) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** How {@link SparkModel#name()} is read. */
  public enum Kind {
    /** A bundled model ({@code dev.winnow.encoders.BundledModel.named}). */
    BUNDLED,
    /** A model folder: local path, Hadoop URI, or a file shipped with the job. */
    PATH
  }

  /** @throws IllegalArgumentException if an argument is null or {@code name} is blank */
  public SparkModel {
    if (kind == null) {
      throw new IllegalArgumentException("kind is null");
    }
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("model name must be non-blank, got " + (name == null ? "null" : "'" + name + "'"));
    }
  }

  /**
   * A bundled model by choice; the choice is checked here, on the driver.
   *
   * @throws IllegalArgumentException naming the choices if there is no such model
   */
  public static SparkModel bundled(String choice) {
    dev.winnow.encoders.BundledModel.named(choice);
    return new SparkModel(Kind.BUNDLED, choice);
  }

  /** A model folder by local path, Hadoop URI ({@code hdfs://}, {@code s3a://}, ...) or shipped name. */
  public static SparkModel path(String pathOrUri) {
    return new SparkModel(Kind.PATH, pathOrUri);
  }

  @Override
  public String toString() {
    return (kind == Kind.BUNDLED ? "bundled:" : "path:") + name;
  }
}
