package dev.winnow.train;

import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.winnow.ModelLoadException;
import dev.winnow.Similarity;
import dev.winnow.encoders.Pooling;
import dev.winnow.encoders.runtime.AtomicDirectory;
import dev.winnow.encoders.runtime.SentenceTransformersConfig;
import dev.winnow.encoders.runtime.Tokenizers;
import dev.winnow.encoders.runtime.Tokenizers.PairTruncation;
import dev.winnow.train.internal.Layers;
import dev.winnow.train.internal.NoGrad;
import dev.winnow.train.internal.Safetensors;
import dev.winnow.train.internal.TowerBlock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One trainable side of a dual encoder: the HuggingFace tokenizer, a {@link BertBlock}, pooling, an optional
 * dense projection and optional L2 normalization, on DJL's PyTorch engine (GPU when present, else CPU). It
 * loads and saves the sentence-transformers directory layout: {@code model.safetensors} with Hugging Face
 * names, {@code config.json}, {@code tokenizer.json}, an optional {@code 2_Dense} module, and the files of
 * {@link SentenceTransformersConfig} (modules, pooling, maximum length, prompts, similarity, Normalize).
 *
 * <pre>{@code
 * try (Tower minilm = Tower.load(Path.of("../shared/models/all-MiniLM-L6-v2"))) {
 *   float[][] v = minilm.encode(List.of("What is the tallest mountain?"), 32);
 * }
 * Tower scratch = Presets.seedTower(Path.of("tokenizer.json"), 42);   // random weights
 * }</pre>
 *
 * <p>Not thread-safe: a tower is trained by one thread; {@link BertEncoder} serializes concurrent encoding.
 * Owns native memory (its parameters) until {@link #close()}; use after close throws
 * {@link IllegalStateException}.
 */
public final class Tower implements AutoCloseable {
  private static final String ENGINE = "PyTorch";

  private final NDManager manager;
  private final TowerBlock block;
  private final HuggingFaceTokenizer tokenizer;
  private final Path tokenizerFile;
  private final Path sourceDir;
  private final int maxLength;
  private final Similarity similarity;
  private final Map<String, String> prompts;
  private final int dimension;
  private final String fingerprint;
  private boolean closed;

  private Tower(NDManager manager, TowerBlock block, Path tokenizerFile, Path sourceDir, int maxLength,
      Similarity similarity, Map<String, String> prompts, String fingerprint) {
    this.fingerprint = fingerprint;
    this.prompts = Map.copyOf(prompts);
    this.manager = manager;
    this.block = block;
    this.tokenizerFile = tokenizerFile;
    this.sourceDir = sourceDir;
    this.maxLength = maxLength;
    this.similarity = similarity;
    this.dimension = block.dense() == null ? block.bert().config().hiddenSize()
        : (int) block.dense().getParameters().get("weight").getShape().get(0);
    try {
      this.tokenizer = Tokenizers.open(tokenizerFile, maxLength, PairTruncation.LONGEST_FIRST);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Loads a sentence-transformers / Hugging Face directory: {@code config.json} and {@code model.safetensors}
   * (HF names, optionally under a {@code bert.} prefix), {@code tokenizer.json}, and the pooling, dense,
   * normalize, max-length, prompt and similarity settings of the sentence-transformers files (defaults: MEAN,
   * none, no, 256 capped at max_position_embeddings, none, COSINE). A folder that an interrupted {@link #save}
   * left only as its previous version is restored first ({@link AtomicDirectory#recover}).
   *
   * @throws ModelLoadException naming the file and what is missing or malformed
   */
  public static Tower load(Path dir) {
    Path d = bertDirectory(dir);
    BertConfig config = BertConfig.read(d.resolve("config.json"));
    StSettings st = StSettings.read(d, config);
    NDManager m = Engine.getEngine(ENGINE).newBaseManager();
    try {
      Map<String, NDArray> weights = Safetensors.read(d.resolve("model.safetensors"), m);
      weights = stripPrefix(weights, "bert.");
      BertBlock bert = new BertBlock(config, weights.containsKey("pooler.dense.weight"));
      Linear dense = null;
      Map<String, NDArray> denseWeights = null;
      if (st.denseDir != null) {
        denseWeights = Safetensors.read(st.denseDir.resolve("model.safetensors"), m);
        NDArray w = denseWeights.get("linear.weight");
        if (w == null || w.getShape().dimension() != 2 || w.getShape().get(1) != config.hiddenSize()) {
          throw new ModelLoadException(st.denseDir + "/model.safetensors needs linear.weight [out, "
              + config.hiddenSize() + "], found " + (w == null ? "none" : w.getShape()));
        }
        dense = Layers.linear((int) w.getShape().get(0));
      }
      TowerBlock block = new TowerBlock(bert, st.pooling, dense, st.normalize);
      Map<String, Parameter> params = new LinkedHashMap<>(bert.parameters());
      bindAll(params, weights, d.resolve("model.safetensors"));
      if (dense != null) {
        Map<String, Parameter> dp = new LinkedHashMap<>();
        Layers.name(dense, "linear", dp);
        bindAll(dp, denseWeights, st.denseDir.resolve("model.safetensors"));
      }
      block.initialize(m, DataType.FLOAT32, BertBlock.inputShapes(8));
      // the pooler is kept (and saved) but not on the sentence-vector path: frozen, it gets no update
      bert.parameters().forEach((k, p) -> p.freeze(k.startsWith("pooler.")));
      weights.values().forEach(NDArray::close);
      if (denseWeights != null) {
        denseWeights.values().forEach(NDArray::close);
      }
      String fp = fingerprint(d.resolve("model.safetensors"),
          st.denseDir == null ? null : st.denseDir.resolve("model.safetensors"), d.resolve("tokenizer.json"));
      return new Tower(m, block, d.resolve("tokenizer.json"), d, st.maxLength, st.similarity, st.prompts, fp);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /**
   * The absolute directory of a Hugging Face BERT model, restored first when an interrupted save left only its
   * previous version ({@link AtomicDirectory#recover}).
   *
   * @throws ModelLoadException if config.json, model.safetensors or tokenizer.json is missing
   */
  static Path bertDirectory(Path dir) {
    if (dir == null) {
      throw new IllegalArgumentException("dir is null");
    }
    Path d = dir.toAbsolutePath().normalize();
    if (!Files.exists(d)) {
      try {
        AtomicDirectory.recover(d);
      } catch (IOException e) {
        throw new ModelLoadException("cannot restore " + AtomicDirectory.previousOf(d) + ": " + e.getMessage(), e);
      }
    }
    for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json"}) {
      if (!Files.isRegularFile(d.resolve(f))) {
        throw new ModelLoadException("model directory " + d + " has no " + f + " (a Hugging Face BERT directory"
            + " needs config.json, model.safetensors and tokenizer.json)");
      }
    }
    return d;
  }

  /**
   * A builder for a tower with fresh random weights (normal 0.02, as BERT initializes), drawn from the
   * PyTorch generator seeded with {@link Builder#seed(long)}.
   */
  public static Builder builder(BertConfig config, Path tokenizerJson) {
    if (config == null) {
      throw new IllegalArgumentException("config is null");
    }
    if (tokenizerJson == null || !Files.isRegularFile(tokenizerJson)) {
      throw new IllegalArgumentException("tokenizerJson must be an existing tokenizer.json file, got "
          + tokenizerJson);
    }
    return new Builder(config, tokenizerJson.toAbsolutePath().normalize());
  }

  static Map<String, NDArray> stripPrefix(Map<String, NDArray> w, String prefix) {
    if (w.containsKey("embeddings.word_embeddings.weight") || !w.containsKey(prefix
        + "embeddings.word_embeddings.weight")) {
      return w;
    }
    Map<String, NDArray> out = new LinkedHashMap<>();
    w.forEach((k, v) -> out.put(k.startsWith(prefix) ? k.substring(prefix.length()) : k, v));
    return out;
  }

  static void bindAll(Map<String, Parameter> params, Map<String, NDArray> weights, Path file) {
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      NDArray w = weights.get(e.getKey());
      if (w == null) {
        throw new ModelLoadException(file + " lacks tensor " + e.getKey());
      }
      Shape expected = e.getValue().getShape();
      if (expected != null && !expected.equals(w.getShape())) {
        throw new ModelLoadException(file + ": tensor " + e.getKey() + " has shape " + w.getShape()
            + ", the configuration needs " + expected);
      }
      float[] data = w.toType(DataType.FLOAT32, false).toFloatArray();
      Shape shape = w.getShape();
      e.getValue().setInitializer(new Initializer() {
        @Override
        public NDArray initialize(NDManager m, Shape s, DataType t) {
          if (!s.equals(shape)) {
            throw new ModelLoadException(file + ": tensor " + e.getKey() + " has shape " + shape
                + ", the block needs " + s);
          }
          return m.create(data, shape);
        }
      });
    }
  }

  /** The BERT block. */
  public BertBlock bert() {
    ensureOpen();
    return block.bert();
  }

  /** The whole stack as one DJL block: (input_ids, attention_mask, token_type_ids) → vectors [B, D]. */
  public TowerBlock block() {
    ensureOpen();
    return block;
  }

  /** Vector width: the projection's output when there is one, else the hidden size. */
  public int dimension() {
    return dimension;
  }

  /** Longest tokenized text, special tokens included; longer texts are truncated. */
  public int maxLength() {
    return maxLength;
  }

  /** The similarity the tower's vectors are meant for (COSINE when normalized, else DOT_PRODUCT by default). */
  public Similarity similarity() {
    return similarity;
  }

  /** The sentence-transformers prompts (e.g. {@code query -> "query: "}), kept by {@link #save}; may be empty. */
  public Map<String, String> prompts() {
    return prompts;
  }

  /** Pooling over tokens. */
  public Pooling pooling() {
    return block.pooling();
  }

  /** Whether vectors are L2-normalized. */
  public boolean normalize() {
    return block.normalize();
  }

  /** The tokenizer.json this tower reads. */
  public Path tokenizerFile() {
    return tokenizerFile;
  }

  /**
   * Names the weights as loaded: the first 16 hex digits of the SHA-256 of the safetensors file(s) and
   * {@code tokenizer.json} (by content, not by path), or {@code random-<uuid>} for a tower built with random
   * weights. Training changes the weights, not this name.
   */
  public String fingerprint() {
    return fingerprint;
  }

  static String fingerprint(Path... files) {
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 20];
      for (Path f : files) {
        if (f == null) {
          continue;
        }
        try (java.io.InputStream in = Files.newInputStream(f)) {
          for (int n; (n = in.read(buf)) > 0; ) {
            sha.update(buf, 0, n);
          }
        }
      }
      return java.util.HexFormat.of().formatHex(sha.digest(), 0, 8);
    } catch (IOException e) {
      throw new ModelLoadException("cannot read " + java.util.Arrays.toString(files) + ": " + e.getMessage(), e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** The manager that owns the parameters. */
  NDManager manager() {
    return manager;
  }

  /**
   * Tokenizes texts into a padded batch of {@code manager}: (input_ids, attention_mask, token_type_ids), each
   * [texts, longest] int64, truncated at {@code min(maxLength, this.maxLength())} tokens.
   */
  public NDList tokenize(List<String> texts, NDManager target, int maxLength) {
    ensureOpen();
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("texts is empty");
    }
    return padded(tokenizer.batchEncode(texts), Math.min(maxLength, this.maxLength), target);
  }

  /**
   * Pads encodings into (input_ids, attention_mask, token_type_ids) arrays of {@code target}, each
   * [encodings, longest] int64, cut at {@code limit} tokens (the last token, [SEP], kept last when cut).
   */
  static NDList padded(Encoding[] enc, int limit, NDManager target) {
    int longest = 0;
    for (Encoding e : enc) {
      longest = Math.max(longest, Math.min(limit, e.getIds().length));
    }
    long[] ids = new long[enc.length * longest];
    long[] mask = new long[ids.length];
    long[] types = new long[ids.length];
    for (int r = 0; r < enc.length; r++) {
      long[] id = enc[r].getIds();
      long[] ty = enc[r].getTypeIds();
      int n = Math.min(limit, id.length);
      System.arraycopy(id, 0, ids, r * longest, n);
      System.arraycopy(ty, 0, types, r * longest, n);
      if (n < id.length) {
        ids[r * longest + n - 1] = id[id.length - 1]; // keep [SEP] last when cutting below the tokenizer's limit
      }
      Arrays.fill(mask, r * longest, r * longest + n, 1L);
    }
    Shape s = new Shape(enc.length, longest);
    return new NDList(target.create(ids, s), target.create(mask, s), target.create(types, s));
  }

  /**
   * Encodes texts in inference mode (no dropout, no autograd graph), {@code batchSize} texts per forward pass,
   * sorted by length to limit padding.
   */
  public float[][] encode(List<String> texts, int batchSize) {
    ensureOpen();
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    float[][] out = new float[texts.size()][];
    Integer[] order = new Integer[texts.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt(i -> texts.get(i).length()));
    ParameterStore ps = new ParameterStore(manager, false);
    try (NoGrad g = new NoGrad()) {
      for (int start = 0; start < order.length; start += batchSize) {
        int end = Math.min(order.length, start + batchSize);
        List<String> batch = new ArrayList<>();
        for (int i = start; i < end; i++) {
          batch.add(texts.get(order[i]));
        }
        try (NDManager sub = manager.newSubManager()) {
          NDArray v = block.forward(ps, tokenize(batch, sub, maxLength), false).singletonOrThrow();
          float[] flat = v.toFloatArray();
          for (int i = start; i < end; i++) {
            out[order[i]] = Arrays.copyOfRange(flat, (i - start) * dimension, (i - start + 1) * dimension);
          }
        }
      }
    }
    return out;
  }

  /**
   * Saves the tower as a sentence-transformers directory that {@link #load(Path)}, Winnow's
   * {@code Encoders.open} and Python's {@code SentenceTransformer(dir)} read, prompts and similarity included.
   * Replaces {@code dir} atomically ({@link AtomicDirectory#replace}): written beside it, then renamed, so a crash
   * at any moment leaves the previous save or this one.
   */
  public void save(Path dir) throws IOException {
    ensureOpen();
    AtomicDirectory.replace(dir, this::writeTo);
  }

  private void writeTo(Path tmp) throws IOException {
    Map<String, NDArray> weights = new LinkedHashMap<>();
    block.bert().parameters().forEach((k, p) -> weights.put(k, p.getArray()));
    Safetensors.write(tmp.resolve("model.safetensors"), weights);
    write(tmp.resolve("config.json"), block.bert().config().toJson());
    copyTokenizer(tokenizerFile, sourceDir, tmp);
    SentenceTransformersConfig st = SentenceTransformersConfig.builder(block.pooling(),
            block.bert().config().hiddenSize())
        .dense(block.dense() != null).normalize(block.normalize()).maxSeqLength(maxLength).prompts(prompts)
        .similarity(similarity).build();
    st.write(tmp);
    for (SentenceTransformersConfig.Module m : st.denseModules()) {
      Path denseDir = tmp.resolve(m.path());
      Map<String, NDArray> dw = new LinkedHashMap<>();
      dw.put("linear.weight", block.dense().getParameters().get("weight").getArray());
      dw.put("linear.bias", block.dense().getParameters().get("bias").getArray());
      Safetensors.write(denseDir.resolve("model.safetensors"), dw);
      JsonObject dc = new JsonObject();
      dc.addProperty("in_features", block.bert().config().hiddenSize());
      dc.addProperty("out_features", dimension);
      dc.addProperty("bias", true);
      dc.addProperty("activation_function", "torch.nn.modules.linear.Identity");
      write(denseDir.resolve("config.json"), pretty(dc));
    }
  }

  /**
   * Copies {@code tokenizer.json} into {@code dir}, and the source directory's {@code vocab.txt},
   * {@code tokenizer_config.json} and {@code special_tokens_map.json} when it has them (Python's tokenizers use
   * them); {@code sourceDir} may be null.
   */
  static void copyTokenizer(Path tokenizerFile, Path sourceDir, Path dir) throws IOException {
    Files.copy(tokenizerFile, dir.resolve("tokenizer.json"));
    if (sourceDir != null) {
      for (String f : new String[] {"vocab.txt", "tokenizer_config.json", "special_tokens_map.json"}) {
        if (Files.isRegularFile(sourceDir.resolve(f))) {
          Files.copy(sourceDir.resolve(f), dir.resolve(f));
        }
      }
    }
  }

  /** Releases the parameters and the tokenizer. Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      tokenizer.close();
      manager.close();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("tower is closed");
    }
  }

  @Override
  public String toString() {
    BertConfig c = block.bert().config();
    return "Tower[layers=" + c.numHiddenLayers() + ", hidden=" + c.hiddenSize() + ", heads="
        + c.numAttentionHeads() + ", pooling=" + block.pooling() + ", dim=" + dimension + ", normalize="
        + block.normalize() + ", maxLength=" + maxLength + "]";
  }



  private static String pretty(JsonElement e) {
    return new GsonBuilder().setPrettyPrinting().create().toJson(e);
  }

  private static void write(Path file, String text) throws IOException {
    Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
  }

  /** The sentence-transformers settings of a directory, checked against what a tower supports. */
  private record StSettings(Pooling pooling, Path denseDir, boolean normalize, int maxLength,
      Similarity similarity, Map<String, String> prompts) {
    static StSettings read(Path d, BertConfig config) {
      SentenceTransformersConfig st = SentenceTransformersConfig.read(d);
      Path denseDir = null;
      for (SentenceTransformersConfig.Module m : st.modules()) {
        if (m.is(SentenceTransformersConfig.Module.DENSE)) {
          if (denseDir != null) {
            throw new ModelLoadException(d + "/modules.json has several Dense modules; one is supported");
          }
          denseDir = d.resolve(m.path());
          JsonElement dc = json(denseDir.resolve("config.json"));
          String act = dc != null && dc.isJsonObject() && dc.getAsJsonObject().has("activation_function")
              ? dc.getAsJsonObject().get("activation_function").getAsString() : "";
          if (!act.endsWith("Identity")) {
            throw new ModelLoadException(denseDir + " uses activation '" + act + "'; only Identity is supported");
          }
        } else if (!m.is(SentenceTransformersConfig.Module.TRANSFORMER)
            && !m.is(SentenceTransformersConfig.Module.POOLING) && !m.is(SentenceTransformersConfig.Module.NORMALIZE)) {
          throw new ModelLoadException(d + "/modules.json has module type '" + m.type() + "', not supported");
        }
      }
      int maxLength = st.maxSeqLength() != null ? st.maxSeqLength() : Math.min(256, config.maxPositionEmbeddings());
      if (maxLength < 2 || maxLength > config.maxPositionEmbeddings()) {
        throw new ModelLoadException(d + ": max_seq_length " + maxLength + " must be in [2, "
            + config.maxPositionEmbeddings() + "]");
      }
      Pooling pooling = st.pooling() != null ? st.pooling() : Pooling.MEAN;
      return new StSettings(pooling, denseDir, st.normalize(), maxLength, st.similarityOrDefault(), st.prompts());
    }

    private static JsonElement json(Path f) {
      if (!Files.isRegularFile(f)) {
        return null;
      }
      try {
        return JsonParser.parseString(Files.readString(f, StandardCharsets.UTF_8));
      } catch (IOException | JsonParseException e) {
        throw new ModelLoadException("cannot read " + f + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * Builds a tower with random weights. Setters validate at once (IllegalArgumentException). Single use; not
   * thread-safe.
   */
  public static final class Builder {
    private final BertConfig config;
    private final Path tokenizerJson;
    private Pooling pooling = Pooling.MEAN;
    private int projection;
    private boolean normalize = true;
    private int maxLength;
    private Similarity similarity;
    private Map<String, String> prompts = Map.of();
    private long seed = 42;
    private boolean built;

    private Builder(BertConfig config, Path tokenizerJson) {
      this.config = config;
      this.tokenizerJson = tokenizerJson;
      this.maxLength = Math.min(256, config.maxPositionEmbeddings());
    }

    /** Pooling over tokens: CLS, MEAN (default), MEAN_SQRT_LEN or MAX. */
    public Builder pooling(Pooling pooling) {
      if (pooling == null || pooling == Pooling.POOLER) {
        throw new IllegalArgumentException("pooling must be CLS, MEAN, MEAN_SQRT_LEN or MAX, got " + pooling);
      }
      this.pooling = pooling;
      return this;
    }

    /** A linear projection (no activation) from the hidden size to {@code dim} after pooling; 0 = none (default). */
    public Builder projection(int dim) {
      if (dim < 0) {
        throw new IllegalArgumentException("projection must be >= 0 (0 = none), got " + dim);
      }
      this.projection = dim;
      return this;
    }

    /** L2-normalize vectors; default true. */
    public Builder normalize(boolean normalize) {
      this.normalize = normalize;
      return this;
    }

    /** Longest tokenized text, in [2, max_position_embeddings]; default min(256, max_position_embeddings). */
    public Builder maxLength(int maxLength) {
      if (maxLength < 2 || maxLength > config.maxPositionEmbeddings()) {
        throw new IllegalArgumentException("maxLength must be in [2, " + config.maxPositionEmbeddings()
            + "], got " + maxLength);
      }
      this.maxLength = maxLength;
      return this;
    }

    /** The similarity to report; default COSINE when normalizing, else DOT_PRODUCT. */
    public Builder similarity(Similarity similarity) {
      if (similarity == null) {
        throw new IllegalArgumentException("similarity is null");
      }
      this.similarity = similarity;
      return this;
    }

    /** sentence-transformers prompts saved with the tower, e.g. {@code query -> "query: "}; default none. */
    public Builder prompts(Map<String, String> prompts) {
      if (prompts == null) {
        throw new IllegalArgumentException("prompts is null");
      }
      this.prompts = Map.copyOf(prompts);
      return this;
    }

    /** Seed of PyTorch's generator for the initial weights; default 42. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Creates the tower. @throws IllegalStateException if called twice */
    public Tower build() {
      if (built) {
        throw new IllegalStateException("builder already used");
      }
      built = true;
      Engine engine = Engine.getEngine(ENGINE);
      engine.setRandomSeed((int) seed);
      NDManager m = engine.newBaseManager();
      try {
        BertBlock bert = new BertBlock(config, false);
        Linear dense = projection > 0 ? Layers.linear(projection) : null;
        TowerBlock block = new TowerBlock(bert, pooling, dense, normalize);
        block.initialize(m, DataType.FLOAT32, BertBlock.inputShapes(8));
        Similarity sim = similarity != null ? similarity : normalize ? Similarity.COSINE : Similarity.DOT_PRODUCT;
        return new Tower(m, block, tokenizerJson, tokenizerJson.getParent(), maxLength, sim, prompts,
            "random-" + java.util.UUID.randomUUID());
      } catch (RuntimeException e) {
        m.close();
        throw e;
      }
    }
  }
}
