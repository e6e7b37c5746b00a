package dev.winnow.train;

import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.winnow.ModelLoadException;
import dev.winnow.encoders.runtime.AtomicDirectory;
import dev.winnow.encoders.runtime.Tokenizers;
import dev.winnow.encoders.runtime.Tokenizers.PairTruncation;
import dev.winnow.train.internal.CrossEncoderBlock;
import dev.winnow.train.internal.Layers;
import dev.winnow.train.internal.NoGrad;
import dev.winnow.train.internal.Safetensors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trainable BERT cross-encoder, Hugging Face's {@code BertForSequenceClassification} with one label, on DJL's
 * PyTorch engine: {@code [CLS] query [SEP] passage [SEP]} (token types 0 then 1) through a {@link BertBlock}
 * with its pooler, then a {@code classifier} dense layer to one logit (relevance; higher is better).
 *
 * <pre>{@code
 * try (CrossEncoder ce = CrossEncoder.load(Path.of("../shared/models/all-MiniLM-L6-v2"), 256, 42)) {
 *   float[] logits = ce.logits(List.of("who wrote dune?"), List.of("Frank Herbert wrote Dune."), 16);
 *   ce.save(Path.of("cache/my-reranker"));   // Python: CrossEncoder("cache/my-reranker")
 * }
 * }</pre>
 *
 * <p>Loading: any BERT directory with {@code config.json}, {@code model.safetensors} and {@code tokenizer.json}.
 * A bi-encoder ({@code BertModel} names, e.g. all-MiniLM-L6-v2) gets a fresh classifier, and a fresh pooler when
 * its file has none, drawn from the PyTorch generator seeded with {@code seed}; a saved cross-encoder
 * ({@code bert.}-prefixed names plus {@code classifier.weight}/{@code classifier.bias}) continues where it
 * stopped. Pairs are cut to {@link #maxLength()} longest-first (Hugging Face's default, as
 * sentence-transformers' {@code CrossEncoder}): with a short query only the passage is cut.
 *
 * <p>Saving writes the Hugging Face layout Python's {@code CrossEncoder(dir)} loads: {@code model.safetensors}
 * (float32, {@code bert.*} and {@code classifier.*}), {@code config.json} ({@code BertForSequenceClassification},
 * one label), {@code tokenizer.json} and the source's {@code vocab.txt}, {@code tokenizer_config.json},
 * {@code special_tokens_map.json}, and {@code serving.properties} (sigmoid, maxLength) for Winnow.
 *
 * <p>Not thread-safe while training; {@link #logits} calls may run concurrently with each other. Owns its
 * parameters (native memory) until {@link #close()}; whoever loads it closes it.
 */
public final class CrossEncoder implements AutoCloseable {
  private static final String ENGINE = "PyTorch";

  private final NDManager manager;
  private final CrossEncoderBlock block;
  private final HuggingFaceTokenizer tokenizer;
  private final Path tokenizerFile;
  private final Path sourceDir;
  private final int maxLength;
  private final String fingerprint;
  private volatile boolean closed;

  private CrossEncoder(NDManager manager, CrossEncoderBlock block, Path tokenizerFile, Path sourceDir,
      int maxLength, String fingerprint) {
    this.manager = manager;
    this.block = block;
    this.tokenizerFile = tokenizerFile;
    this.sourceDir = sourceDir;
    this.maxLength = maxLength;
    this.fingerprint = fingerprint;
    try {
      this.tokenizer = Tokenizers.open(tokenizerFile, maxLength, PairTruncation.LONGEST_FIRST);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Loads a BERT directory as a cross-encoder (see the class doc).
   *
   * @param maxLength tokens per pair, special tokens included, in [8, max_position_embeddings]
   * @param seed seed of the fresh classifier (and pooler) when the directory has none
   * @throws ModelLoadException naming the missing or malformed file
   * @throws IllegalArgumentException if {@code maxLength} is out of range
   */
  public static CrossEncoder load(Path dir, int maxLength, long seed) {
    Path d = Tower.bertDirectory(dir);
    BertConfig config = BertConfig.read(d.resolve("config.json"));
    checkMaxLength(maxLength, config);
    Engine engine = Engine.getEngine(ENGINE);
    engine.setRandomSeed((int) seed);
    NDManager m = engine.newBaseManager();
    try {
      Path file = d.resolve("model.safetensors");
      Map<String, NDArray> weights = Tower.stripPrefix(Safetensors.read(file, m), "bert.");
      BertBlock bert = new BertBlock(config, true);
      Linear classifier = Layers.linear(1);
      CrossEncoderBlock block = new CrossEncoderBlock(bert, classifier);
      Map<String, Parameter> params = new LinkedHashMap<>(bert.parameters());
      if (!weights.containsKey("pooler.dense.weight")) {
        params.keySet().removeIf(k -> k.startsWith("pooler."));
      }
      Map<String, Parameter> head = new LinkedHashMap<>();
      Layers.name(classifier, "classifier", head);
      if (weights.containsKey("classifier.weight")) {
        params.putAll(head);
      }
      Tower.bindAll(params, weights, file);
      block.initialize(m, DataType.FLOAT32, BertBlock.inputShapes(8));
      weights.values().forEach(NDArray::close);
      String fp = Tower.fingerprint(file, d.resolve("tokenizer.json"));
      return new CrossEncoder(m, block, d.resolve("tokenizer.json"), d, maxLength, fp);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /** A cross-encoder with fresh random weights (normal 0.02, seeded), for tests and from-scratch training. */
  public static CrossEncoder random(BertConfig config, Path tokenizerJson, int maxLength, long seed) {
    if (config == null) {
      throw new IllegalArgumentException("config is null");
    }
    if (tokenizerJson == null || !Files.isRegularFile(tokenizerJson)) {
      throw new IllegalArgumentException("tokenizerJson must be an existing tokenizer.json file, got "
          + tokenizerJson);
    }
    checkMaxLength(maxLength, config);
    Engine engine = Engine.getEngine(ENGINE);
    engine.setRandomSeed((int) seed);
    NDManager m = engine.newBaseManager();
    try {
      CrossEncoderBlock block = new CrossEncoderBlock(new BertBlock(config, true), Layers.linear(1));
      block.initialize(m, DataType.FLOAT32, BertBlock.inputShapes(8));
      Path t = tokenizerJson.toAbsolutePath().normalize();
      return new CrossEncoder(m, block, t, t.getParent(), maxLength, "random-" + java.util.UUID.randomUUID());
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  private static void checkMaxLength(int maxLength, BertConfig config) {
    if (maxLength < 8 || maxLength > config.maxPositionEmbeddings()) {
      throw new IllegalArgumentException("maxLength must be in [8, " + config.maxPositionEmbeddings()
          + "] (max_position_embeddings), got " + maxLength);
    }
  }

  /** The whole model as one DJL block: (input_ids, attention_mask, token_type_ids) → logits [B]. */
  public CrossEncoderBlock block() {
    ensureOpen();
    return block;
  }

  /** The BERT shape. */
  public BertConfig config() {
    return block.bert().config();
  }

  /** Tokens per pair, special tokens included; longer pairs are cut longest-first. */
  public int maxLength() {
    return maxLength;
  }

  /**
   * The first 16 hex digits of the SHA-256 of the loaded {@code model.safetensors} and {@code tokenizer.json},
   * or {@code random-<uuid>}; training changes the weights, not this name.
   */
  public String fingerprint() {
    return fingerprint;
  }

  /**
   * Every parameter under its Hugging Face {@code BertForSequenceClassification} name
   * ({@code bert.embeddings.word_embeddings.weight}, …, {@code bert.pooler.dense.bias},
   * {@code classifier.weight}, {@code classifier.bias}), in a stable order.
   */
  public Map<String, Parameter> parameters() {
    ensureOpen();
    Map<String, Parameter> out = new LinkedHashMap<>();
    block.bert().parameters().forEach((k, v) -> out.put("bert." + k, v));
    Layers.name(block.classifier(), "classifier", out);
    return out;
  }

  NDManager manager() {
    return manager;
  }

  /**
   * Tokenizes pairs into a padded batch of {@code target}: (input_ids, attention_mask, token_type_ids), each
   * [pairs, longest] int64; pair i is {@code (queries[i], passages[i])}.
   *
   * @throws IllegalArgumentException if the lists differ in size, are empty, or hold null
   */
  public NDList tokenize(List<String> queries, List<String> passages, NDManager target) {
    ensureOpen();
    return Tower.padded(encode(queries, passages), maxLength, target);
  }

  private Encoding[] encode(List<String> queries, List<String> passages) {
    if (queries == null || passages == null) {
      throw new IllegalArgumentException((queries == null ? "queries" : "passages") + " is null");
    }
    if (queries.size() != passages.size()) {
      throw new IllegalArgumentException("queries and passages must pair up: " + queries.size() + " queries, "
          + passages.size() + " passages");
    }
    if (queries.isEmpty()) {
      throw new IllegalArgumentException("no pairs");
    }
    PairList<String, String> pairs = new PairList<>(queries.size());
    for (int i = 0; i < queries.size(); i++) {
      if (queries.get(i) == null || passages.get(i) == null) {
        throw new IllegalArgumentException((queries.get(i) == null ? "queries[" : "passages[") + i + "] is null");
      }
      pairs.add(queries.get(i), passages.get(i));
    }
    return tokenizer.batchEncode(pairs);
  }

  /**
   * Raw logits of pairs {@code (queries[i], passages[i])} in inference mode (no dropout, no autograd graph):
   * pairs sorted by token count and run {@code batchSize} at a time, so padding stays small.
   *
   * @return one logit per pair, in input order; empty for no pairs
   * @throws IllegalArgumentException if the lists differ in size or hold null, or {@code batchSize < 1}
   */
  public float[] logits(List<String> queries, List<String> passages, int batchSize) {
    ensureOpen();
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    if (queries != null && passages != null && queries.isEmpty() && passages.isEmpty()) {
      return new float[0];
    }
    Encoding[] enc = encode(queries, passages);
    Integer[] order = new Integer[enc.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt(i -> -enc[i].getIds().length));
    float[] out = new float[enc.length];
    ParameterStore ps = new ParameterStore(manager, false);
    try (NoGrad g = new NoGrad()) {
      for (int start = 0; start < order.length; start += batchSize) {
        int end = Math.min(order.length, start + batchSize);
        Encoding[] batch = new Encoding[end - start];
        for (int i = start; i < end; i++) {
          batch[i - start] = enc[order[i]];
        }
        try (NDManager sub = manager.newSubManager()) {
          float[] l = block.forward(ps, Tower.padded(batch, maxLength, sub), false).singletonOrThrow()
              .toFloatArray();
          for (int i = start; i < end; i++) {
            out[order[i]] = l[i - start];
          }
        }
      }
    }
    return out;
  }

  /**
   * Saves the Hugging Face {@code BertForSequenceClassification} directory (see the class doc). Replaces
   * {@code dir} atomically ({@link AtomicDirectory#replace}): a crash leaves the previous save or this one.
   */
  public void save(Path dir) throws IOException {
    ensureOpen();
    AtomicDirectory.replace(dir, this::writeTo);
  }

  private void writeTo(Path tmp) throws IOException {
    Map<String, NDArray> weights = new LinkedHashMap<>();
    parameters().forEach((k, p) -> weights.put(k, p.getArray()));
    Safetensors.write(tmp.resolve("model.safetensors"), weights);
    JsonObject c = JsonParser.parseString(config().toJson()).getAsJsonObject();
    JsonArray arch = new JsonArray();
    arch.add("BertForSequenceClassification");
    c.add("architectures", arch);
    JsonObject id2label = new JsonObject();
    id2label.addProperty("0", "LABEL_0");
    c.add("id2label", id2label);
    JsonObject label2id = new JsonObject();
    label2id.addProperty("LABEL_0", 0);
    c.add("label2id", label2id);
    JsonObject st = new JsonObject();
    st.addProperty("activation_fn", "torch.nn.modules.activation.Sigmoid");
    c.add("sentence_transformers", st);
    Files.writeString(tmp.resolve("config.json"), new GsonBuilder().setPrettyPrinting().create().toJson(c) + "\n",
        StandardCharsets.UTF_8);
    Tower.copyTokenizer(tokenizerFile, sourceDir, tmp);
    Files.writeString(tmp.resolve("serving.properties"), "# written by winnow-train CrossEncoder\n"
        + "sigmoid=true\nincludeTokenTypes=true\nmaxLength=" + maxLength + "\n",
        StandardCharsets.UTF_8);
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
      throw new IllegalStateException("cross-encoder is closed");
    }
  }

  @Override
  public String toString() {
    BertConfig c = config();
    return "CrossEncoder[layers=" + c.numHiddenLayers() + ", hidden=" + c.hiddenSize() + ", maxLength="
        + maxLength + ", " + fingerprint + "]";
  }
}
