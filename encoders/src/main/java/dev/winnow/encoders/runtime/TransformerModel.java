package dev.winnow.encoders.runtime;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.TranslateException;
import ai.djl.util.PairList;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.winnow.EncodingException;
import dev.winnow.ModelLoadException;
import dev.winnow.encoders.ModelFormat;
import dev.winnow.encoders.runtime.Tokenizers.PairTruncation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A BERT-family transformer loaded through DJL with its Hugging Face tokenizer: runs padded batches of token
 * encodings and copies the outputs to the heap. The engine half of Winnow's encoders and cross-encoders; the
 * other jobs live in their own classes: {@link ModelDirectory} (what a folder holds), {@link Tokenizers},
 * {@link PredictorPool}, {@link BatchPlanner} and {@link OnnxGraph} (quantization).
 *
 * <pre>{@code
 * try (TransformerModel m = TransformerModel.load(ModelDirectory.read(dir, null), 256, null, 2)) {
 *   float[][] rows = m.run(m.tokenizer().batchEncode(texts), new BatchPlanner(32, 16), reader);
 * }
 * }</pre>
 *
 * <p>Thread-safe for {@link #forward} and {@link #run}: concurrent calls borrow their own DJL predictor from a
 * {@link PredictorPool}. {@link #close()} must not run concurrently with them: owners guard it with their own
 * lifecycle lock. Owns the model, its predictors and its tokenizer; whoever loads it closes it.
 */
public final class TransformerModel implements AutoCloseable {
  private static final Set<String> KNOWN_INPUTS = Set.of("input_ids", "attention_mask", "token_type_ids");

  /** One model output copied to the heap, row-major. */
  public record Output(String name, long[] shape, float[] data) {
    /** Size of dimension {@code i}. */
    public int dim(int i) {
      return (int) shape[i];
    }

    @Override
    public String toString() {
      return (name == null ? "?" : name) + java.util.Arrays.toString(shape);
    }
  }

  private final ModelDirectory directory;
  private final Model model;
  private final HuggingFaceTokenizer tokenizer;
  private final List<String> inputs;
  private final int maxLength;
  private final boolean dynamicallyQuantized;
  private final PredictorPool predictors;
  private boolean closed;

  private TransformerModel(ModelDirectory directory, Model model, HuggingFaceTokenizer tokenizer,
      List<String> inputs, int maxLength) {
    this.directory = directory;
    this.model = model;
    this.tokenizer = tokenizer;
    this.inputs = List.copyOf(inputs);
    this.maxLength = maxLength;
    this.dynamicallyQuantized = directory.format() == ModelFormat.ONNX
        && OnnxGraph.read(directory.modelFile()).dynamicallyQuantized();
    this.predictors = new PredictorPool(model);
  }

  /**
   * Whether the model is an ONNX graph with dynamic (int8) quantization, read from its operators
   * ({@link OnnxGraph#dynamicallyQuantized()}). Such a model quantizes activations with one scale over its whole
   * input batch, so an input's output depends on the other inputs of its batch (scores of the int8 reranker moved
   * by up to 0.40 here); run it one input per batch for exact, reproducible results.
   */
  public boolean dynamicallyQuantized() {
    return dynamicallyQuantized;
  }

  /** The default batch size: 1 for dynamically quantized models (exact results), else {@code size}. */
  public int defaultBatchSize(int size) {
    return dynamicallyQuantized ? 1 : size;
  }

  /**
   * Loads the model and tokenizer of a model directory.
   *
   * @param md the directory
   * @param maxLength tokens per sequence (or pair), special tokens included; longer input is truncated
   *     (longest first for pairs)
   * @param tokenTypes whether the model takes token_type_ids, or null to read it from the model or directory
   * @param intraOpThreads ONNX Runtime threads per call
   * @throws ModelLoadException if the engine is missing or the model or tokenizer cannot be loaded
   */
  public static TransformerModel load(ModelDirectory md, int maxLength, Boolean tokenTypes, int intraOpThreads) {
    String engine = md.format().engine();
    if (!Engine.hasEngine(engine)) {
      throw new ModelLoadException("model " + md.modelFile() + " is " + md.format() + " and needs DJL's "
          + engine + " engine, which is not on the classpath"
          + (md.format() == ModelFormat.TORCHSCRIPT
              ? ": add ai.djl.pytorch:pytorch-engine, pytorch-jni and pytorch-native-cpu" : ""));
    }
    HuggingFaceTokenizer tokenizer = Tokenizers.open(md.tokenizerFile(), maxLength, PairTruncation.LONGEST_FIRST);
    Model model = null;
    OrtSession.SessionOptions sessionOptions = null;
    try {
      String file = md.modelFile().getFileName().toString();
      String modelName = file.substring(0, file.lastIndexOf('.'));
      model = Model.newInstance(modelName, engine);
      if (md.format() == ModelFormat.ONNX) {
        sessionOptions = OnnxSessionOptions.create(intraOpThreads);
        model.load(md.modelFile().getParent(), modelName, Map.of("sessionOptions", sessionOptions));
      } else {
        model.load(md.modelFile().getParent(), modelName, Map.of("mapLocation", "true"));
      }
      return new TransformerModel(md, model, tokenizer, inputsOf(model, md, tokenTypes), maxLength);
    } catch (MalformedModelException | IOException | OrtException | RuntimeException e) {
      try {
        if (model != null) {
          model.close();
        }
      } finally {
        tokenizer.close();
      }
      if (e instanceof ModelLoadException || e instanceof IllegalArgumentException) {
        throw (RuntimeException) e;
      }
      throw new ModelLoadException("cannot load " + md.format() + " model " + md.modelFile() + ": "
          + e.getMessage(), e);
    } finally {
      if (sessionOptions != null) {
        sessionOptions.close(); // the session keeps what it needs
      }
    }
  }

  /**
   * A tokenizer for the directory's {@code tokenizer.json} ({@link Tokenizers#open}); the caller closes it.
   *
   * @throws ModelLoadException if the file cannot be loaded
   */
  public static HuggingFaceTokenizer newTokenizer(ModelDirectory md, int maxLength, PairTruncation pairs) {
    return Tokenizers.open(md.tokenizerFile(), maxLength, pairs);
  }

  private static List<String> inputsOf(Model model, ModelDirectory md, Boolean tokenTypes) {
    PairList<String, Shape> declared = model.describeInput();
    if (md.format() == ModelFormat.ONNX && declared != null && !declared.isEmpty()) {
      List<String> names = declared.keys();
      for (String n : names) {
        if (!KNOWN_INPUTS.contains(n)) {
          throw new ModelLoadException("model " + md.modelFile() + " takes input '" + n + "'; Winnow feeds "
              + KNOWN_INPUTS + " (inputs: " + names + ")");
        }
      }
      if (!names.contains("input_ids")) {
        throw new ModelLoadException("model " + md.modelFile() + " has no input_ids input (inputs: " + names + ")");
      }
      if (tokenTypes != null && tokenTypes != names.contains("token_type_ids")) {
        throw new IllegalArgumentException("tokenTypes(" + tokenTypes + ") contradicts model " + md.modelFile()
            + ", whose inputs are " + names);
      }
      return names;
    }
    boolean types = tokenTypes != null ? tokenTypes : md.tokenTypes() != null ? md.tokenTypes() : true;
    return types ? List.of("input_ids", "attention_mask", "token_type_ids") : List.of("input_ids", "attention_mask");
  }

  /** The directory the model came from. */
  public ModelDirectory directory() {
    return directory;
  }

  /** Maximum tokens per sequence (or pair), special tokens included. */
  public int maxLength() {
    return maxLength;
  }

  /** The tokenizer from the model's {@code tokenizer.json}. Thread-safe. */
  public HuggingFaceTokenizer tokenizer() {
    return tokenizer;
  }

  /** The model folder's name. */
  public String name() {
    return directory.dir().getFileName().toString();
  }

  /**
   * Runs one batch, padded to its longest encoding (attention mask 0 on padding).
   *
   * @throws EncodingException if the engine fails
   */
  public List<Output> forward(Encoding[] batch) {
    int rows = batch.length;
    int seq = 0;
    for (Encoding e : batch) {
      seq = Math.max(seq, e.getIds().length);
    }
    long[] ids = new long[rows * seq];
    long[] mask = new long[rows * seq];
    long[] types = new long[rows * seq];
    for (int r = 0; r < rows; r++) {
      long[] id = batch[r].getIds();
      System.arraycopy(id, 0, ids, r * seq, id.length);
      System.arraycopy(batch[r].getAttentionMask(), 0, mask, r * seq, id.length);
      System.arraycopy(batch[r].getTypeIds(), 0, types, r * seq, id.length);
    }
    try (NDManager manager = model.getNDManager().newSubManager()) {
      Shape shape = new Shape(rows, seq);
      NDList in = new NDList(inputs.size());
      for (String input : inputs) {
        long[] data = switch (input) {
          case "input_ids" -> ids;
          case "attention_mask" -> mask;
          default -> types;
        };
        NDArray a = manager.create(data, shape);
        a.setName(input);
        in.add(a);
      }
      NDList out = predictors.apply(p -> p.predict(in));
      List<Output> result = new ArrayList<>(out.size());
      for (NDArray a : out) {
        result.add(new Output(a.getName(), a.getShape().getShape(), a.toFloatArray()));
      }
      out.close();
      return result;
    } catch (TranslateException | EngineException e) {
      throw new EncodingException("model " + name() + " failed on a batch of " + rows + " sequences of up to "
          + seq + " tokens: " + e.getMessage(), e);
    }
  }

  /** Turns one batch's outputs into one result row per sequence of the batch. */
  @FunctionalInterface
  public interface RowReader {
    float[][] read(Encoding[] batch, List<Output> outputs);
  }

  /**
   * Runs many sequences in padding-aware batches and returns one row per sequence, in input order:
   * 1. plan batches with {@code planner} (longest first); 2. forward each batch and let {@code reader} turn its
   * outputs into rows; 3. put the rows back at their input positions.
   *
   * @throws EncodingException naming the input indices of the failing batch; no partial result is returned
   */
  public float[][] run(Encoding[] encodings, BatchPlanner planner, RowReader reader) {
    int[] lengths = new int[encodings.length];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = encodings[i].getIds().length;
    }
    float[][] out = new float[encodings.length][];
    for (int[] indices : planner.plan(lengths)) {
      Encoding[] batch = new Encoding[indices.length];
      for (int i = 0; i < indices.length; i++) {
        batch[i] = encodings[indices[i]];
      }
      float[][] rows;
      try {
        rows = reader.read(batch, forward(batch));
      } catch (EncodingException e) {
        throw new EncodingException("the batch of inputs " + Arrays.toString(indices) + " failed: "
            + e.getMessage(), e.getCause());
      }
      for (int i = 0; i < indices.length; i++) {
        out[indices[i]] = rows[i];
      }
    }
    return out;
  }

  /** The content digest of the model and tokenizer files ({@link ModelIdentity}), {@code sha256:<hex>}. */
  public String contentId() {
    return ModelIdentity.of(directory);
  }

  /** Whether the model is fed {@code token_type_ids}. */
  public boolean tokenTypes() {
    return inputs.contains("token_type_ids");
  }

  /** Closes predictors, the model and the tokenizer. Not concurrently with {@link #forward}. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      predictors.close();
    } finally {
      try {
        model.close();
      } finally {
        tokenizer.close();
      }
    }
  }
}
