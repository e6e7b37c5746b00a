package dev.winnow.rerank;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.util.PairList;
import dev.winnow.EncodingException;
import dev.winnow.ModelLoadException;
import dev.winnow.Reranker;
import dev.winnow.encoders.ModelFormat;
import dev.winnow.encoders.runtime.BatchPlanner;
import dev.winnow.encoders.runtime.ModelBuilder;
import dev.winnow.encoders.runtime.ModelDirectory;
import dev.winnow.encoders.runtime.TransformerModel;
import dev.winnow.encoders.runtime.TransformerModel.Output;
import dev.winnow.encoders.runtime.Tokenizers.PairTruncation;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A cross-encoder {@link Reranker}: a BERT-family sequence classifier (ONNX on OnnxRuntime, TorchScript on
 * PyTorch) reads {@code [CLS] query [SEP] passage [SEP]} (token types 0 then 1) and returns one logit.
 *
 * <pre>{@code
 * try (CrossEncoderReranker reranker = CrossEncoderReranker.open(Path.of("../shared/models/minilm-l6-reranker"))) {
 *   float[] scores = reranker.score("What is the capital of France?",
 *       List.of("Paris is the capital of France.", "Berlin is the capital of Germany."));
 * }
 * }</pre>
 *
 * <p>Scores: the sigmoid of the logit (the default, or {@code sigmoid=false} in {@code serving.properties}, or
 * {@link Builder#sigmoid(boolean)} for raw logits). Two-label classifiers score {@code logit[1] - logit[0]}, whose
 * sigmoid is the softmax probability of label 1.
 *
 * <p>Truncation keeps the query and cuts the passage to fit {@link #maxLength()} tokens. A query longer than half
 * of that is an exception to the rule: then the longer of the two is cut first (Hugging Face's
 * {@code longest_first}), so a long query still leaves room for the passage.
 *
 * <p>Batching: pairs are sorted by length and cut into padding-aware batches of at most
 * {@link Builder#batchSize(int)}. Dynamically quantized (int8) models quantize activations over the whole batch,
 * so a pair's score would depend on its neighbours; for them the default batch size is 1, which gives every
 * pair the score it gets alone.
 *
 * <p>{@link #modelId()} is {@code sha256:<digest>;sigmoid=…;maxLength=…;tokenTypes=…}: the digest covers the model
 * file and {@code tokenizer.json} by content, not the folder (README, "Model identity").
 *
 * <p>Thread-safe: one model, a pool of DJL predictors. Owns native memory until {@link #close()}, which waits for
 * running calls; afterwards every method but {@code close} throws {@link IllegalStateException}.
 */
public final class CrossEncoderReranker implements Reranker {
  private final TransformerModel model;
  private final HuggingFaceTokenizer keepQuery;
  private final boolean sigmoid;
  private final int maxLength;
  private final BatchPlanner batches;
  private final int labels;
  private final String modelId;
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private volatile boolean closed;

  private CrossEncoderReranker(Builder b, TransformerModel model, HuggingFaceTokenizer keepQuery,
      BatchPlanner batches) {
    ModelDirectory md = model.directory();
    this.model = model;
    this.keepQuery = keepQuery;
    this.sigmoid = b.sigmoid != null ? b.sigmoid : md.sigmoid() != null ? md.sigmoid() : true;
    this.maxLength = model.maxLength();
    this.batches = batches;
    // the files' content and the settings that change scores; not the folder's path or name
    this.modelId = model.contentId() + ";sigmoid=" + sigmoid + ";maxLength=" + maxLength + ";tokenTypes="
        + model.tokenTypes();
    // one forward pass checks that the model returns [batch, labels] logits with 1 or 2 labels
    Encoding[] probe = {model.tokenizer().encode("", "")};
    Output logits = logits(probe, model.forward(probe));
    this.labels = logits.dim(1);
    if (md.numLabels() != null && md.numLabels() != labels) {
      throw new ModelLoadException("model " + md.modelFile() + " returns " + labels + " logits per pair but its"
          + " config.json declares " + md.numLabels() + " labels");
    }
  }

  /** Loads a cross-encoder directory with the settings it states; see {@link #builder(Path)}. */
  public static CrossEncoderReranker open(Path modelPath) {
    return builder(modelPath).build();
  }

  /**
   * A builder for the cross-encoder at {@code modelPath}: a directory with {@code model.onnx} (or a TorchScript
   * {@code .pt}) and {@code tokenizer.json}, optionally {@code config.json} and {@code serving.properties}.
   */
  public static Builder builder(Path modelPath) {
    return new Builder(modelPath);
  }

  @Override
  public String modelId() {
    ensureOpen();
    return modelId;
  }

  /** Whether scores are sigmoid probabilities (true) or raw logits. */
  public boolean sigmoid() {
    ensureOpen();
    return sigmoid;
  }

  /** Maximum tokens per pair, special tokens included. */
  public int maxLength() {
    ensureOpen();
    return maxLength;
  }

  /** Pairs per forward pass. */
  public int batchSize() {
    ensureOpen();
    return batches.maxBatch();
  }

  /** The model's format, hence its engine. */
  public ModelFormat format() {
    ensureOpen();
    return model.directory().format();
  }

  @Override
  public float[] score(String query, List<String> passages) {
    Reranker.checkScore(query, passages);
    return scorePairs(Collections.nCopies(passages.size(), query), passages);
  }

  /**
   * {@inheritDoc}
   *
   * <p>All pairs go through one padding-aware batch plan, whatever their query, so a large call keeps every
   * batch full. Batch-dependence: none at the default batch size of dynamically quantized models (1), else
   * the float rounding of padded batches (within 1e-5 here).
   */
  @Override
  public float[] scorePairs(List<String> queries, List<String> passages) {
    Reranker.checkPairs(queries, passages);
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      if (queries.isEmpty()) {
        return new float[0];
      }
      // 1. per distinct query: keep it whole (cut only the passage) unless it is longer than half the length
      // 2. tokenize each group of pairs with its tokenizer, in one batch call per group
      // 3. run every encoding through one batch plan; the first column of each row is the score
      Map<String, Boolean> keepWhole = new HashMap<>();
      PairList<String, String> kept = new PairList<>();
      PairList<String, String> longest = new PairList<>();
      int[] at = new int[queries.size()];
      for (int i = 0; i < at.length; i++) {
        String q = queries.get(i);
        boolean keep = keepWhole.computeIfAbsent(q,
            x -> model.tokenizer().encode(x, false, false).getIds().length <= (maxLength - 3) / 2);
        PairList<String, String> group = keep ? kept : longest;
        at[i] = keep ? group.size() : -1 - group.size();
        group.add(q, passages.get(i));
      }
      Encoding[] a = kept.isEmpty() ? new Encoding[0] : keepQuery.batchEncode(kept);
      Encoding[] b = longest.isEmpty() ? new Encoding[0] : model.tokenizer().batchEncode(longest);
      Encoding[] encodings = new Encoding[at.length];
      for (int i = 0; i < at.length; i++) {
        encodings[i] = at[i] >= 0 ? a[at[i]] : b[-1 - at[i]];
      }
      float[][] rows = model.run(encodings, batches, this::scores);
      float[] out = new float[rows.length];
      for (int r = 0; r < rows.length; r++) {
        out[r] = rows[r][0];
      }
      return out;
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  private float[][] scores(Encoding[] batch, List<Output> outputs) {
    Output logits = logits(batch, outputs);
    int width = logits.dim(1);
    float[] data = logits.data();
    float[][] rows = new float[batch.length][];
    for (int r = 0; r < batch.length; r++) {
      double logit = width == 1 ? data[r] : data[r * 2 + 1] - data[r * 2];
      rows[r] = new float[] {(float) (sigmoid ? 1.0 / (1.0 + Math.exp(-logit)) : logit)};
    }
    return rows;
  }

  private Output logits(Encoding[] batch, List<Output> outputs) {
    for (Output o : outputs) {
      if (o.shape().length == 2 && o.dim(0) == batch.length && (o.dim(1) == 1 || o.dim(1) == 2)) {
        return o;
      }
    }
    throw new EncodingException("cross-encoder " + model.name() + " returned no [batch, 1] or [batch, 2] logits;"
        + " outputs: " + outputs, null);
  }

  /** Releases the model and tokenizers. Waits for running calls. Idempotent. */
  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        try {
          model.close();
        } finally {
          keepQuery.close();
        }
      }
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return "CrossEncoderReranker[" + modelId + ", " + model.directory().format() + ", labels=" + labels + "]";
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("reranker " + model.name() + " is closed");
    }
  }

  /**
   * Builds a {@link CrossEncoderReranker}. Setters validate at once ({@link IllegalArgumentException}); unset
   * settings come from the model directory. Single use; not thread-safe. Shared settings (format, maxLength,
   * batchSize, batchOverheadTokens, tokenTypes, intraOpThreads) are documented on {@link ModelBuilder}.
   */
  public static final class Builder extends ModelBuilder<Builder> {
    private Boolean sigmoid;

    private Builder(Path path) {
      super(path, 8);
    }

    @Override
    protected Builder self() {
      return this;
    }

    /** Sigmoid probabilities (true) or raw logits; default {@code serving.properties} sigmoid, else true. */
    public Builder sigmoid(boolean sigmoid) {
      this.sigmoid = sigmoid;
      return this;
    }

    /**
     * Loads the model and checks its output with one forward pass.
     *
     * @throws ModelLoadException if files are missing, the engine is absent, or the model does not return
     *     [batch, 1] or [batch, 2] logits
     * @throws IllegalStateException if called twice
     */
    public CrossEncoderReranker build() {
      TransformerModel model = loadModel();
      HuggingFaceTokenizer keepQuery = null;
      try {
        keepQuery = TransformerModel.newTokenizer(model.directory(), model.maxLength(), PairTruncation.SECOND_ONLY);
        return new CrossEncoderReranker(this, model, keepQuery, batchPlanner(model));
      } catch (RuntimeException e) {
        model.close();
        if (keepQuery != null) {
          keepQuery.close();
        }
        if (e instanceof ModelLoadException) {
          throw e;
        }
        throw new ModelLoadException("cannot load cross-encoder " + model.directory().modelFile() + ": "
            + e.getMessage(), e);
      }
    }
  }
}
