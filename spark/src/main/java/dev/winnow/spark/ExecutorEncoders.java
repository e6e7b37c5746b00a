package dev.winnow.spark;

import dev.winnow.Encoder;
import dev.winnow.ModelLoadException;
import dev.winnow.encoders.BundledModel;
import dev.winnow.encoders.DjlEncoder;
import dev.winnow.encoders.Encoders;
import dev.winnow.encoders.runtime.ModelDirectory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkFiles;

/**
 * The encoders of this JVM (an executor, or the driver in local mode): one per {@link SparkModel}, loaded by the
 * first task that needs it, shared by every later task (encoders are thread-safe), closed by a shutdown hook at
 * JVM exit. Thread-safe.
 */
final class ExecutorEncoders {
  private static final Map<SparkModel, Encoder> LOADED = new ConcurrentHashMap<>();
  private static final java.util.concurrent.atomic.AtomicInteger LOADS = new java.util.concurrent.atomic.AtomicInteger();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ExecutorEncoders::closeAll, "winnow-spark-encoders-close"));
  }

  private ExecutorEncoders() {}

  /**
   * The passage-side encoder of {@code model} in this JVM, loading it on first use. ONNX Runtime gets
   * {@code spark.task.cpus} threads per call (default 1): an executor with C cores runs C tasks at once, each
   * call on its own core, instead of C calls each spreading over every core.
   */
  static Encoder get(SparkModel model) {
    return LOADED.computeIfAbsent(model, ExecutorEncoders::load);
  }

  private static int threadsPerTask() {
    org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
    return task == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, task.cpus());
  }

  /** How many times this JVM has loaded a model (once per model however many tasks ran). */
  static int loads() {
    return LOADS.get();
  }

  private static Encoder load(SparkModel model) {
    LOADS.incrementAndGet();
    Path dir = model.kind() == SparkModel.Kind.BUNDLED ? BundledModel.named(model.name()).extract()
        : localFolder(model.name());
    if (Files.isDirectory(dir) && ModelDirectory.hasModelFile(dir)) {
      return passages(DjlEncoder.builder(dir).intraOpThreads(threadsPerTask()).build());
    }
    return passages(Encoders.open(dir));   // e.g. a safetensors folder for an EncoderProvider on the classpath
  }

  /** A DjlEncoder's passage side applies the model's passage prompt (e5: "passage: "); others encode as they are. */
  private static Encoder passages(Encoder e) {
    return e instanceof DjlEncoder d ? new OwningPassages(d) : e;
  }

  /** Resolves a model path on this JVM: Hadoop URI (copied once), local path, or a file shipped with the job. */
  static Path localFolder(String name) {
    URI uri = toUri(name);
    if (uri != null && uri.getScheme() != null && uri.getScheme().length() > 1 && !"file".equals(uri.getScheme())) {
      return copyToLocal(uri);
    }
    Path local = uri != null && "file".equals(uri.getScheme()) ? Paths.get(uri) : Paths.get(name);
    if (Files.exists(local)) {
      return local;
    }
    if (!local.isAbsolute()) {
      try {
        Path shipped = Paths.get(SparkFiles.get(name));
        if (Files.exists(shipped)) {
          return shipped;
        }
      } catch (RuntimeException noSparkEnv) {
        // not inside Spark: nothing was shipped
      }
    }
    throw new ModelLoadException("model path '" + name + "' does not exist on executor " + host()
        + " (looked at " + local.toAbsolutePath() + (local.isAbsolute() ? "" : " and in SparkFiles")
        + "); use a folder every executor can read, a Hadoop URI, or ship it with spark-submit --archives / --files"
        + " or SparkContext.addFile(path, true)");
  }

  private static URI toUri(String name) {
    try {
      return new URI(name);
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  private static Path copyToLocal(URI uri) {
    Path target = Paths.get(System.getProperty("java.io.tmpdir"), "winnow-spark-models", sha(uri.toString()));
    Path done = target.resolve(".complete");
    if (Files.exists(done)) {
      return target.resolve("model");
    }
    try {
      org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(uri);
      FileSystem fs = src.getFileSystem(new Configuration());
      if (!fs.exists(src)) {
        throw new ModelLoadException("model path '" + uri + "' does not exist (seen from executor " + host() + ")");
      }
      Path staging = Files.createDirectories(target.getParent()).resolve(target.getFileName() + ".tmp-" + ProcessHandle.current().pid()
          + "-" + Thread.currentThread().getId());
      fs.copyToLocalFile(false, src, new org.apache.hadoop.fs.Path(staging.resolve("model").toUri()), true);
      Files.createDirectories(staging.resolve("model"));
      Files.writeString(staging.resolve(".complete"), uri.toString());
      try {
        Files.move(staging, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException raced) {
        if (!Files.exists(done)) {
          throw raced;
        }
      }
      return target.resolve("model");
    } catch (IOException e) {
      throw new ModelLoadException("cannot copy model '" + uri + "' to " + target + " on executor " + host() + ": " + e, e);
    }
  }

  private static String sha(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "(unknown host)";
    }
  }

  private static void closeAll() {
    LOADED.values().forEach(Encoder::close);
    LOADED.clear();
  }

  /** The passage side of a DjlEncoder that closes the encoder with it. */
  private static final class OwningPassages implements Encoder {
    private final DjlEncoder owner;
    private final Encoder passages;

    OwningPassages(DjlEncoder owner) {
      this.owner = owner;
      this.passages = owner.asDualEncoder().passages();
    }

    @Override
    public int dimension() {
      return passages.dimension();
    }

    @Override
    public dev.winnow.Similarity similarity() {
      return passages.similarity();
    }

    @Override
    public String modelId() {
      return passages.modelId();
    }

    @Override
    public float[][] encode(java.util.List<String> texts) {
      return passages.encode(texts);
    }

    @Override
    public void close() {
      owner.close();
    }
  }
}
