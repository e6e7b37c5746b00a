package dev.winnow.encoders.internal;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.util.PairList;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.winnow.EncodingException;
import dev.winnow.ModelLoadException;
import dev.winnow.encoders.ModelFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A BERT-family transformer loaded through DJL with its HuggingFace tokenizer: runs padded batches of token
 * encodings and copies the outputs to the heap. The shared machinery of Winnow's encoders and cross-encoders.
 *
 * <p>Thread-safe for {@link #forward}: concurrent calls borrow their own DJL predictor from a pool (predictors
 * are not thread-safe; the pool grows to the highest concurrency seen). {@link #close()} must not run
 * concurrently with {@code forward}: owners guard it with their own lifecycle lock. Not part of the public API.
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
  private final ConcurrentLinkedQueue<Predictor<NDList, NDList>> idle = new ConcurrentLinkedQueue<>();
  private final List<Predictor<NDList, NDList>> predictors = new ArrayList<>();
  private boolean closed;

  private TransformerModel(ModelDirectory directory, Model model, HuggingFaceTokenizer tokenizer,
      List<String> inputs, int maxLength) {
    this.directory = directory;
    this.model = model;
    this.tokenizer = tokenizer;
    this.inputs = List.copyOf(inputs);
    this.maxLength = maxLength;
    this.dynamicallyQuantized = directory.format() == ModelFormat.ONNX
        && containsAscii(directory.modelFile(), "DynamicQuantizeLinear");
  }

  /**
   * Whether the model is an ONNX graph with dynamic (int8) quantization. Such a model quantizes activations with
   * one scale over its whole input batch, so an input's output depends on the other inputs of its batch (scores
   * of the int8 reranker moved by up to 0.40 here); run it one input per batch for exact, reproducible results.
   */
  public boolean dynamicallyQuantized() {
    return dynamicallyQuantized;
  }

  /** The default batch size: 1 for dynamically quantized models (exact results), else {@code size}. */
  public int defaultBatchSize(int size) {
    return dynamicallyQuantized ? 1 : size;
  }

  /** Whether the file contains {@code needle} (ASCII), e.g. an ONNX operator type name. */
  static boolean containsAscii(Path file, String needle) {
    byte[] n = needle.getBytes(StandardCharsets.US_ASCII);
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 20);
      byte[] carry = new byte[0];
      while (true) {
        buf.clear();
        int read = ch.read(buf);
        if (read < 0) {
          return false;
        }
        byte[] chunk = new byte[carry.length + read];
        System.arraycopy(carry, 0, chunk, 0, carry.length);
        System.arraycopy(buf.array(), 0, chunk, carry.length, read);
        outer:
        for (int i = 0; i + n.length <= chunk.length; i++) {
          for (int j = 0; j < n.length; j++) {
            if (chunk[i + j] != n[j]) {
              continue outer;
            }
          }
          return true;
        }
        carry = java.util.Arrays.copyOfRange(chunk, Math.max(0, chunk.length - n.length + 1), chunk.length);
      }
    } catch (IOException e) {
      throw new ModelLoadException("cannot read model file " + file, e);
    }
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
    HuggingFaceTokenizer tokenizer = newTokenizer(md, maxLength, false);
    Model model = null;
    OrtSession.SessionOptions sessionOptions = null;
    try {
      String file = md.modelFile().getFileName().toString();
      String modelName = file.substring(0, file.lastIndexOf('.'));
      model = Model.newInstance(modelName, engine);
      if (md.format() == ModelFormat.ONNX) {
        sessionOptions = ortOptions(intraOpThreads);
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
   * A tokenizer for the directory's {@code tokenizer.json}: special tokens added, no padding, truncation at
   * {@code maxLength}. For pairs, {@code truncateSecondOnly} cuts only the second text (the passage); otherwise the
   * longer of the two is cut first. The caller closes it.
   *
   * @throws ModelLoadException if the file cannot be loaded
   */
  public static HuggingFaceTokenizer newTokenizer(ModelDirectory md, int maxLength, boolean truncateSecondOnly) {
    try {
      HuggingFaceTokenizer.Builder tb = HuggingFaceTokenizer.builder()
          .optTokenizerPath(md.tokenizerFile())
          .optAddSpecialTokens(true)
          .optPadding(false)
          .optMaxLength(maxLength);
      if (truncateSecondOnly) {
        tb.optTruncateSecondOnly();
      } else {
        tb.optTruncation(true);
      }
      return tb.build();
    } catch (IOException | RuntimeException e) {
      throw new ModelLoadException("cannot load tokenizer " + md.tokenizerFile() + ": " + e.getMessage(), e);
    }
  }

  /**
   * ONNX Runtime settings: all graph optimizations, {@code threads} intra-op threads per call, and threads that
   * sleep instead of spinning between operators, since an embedded library shares its cores with the
   * application (spinning threads measured 35% slower here on 2 busy cores).
   */
  private static OrtSession.SessionOptions ortOptions(int threads) throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
    options.setIntraOpNumThreads(threads);
    options.setInterOpNumThreads(1);
    options.addConfigEntry("session.intra_op.allow_spinning", "0");
    return options;
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
    Predictor<NDList, NDList> predictor = borrow();
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
      NDList out = predictor.predict(in);
      List<Output> result = new ArrayList<>(out.size());
      for (NDArray a : out) {
        result.add(new Output(a.getName(), a.getShape().getShape(), a.toFloatArray()));
      }
      out.close();
      return result;
    } catch (TranslateException | EngineException e) {
      throw new EncodingException("model " + name() + " failed on a batch of " + rows + " sequences of up to "
          + seq + " tokens: " + e.getMessage(), e);
    } finally {
      idle.offer(predictor);
    }
  }

  /** Turns one batch's outputs into one result row per sequence of the batch. */
  @FunctionalInterface
  public interface RowReader {
    float[][] read(Encoding[] batch, List<Output> outputs);
  }

  /**
   * Runs many sequences in padding-aware batches and returns one row per sequence, in input order:
   * 1. sort by token length, longest first; 2. cut into batches with {@link #planBatches}; 3. forward each batch
   * and let {@code reader} turn its outputs into rows; 4. put the rows back at their input positions.
   *
   * @throws EncodingException naming the input indices of the failing batch; no partial result is returned
   */
  public float[][] run(Encoding[] encodings, int maxBatch, int overhead, RowReader reader) {
    Integer[] order = new Integer[encodings.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Integer.compare(encodings[b].getIds().length, encodings[a].getIds().length));
    int[] lengths = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      lengths[i] = encodings[order[i]].getIds().length;
    }
    float[][] out = new float[encodings.length][];
    int[] ends = planBatches(lengths, maxBatch, overhead);
    for (int b = 0, start = 0; b < ends.length; start = ends[b++]) {
      int end = ends[b];
      Encoding[] batch = new Encoding[end - start];
      for (int i = start; i < end; i++) {
        batch[i - start] = encodings[order[i]];
      }
      float[][] rows;
      try {
        rows = reader.read(batch, forward(batch));
      } catch (EncodingException e) {
        throw new EncodingException("the batch of inputs " + Arrays.asList(order).subList(start, end) + " failed: "
            + e.getMessage(), e.getCause());
      }
      for (int i = start; i < end; i++) {
        out[order[i]] = rows[i - start];
      }
    }
    return out;
  }

  /**
   * Cuts sequences sorted longest first into batches of at most {@code maxBatch} that minimize the padded work:
   * each batch costs {@code overhead + rows × its longest length} (in tokens), so short sequences are not padded
   * to a long neighbour when a separate call is cheaper. Dynamic programming over the sorted lengths,
   * O(n × maxBatch); ties go to larger batches.
   *
   * @return the exclusive end index of each batch, ascending
   */
  public static int[] planBatches(int[] sortedLengths, int maxBatch, int overhead) {
    int n = sortedLengths.length;
    long[] best = new long[n + 1]; // best[i]: cost of sequences i..n-1
    int[] cut = new int[n + 1];
    for (int i = n - 1; i >= 0; i--) {
      best[i] = Long.MAX_VALUE;
      for (int j = i + 1; j <= Math.min(n, i + maxBatch); j++) {
        long cost = overhead + (long) (j - i) * sortedLengths[i] + best[j];
        if (cost <= best[i]) {
          best[i] = cost;
          cut[i] = j;
        }
      }
    }
    List<Integer> ends = new ArrayList<>();
    for (int i = 0; i < n; i = cut[i]) {
      ends.add(cut[i]);
    }
    return ends.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The content digest of the model and tokenizer files ({@link ModelIdentity}), {@code sha256:<hex>}. */
  public String contentId() {
    return ModelIdentity.of(directory);
  }

  /** Whether the model is fed {@code token_type_ids}. */
  public boolean tokenTypes() {
    return inputs.contains("token_type_ids");
  }

  private Predictor<NDList, NDList> borrow() {
    Predictor<NDList, NDList> p = idle.poll();
    if (p == null) {
      p = model.newPredictor(new NoopTranslator());
      synchronized (predictors) {
        predictors.add(p);
      }
    }
    return p;
  }

  /** Closes predictors, the model and the tokenizer. Not concurrently with {@link #forward}. Idempotent. */
  @Override
  public void close() {
    synchronized (predictors) {
      if (closed) {
        return;
      }
      closed = true;
      predictors.forEach(Predictor::close);
      predictors.clear();
    }
    idle.clear();
    try {
      model.close();
    } finally {
      tokenizer.close();
    }
  }
}
