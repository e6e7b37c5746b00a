package dev.winnow.encoders.runtime;

import dev.winnow.ModelLoadException;
import dev.winnow.encoders.ModelFormat;
import java.nio.file.Path;

/**
 * The settings every DJL-hosted transformer shares (encoders and cross-encoders): format, maximum length, batch
 * size and planning, token types, threads. Setters validate at once ({@link IllegalArgumentException}); settings
 * left unset come from the model directory. Single use; not thread-safe. Public and supported: Winnow's
 * {@code DjlEncoder.Builder} and {@code CrossEncoderReranker.Builder} extend it, and so may a new DJL-hosted
 * model type in another module; {@link #loadModel()} hands the subclass a {@link TransformerModel} it then owns.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class ModelBuilder<B extends ModelBuilder<B>> {
  private final Path path;
  private final int minLength;
  private ModelFormat format;
  private Integer maxLength;
  private Integer batchSize;
  private int batchOverheadTokens = 16;
  private Boolean tokenTypes;
  private int intraOpThreads = Runtime.getRuntime().availableProcessors();
  private boolean built;

  protected ModelBuilder(Path path, int minLength) {
    if (path == null) {
      throw new IllegalArgumentException("modelPath is null");
    }
    this.path = path;
    this.minLength = minLength;
  }

  protected abstract B self();

  /** Runs the model as this format (engine) instead of choosing from the directory's files. */
  public B format(ModelFormat format) {
    if (format == null) {
      throw new IllegalArgumentException("format is null");
    }
    this.format = format;
    return self();
  }

  /**
   * Maximum sequence length in tokens (a pair's, for cross-encoders), special tokens included, up to the model's
   * {@code max_position_embeddings}. Default: {@code sentence_bert_config.json} max_seq_length, else
   * {@code serving.properties} maxLength, else the model's maximum positions (at most 512).
   */
  public B maxLength(int maxLength) {
    if (maxLength < minLength) {
      throw new IllegalArgumentException("maxLength must be >= " + minLength + ", got " + maxLength);
    }
    this.maxLength = maxLength;
    return self();
  }

  /**
   * Inputs per forward pass, in [1, 4096]; default 32, or 1 for dynamically quantized (int8) ONNX models, whose
   * outputs otherwise depend on the other inputs of their batch (activations are quantized over the whole batch;
   * measured: cross-encoder scores moved by up to 0.40). Larger batches amortize per-call overhead; each batch
   * holds {@code batchSize × longest × hidden} floats.
   */
  public B batchSize(int batchSize) {
    if (batchSize < 1 || batchSize > 4096) {
      throw new IllegalArgumentException("batchSize must be in [1, 4096], got " + batchSize);
    }
    this.batchSize = batchSize;
    return self();
  }

  /**
   * The fixed cost of one forward pass, in padded tokens, that batch planning weighs against padding; in
   * [0, 1,000,000], default 16 (measured 10-20 for MiniLM on ONNX Runtime, 2 cores). Inputs sorted by length are
   * cut into batches of at most {@link #batchSize(int)} minimizing {@code Σ (overhead + rows × longest)}, so a
   * short input is not padded to a long neighbour when a separate call is cheaper. 0 favours many exact batches;
   * a very large value gives the fewest batches whatever the padding.
   */
  public B batchOverheadTokens(int tokens) {
    if (tokens < 0 || tokens > 1_000_000) {
      throw new IllegalArgumentException("batchOverheadTokens must be in [0, 1000000], got " + tokens);
    }
    this.batchOverheadTokens = tokens;
    return self();
  }

  /**
   * Whether the model takes {@code token_type_ids}. ONNX models declare their inputs, so this is only needed for
   * TorchScript models whose {@code serving.properties} does not say ({@code includeTokenTypes}); default true.
   */
  public B tokenTypes(boolean tokenTypes) {
    this.tokenTypes = tokenTypes;
    return self();
  }

  /**
   * ONNX Runtime intra-op threads per call, in [1, 256]; default the number of processors. Ignored by the
   * PyTorch engine, which reads {@code -Dai.djl.pytorch.num_threads}.
   */
  public B intraOpThreads(int threads) {
    if (threads < 1 || threads > 256) {
      throw new IllegalArgumentException("intraOpThreads must be in [1, 256], got " + threads);
    }
    this.intraOpThreads = threads;
    return self();
  }

  /**
   * Reads the directory, resolves the maximum length and loads the model; the builder is used up.
   *
   * @throws IllegalStateException if called twice
   * @throws IllegalArgumentException if the maxLength set here exceeds the model's maximum positions
   * @throws ModelLoadException if the directory or model cannot be loaded, or the directory's own maximum length
   *     is outside [minimum, maximum positions] (the message names the file and the rule)
   */
  protected final TransformerModel loadModel() {
    if (built) {
      throw new IllegalStateException("builder already used");
    }
    built = true;
    ModelDirectory md = ModelDirectory.read(path, format);
    int positions = md.maxPositions() == null ? 512 : md.maxPositions();
    String positionsFrom = md.maxPositions() == null
        ? "512, assumed because no config.json states max_position_embeddings"
        : "max_position_embeddings in " + md.dir().resolve("config.json");
    int length;
    if (maxLength != null) {
      length = maxLength;
      if (length > positions) {
        throw new IllegalArgumentException("maxLength " + length + " exceeds the model's maximum positions "
            + positions + " (" + positionsFrom + ")");
      }
    } else if (md.maxLength() != null) {
      // a directory's own setting breaking the rule is a broken model, not a bad argument
      length = md.maxLength();
      if (length < minLength || length > positions) {
        String key = md.maxLengthSource().getFileName().toString().equals("serving.properties")
            ? "maxLength" : "max_seq_length";
        throw new ModelLoadException(key + " " + length + " in " + md.maxLengthSource() + " must be in ["
            + minLength + ", " + positions + "]: at least the special tokens, at most the model's maximum positions ("
            + positionsFrom + ")");
      }
    } else {
      length = Math.min(positions, 512);
      if (length < minLength) {
        throw new ModelLoadException("the model's maximum positions " + length + " (" + positionsFrom
            + ") leave no room for text: at least " + minLength + " are needed");
      }
    }
    return TransformerModel.load(md, length, tokenTypes, intraOpThreads);
  }

  /** The batch size: the one set, else the model's default. */
  protected final int batchSize(TransformerModel model) {
    return batchSize != null ? batchSize : model.defaultBatchSize(32);
  }

  protected final int batchOverheadTokens() {
    return batchOverheadTokens;
  }

  /** The batch planner of the settings: {@link #batchSize(TransformerModel)} and the overhead tokens. */
  protected final BatchPlanner batchPlanner(TransformerModel model) {
    return new BatchPlanner(batchSize(model), batchOverheadTokens);
  }
}
