package dev.winnow.encoders;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.inference.Predictor;
import dev.winnow.DualEncoder;
import dev.winnow.Encoder;
import dev.winnow.EncodingException;
import dev.winnow.ModelLoadException;
import dev.winnow.Similarity;
import dev.winnow.encoders.runtime.BatchPlanner;
import dev.winnow.encoders.runtime.ModelBuilder;
import dev.winnow.encoders.runtime.ModelDirectory;
import dev.winnow.encoders.runtime.Pooler;
import dev.winnow.encoders.runtime.TransformerModel;
import dev.winnow.encoders.runtime.TransformerModel.Output;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * An {@link Encoder} running a BERT-family transformer through Deep Java Library: ONNX models on the
 * OnnxRuntime engine, TorchScript models on the PyTorch engine, the HuggingFace tokenizer from the model's own
 * {@code tokenizer.json}.
 *
 * <pre>{@code
 * try (DjlEncoder encoder = DjlEncoder.defaultModel()) {             // all-MiniLM-L6-v2, bundled
 *   float[][] v = encoder.encode(List.of("The bat flew out of the cave.", "He swung the bat."));
 * }
 * DjlEncoder e = DjlEncoder.builder(Path.of("models/bge-small"))     // any model directory
 *     .pooling(Pooling.CLS).maxLength(512).batchSize(16).build();
 * }</pre>
 *
 * <p>Settings come from, in order: the builder, the directory's sentence-transformers files, its
 * {@code serving.properties}, then defaults (mean pooling, no normalization, the model's maximum positions).
 *
 * <p>Batching: texts are tokenized, sorted by token length, cut into batches of at most
 * {@link Builder#batchSize(int)} texts where padding would cost more than another forward pass
 * ({@link Builder#batchOverheadTokens(int)}), and padded to the longest text of each batch; results come back
 * in input order. Padding is masked, so a
 * text's vector does not depend on its batch (up to float rounding).
 *
 * <p>Texts longer than {@link #maxLength()} tokens (special tokens included) are truncated to their first
 * tokens, as in sentence-transformers, or refused with {@link Truncation#REJECT}.
 *
 * <p>{@link #modelId()} is {@code sha256:<digest>;pooling=…;normalize=…;maxLength=…;tokenTypes=…}: the digest covers
 * the model file (and ONNX external data) and {@code tokenizer.json} by content, not the folder's path or name
 * (README, "Model identity"); the settings are the ones that change vectors.
 *
 * <p>Thread-safe: one model is shared; each concurrent call borrows its own DJL {@link Predictor} from a pool
 * (predictors are not thread-safe). Owns native memory until {@link #close()}, which waits for running calls;
 * afterwards every method but {@code close} throws {@link IllegalStateException}.
 */
public final class DjlEncoder implements Encoder {
  private final TransformerModel model;
  private final String name;
  private final ModelFormat format;
  private final Pooling pooling;
  private final boolean normalize;
  private final int maxLength;
  private final Truncation truncation;
  private final BatchPlanner batches;
  private final Similarity similarity;
  private final int dimension;
  private final Map<String, String> prompts;
  private final String modelId;

  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private volatile boolean closed;

  private DjlEncoder(Builder b, TransformerModel model, BatchPlanner batches) {
    ModelDirectory md = model.directory();
    this.model = model;
    this.name = model.name();
    this.format = md.format();
    this.pooling = first(b.pooling, md.pooling(), Pooling.MEAN);
    this.normalize = first(b.normalize, md.normalize(), Boolean.FALSE);
    this.maxLength = model.maxLength();
    this.truncation = b.truncation;
    this.batches = batches;
    this.similarity = first(b.similarity, md.similarity(), Similarity.COSINE);
    this.prompts = md.prompts();
    // the files' content and the settings that change vectors; not the folder's path or name
    this.modelId = model.contentId() + ";pooling=" + pooling + ";normalize=" + normalize + ";maxLength=" + maxLength
        + ";tokenTypes=" + model.tokenTypes();
    // One forward pass over an empty text checks the outputs against the settings and finds the hidden size
    // of models whose directory does not state it (TorchScript exports without config.json).
    Forward probe = forward(tokenize(List.of("")));
    if (pooling == Pooling.POOLER && probe.pooler == null) {
      throw new ModelLoadException("pooling POOLER needs a [batch, " + probe.hiddenSize + "] pooler output, but"
          + " model " + md.modelFile() + " returns none; use CLS or MEAN");
    }
    if (md.dimension() != null && md.dimension() != probe.hiddenSize) {
      throw new ModelLoadException("model " + md.modelFile() + " returns " + probe.hiddenSize
          + "-dimensional token vectors but its configuration says " + md.dimension());
    }
    this.dimension = probe.hiddenSize;
  }

  /** The default model, all-MiniLM-L6-v2 (ONNX), from the classpath; see {@link BundledModel#ALL_MINILM_L6_V2}. */
  public static DjlEncoder defaultModel() {
    return builder(BundledModel.ALL_MINILM_L6_V2.extract()).build();
  }

  /** Loads a model directory with the settings it states; see {@link #builder(Path)}. */
  public static DjlEncoder open(Path modelPath) {
    return builder(modelPath).build();
  }

  /**
   * A builder for the model at {@code modelPath}: a directory with a model file ({@code model.onnx},
   * {@code onnx/model.onnx}, {@code <dir>.onnx}, {@code model.pt}, {@code <dir>.pt}) and {@code tokenizer.json},
   * or the model file itself.
   */
  public static Builder builder(Path modelPath) {
    return new Builder(modelPath);
  }

  @Override
  public int dimension() {
    ensureOpen();
    return dimension;
  }

  @Override
  public Similarity similarity() {
    ensureOpen();
    return similarity;
  }

  @Override
  public String modelId() {
    ensureOpen();
    return modelId;
  }

  /** The pooling in use. */
  public Pooling pooling() {
    ensureOpen();
    return pooling;
  }

  /** Whether vectors are L2-normalized. */
  public boolean normalize() {
    ensureOpen();
    return normalize;
  }

  /** Maximum sequence length in tokens, {@code [CLS]} and {@code [SEP]} included. */
  public int maxLength() {
    ensureOpen();
    return maxLength;
  }

  /** The model's format, hence its engine. */
  public ModelFormat format() {
    ensureOpen();
    return format;
  }

  /** Texts per forward pass. */
  public int batchSize() {
    ensureOpen();
    return batches.maxBatch();
  }

  /** The sentence-transformers prompts of the model directory (e.g. {@code query -> "query: "}); may be empty. */
  public Map<String, String> prompts() {
    ensureOpen();
    return prompts;
  }

  /**
   * This encoder as a dual encoder: with the directory's {@code query} and {@code passage} (or
   * {@code document}) prompts as prefixes when it states them, otherwise one model for both sides. A view: the
   * caller still closes this encoder, and closing the view does nothing; wrap it in
   * {@link DualEncoder#owning(DualEncoder)} to hand the encoder over.
   */
  public DualEncoder asDualEncoder() {
    ensureOpen();
    String q = prompts.getOrDefault("query", "");
    String p = prompts.getOrDefault("passage", prompts.getOrDefault("document", ""));
    return q.isEmpty() && p.isEmpty() ? DualEncoder.shared(this) : DualEncoder.withPrefixes(this, q, p);
  }

  @Override
  public float[][] encode(List<String> texts) {
    Encoder.checkTexts(texts);
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      if (texts.isEmpty()) {
        return new float[0][];
      }
      return model.run(tokenize(texts), batches,
          (batch, outputs) -> pool(forward(batch, outputs), batch));
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * Contextual token embeddings of one text (no prefix is added): each word piece with its last-hidden-state
   * vector, before pooling and normalization.
   *
   * @throws IllegalArgumentException if {@code text} is null, or too long under {@link Truncation#REJECT}
   */
  public TokenEmbeddings tokenEmbeddings(String text) {
    ensureOpen();
    if (text == null) {
      throw new IllegalArgumentException("text is null");
    }
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      Encoding e = tokenize(List.of(text))[0];
      Forward f = forward(new Encoding[] {e});
      int seq = e.getIds().length;
      float[][] vectors = new float[seq][];
      for (int t = 0; t < seq; t++) {
        vectors[t] = Arrays.copyOfRange(f.hidden, t * f.hiddenSize, (t + 1) * f.hiddenSize);
      }
      return new TokenEmbeddings(Arrays.asList(e.getTokens()), e.getIds(), vectors);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /** Number of tokens each text becomes after truncation, special tokens included. */
  public int[] tokenCounts(List<String> texts) {
    Encoder.checkTexts(texts);
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      Encoding[] e = texts.isEmpty() ? new Encoding[0] : model.tokenizer().batchEncode(texts);
      return Arrays.stream(e).mapToInt(x -> x.getIds().length).toArray();
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /** Releases predictors, the model and the tokenizer. Waits for running calls. Idempotent. */
  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        model.close();
      }
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return "DjlEncoder[" + modelId + ", " + format + ", dim=" + dimension + "]";
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("encoder " + name + " is closed");
    }
  }

  private Encoding[] tokenize(List<String> texts) {
    Encoding[] encodings = model.tokenizer().batchEncode(texts);
    if (truncation == Truncation.REJECT) {
      for (int i = 0; i < encodings.length; i++) {
        if (encodings[i].exceedMaxLength()) {
          throw new IllegalArgumentException("texts[" + i + "] is longer than maxLength " + maxLength
              + " tokens and truncation is REJECT");
        }
      }
    }
    return encodings;
  }

  /** The outputs pooling needs: the last hidden state [rows, seq, hidden] and the pooler output, if any. */
  private record Forward(float[] hidden, int seqLength, int hiddenSize, float[] pooler) {}

  private Forward forward(Encoding[] batch) {
    return forward(batch, model.forward(batch));
  }

  private Forward forward(Encoding[] batch, List<Output> outputs) {
    Output hidden = null;
    Output pooled = null;
    for (Output o : outputs) {
      if (hidden == null && o.shape().length == 3) {
        hidden = o;
      } else if (pooled == null && o.shape().length == 2 && o.dim(0) == batch.length) {
        pooled = o;
      }
    }
    if (hidden == null) {
      throw new EncodingException("model " + name + " returned no [batch, tokens, hidden] output; outputs: "
          + outputs, null);
    }
    if (pooled != null && pooled.dim(1) != hidden.dim(2)) {
      pooled = null; // e.g. classification logits: not a pooler output
    }
    return new Forward(hidden.data(), hidden.dim(1), hidden.dim(2), pooled == null ? null : pooled.data());
  }

  private float[][] pool(Forward f, Encoding[] batch) {
    int[] lengths = new int[batch.length];
    for (int r = 0; r < batch.length; r++) {
      lengths[r] = batch[r].getIds().length; // attention mask is 1 exactly on the first len positions
    }
    return Pooler.pool(pooling, normalize, f.hidden, f.seqLength, f.hiddenSize, f.pooler, lengths);
  }

  private static <T> T first(T a, T b, T c) {
    return a != null ? a : b != null ? b : c;
  }

  /**
   * Builds a {@link DjlEncoder}. Every setter validates its argument at once ({@link IllegalArgumentException});
   * settings left unset come from the model directory. Single use; not thread-safe. Shared settings (format,
   * maxLength, batchSize, batchOverheadTokens, tokenTypes, intraOpThreads) are documented on {@link ModelBuilder}.
   */
  public static final class Builder extends ModelBuilder<Builder> {
    private Pooling pooling;
    private Boolean normalize;
    private Truncation truncation = Truncation.TRUNCATE;
    private Similarity similarity;

    private Builder(Path path) {
      super(path, 2);
    }

    @Override
    protected Builder self() {
      return this;
    }

    /** Pooling; default from {@code 1_Pooling/config.json} or {@code serving.properties}, else MEAN. */
    public Builder pooling(Pooling pooling) {
      this.pooling = nonNull(pooling, "pooling");
      return this;
    }

    /** L2-normalize vectors; default true when {@code modules.json} has a Normalize module, else false. */
    public Builder normalize(boolean normalize) {
      this.normalize = normalize;
      return this;
    }

    /** What to do with texts longer than maxLength; default {@link Truncation#TRUNCATE}. */
    public Builder truncation(Truncation truncation) {
      this.truncation = nonNull(truncation, "truncation");
      return this;
    }

    /** The similarity to report; default from {@code config_sentence_transformers.json}, else COSINE. */
    public Builder similarity(Similarity similarity) {
      this.similarity = nonNull(similarity, "similarity");
      return this;
    }

    /**
     * Loads the model and checks it with one forward pass.
     *
     * @throws ModelLoadException if a file is missing, the engine is not on the classpath, the model refuses to
     *     load, or its outputs do not fit the settings (e.g. POOLER without a pooler output)
     * @throws IllegalStateException if called twice
     */
    public DjlEncoder build() {
      TransformerModel model = loadModel();
      try {
        return new DjlEncoder(this, model, batchPlanner(model));
      } catch (RuntimeException e) {
        model.close();
        if (e instanceof ModelLoadException) {
          throw e;
        }
        throw new ModelLoadException("cannot load model " + model.directory().modelFile() + ": " + e.getMessage(),
            e);
      }
    }

    private static <T> T nonNull(T value, String name) {
      if (value == null) {
        throw new IllegalArgumentException(name + " is null");
      }
      return value;
    }
  }
}
