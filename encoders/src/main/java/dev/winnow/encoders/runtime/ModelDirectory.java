package dev.winnow.encoders.runtime;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.winnow.ModelLoadException;
import dev.winnow.Similarity;
import dev.winnow.encoders.ModelFormat;
import dev.winnow.encoders.Pooling;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * What a model directory says about itself: the model file and its format, the tokenizer, and the settings
 * found in sentence-transformers files (read by {@link SentenceTransformersConfig}), Hugging Face's
 * {@code config.json} (hidden size, maximum positions, number of labels) and DJL's {@code serving.properties}
 * (engine, pooling, normalize, maxLength, includeTokenTypes, sigmoid). Settings the directory does not state are null.
 *
 * <p>Precedence when several files state a setting: sentence-transformers files, then {@code serving.properties}.
 * Numbers must be JSON integers (sizes, counts and positions at least 1); a file that breaks a rule is a
 * {@link ModelLoadException} naming the file, the key and the rule. Immutable.
 *
 * @param maxLengthSource the file that stated {@code maxLength}, or null when none did
 */
public record ModelDirectory(
    Path dir,
    ModelFormat format,
    Path modelFile,
    Path tokenizerFile,
    Pooling pooling,
    Boolean normalize,
    Integer maxLength,
    Path maxLengthSource,
    Boolean tokenTypes,
    Similarity similarity,
    Map<String, String> prompts,
    Integer dimension,
    Integer maxPositions,
    Integer numLabels,
    Boolean sigmoid) {

  /**
   * Reads a model directory (or a model file, whose folder is then the directory).
   *
   * @param path the directory or the model file
   * @param format the format to use, or null to choose it from the directory's contents
   * @throws ModelLoadException naming the path and what is missing or malformed
   */
  public static ModelDirectory read(Path path, ModelFormat format) {
    if (path == null) {
      throw new IllegalArgumentException("model path is null");
    }
    Path abs = path.toAbsolutePath().normalize();
    if (!Files.exists(abs)) {
      try {
        AtomicDirectory.recover(abs); // an interrupted save may have left the previous version beside it
      } catch (IOException e) {
        throw new ModelLoadException("model path does not exist: " + abs + ", and restoring "
            + AtomicDirectory.previousOf(abs) + " failed: " + e.getMessage(), e);
      }
    }
    if (!Files.exists(abs)) {
      throw new ModelLoadException("model path does not exist: " + abs);
    }
    Path dir = Files.isDirectory(abs) ? abs : abs.getParent();
    Path explicitFile = Files.isDirectory(abs) ? null : abs;

    Properties serving = readProperties(dir.resolve("serving.properties"));
    if (format == null && explicitFile != null) {
      format = formatOf(explicitFile);
    }
    if (format == null && serving.getProperty("engine") != null) {
      format = formatOfEngine(serving.getProperty("engine"), dir);
    }
    Path modelFile = explicitFile;
    if (modelFile == null) {
      String name = serving.getProperty("option.modelName");
      if (format == null || format == ModelFormat.ONNX) {
        modelFile = findModelFile(dir, ModelFormat.ONNX, name);
        if (modelFile != null) {
          format = ModelFormat.ONNX;
        }
      }
      if (modelFile == null && (format == null || format == ModelFormat.TORCHSCRIPT)) {
        modelFile = findModelFile(dir, ModelFormat.TORCHSCRIPT, name);
        if (modelFile != null) {
          format = ModelFormat.TORCHSCRIPT;
        }
      }
      if (modelFile == null) {
        throw new ModelLoadException(missingModelMessage(dir, format));
      }
    }
    if (format == null) {
      throw new ModelLoadException("cannot tell the format of model file " + modelFile
          + ": expected a .onnx (ONNX) or .pt/.torchscript (TorchScript) file, or choose the format explicitly");
    }

    Path tokenizer = dir.resolve("tokenizer.json");
    if (!Files.isRegularFile(tokenizer) && dir.getParent() != null && dir.getFileName().toString().equals("onnx")) {
      tokenizer = dir.getParent().resolve("tokenizer.json"); // HF layout: onnx/model.onnx + tokenizer.json above
    }
    if (!Files.isRegularFile(tokenizer)) {
      throw new ModelLoadException("model directory " + dir + " has no tokenizer.json (the HuggingFace tokenizer"
          + " file); found: " + listing(dir));
    }
    Path stDir = tokenizer.getParent();

    // sentence-transformers configuration
    SentenceTransformersConfig st = SentenceTransformersConfig.read(stDir);
    if (!st.denseModules().isEmpty()) {
      throw new ModelLoadException("model directory " + stDir + " has a sentence-transformers Dense module ("
          + st.denseModules().get(0).path() + "), which Winnow does not apply yet; its vectors would be wrong");
    }
    Pooling pooling = st.pooling();
    Boolean normalize = st.hasModules() ? st.normalize() : null;
    Integer dimension = st.dimension();
    Integer maxLength = st.maxSeqLength(); // range checked against the model
    Path maxLengthSource = maxLength == null ? null : stDir.resolve(SentenceTransformersConfig.SENTENCE_BERT_CONFIG);
    Similarity similarity = st.similarity();
    Map<String, String> prompts = st.prompts();
    // Hugging Face config.json
    Integer maxPositions = null;
    Integer numLabels = null;
    Path hfFile = stDir.resolve("config.json");
    JsonElement hf = readJson(hfFile);
    if (hf != null && hf.isJsonObject()) {
      JsonObject c = hf.getAsJsonObject();
      if (c.has("id2label") && c.get("id2label").isJsonObject()) {
        numLabels = c.getAsJsonObject("id2label").size();
      } else {
        numLabels = SentenceTransformersConfig.positiveInt(c, "num_labels", hfFile);
      }
      Integer hidden = SentenceTransformersConfig.positiveInt(c, "hidden_size", hfFile);
      if (dimension == null) {
        dimension = hidden;
      }
      maxPositions = SentenceTransformersConfig.positiveInt(c, "max_position_embeddings", hfFile);
    }
    // DJL serving.properties, for what sentence-transformers files did not say
    if (pooling == null && serving.getProperty("pooling") != null) {
      pooling = poolingOf(serving.getProperty("pooling"), dir.resolve("serving.properties"));
    }
    if (normalize == null && serving.getProperty("normalize") != null) {
      normalize = Boolean.parseBoolean(serving.getProperty("normalize"));
    }
    if (maxLength == null && serving.getProperty("maxLength") != null) {
      maxLengthSource = dir.resolve("serving.properties");
      maxLength = parseInt(serving.getProperty("maxLength"), "maxLength", maxLengthSource);
    }
    Boolean tokenTypes = serving.getProperty("includeTokenTypes") == null
        ? null : Boolean.parseBoolean(serving.getProperty("includeTokenTypes"));

    Boolean sigmoid = serving.getProperty("sigmoid") == null
        ? null : Boolean.parseBoolean(serving.getProperty("sigmoid"));

    return new ModelDirectory(dir, format, modelFile, tokenizer, pooling, normalize, maxLength, maxLengthSource, tokenTypes,
        similarity, prompts, dimension, maxPositions, numLabels, sigmoid);
  }

  /**
   * Whether {@code dir} holds an ONNX or TorchScript model file that {@link #read} would find (several
   * candidates count as yes: {@code read} then explains the ambiguity).
   */
  public static boolean hasModelFile(Path dir) {
    for (ModelFormat f : ModelFormat.values()) {
      try {
        if (findModelFile(dir, f, null) != null) {
          return true;
        }
      } catch (ModelLoadException e) {
        return true;
      }
    }
    return false;
  }

  private static ModelFormat formatOf(Path file) {
    String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (n.endsWith(".onnx")) {
      return ModelFormat.ONNX;
    }
    if (n.endsWith(".pt") || n.endsWith(".torchscript")) {
      return ModelFormat.TORCHSCRIPT;
    }
    return null;
  }

  private static ModelFormat formatOfEngine(String engine, Path dir) {
    return switch (engine.trim()) {
      case "OnnxRuntime" -> ModelFormat.ONNX;
      case "PyTorch" -> ModelFormat.TORCHSCRIPT;
      default -> throw new ModelLoadException("serving.properties in " + dir + " names engine '" + engine
          + "'; Winnow runs OnnxRuntime (ONNX) and PyTorch (TorchScript) models");
    };
  }

  private static Path findModelFile(Path dir, ModelFormat format, String modelName) {
    List<Path> candidates = new ArrayList<>();
    if (modelName != null) {
      candidates.add(dir.resolve(modelName + format.extension()));
    }
    candidates.add(dir.resolve("model" + format.extension()));
    candidates.add(dir.resolve(dir.getFileName() + format.extension()));
    if (format == ModelFormat.ONNX) {
      candidates.add(dir.resolve("onnx").resolve("model.onnx"));
    }
    for (Path c : candidates) {
      if (Files.isRegularFile(c)) {
        return c;
      }
    }
    List<Path> any = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(format.extension()))
          .forEach(any::add);
    } catch (IOException e) {
      throw new ModelLoadException("cannot list model directory " + dir, e);
    }
    if (any.size() > 1) {
      throw new ModelLoadException("model directory " + dir + " holds several " + format.extension()
          + " files " + any + "; name one with option.modelName in serving.properties or pass the file path");
    }
    return any.isEmpty() ? null : any.get(0);
  }

  private static String missingModelMessage(Path dir, ModelFormat format) {
    String expected = format == ModelFormat.TORCHSCRIPT
        ? "a TorchScript file (model.pt or <name>.pt)"
        : format == ModelFormat.ONNX
            ? "an ONNX file (model.onnx, onnx/model.onnx or <name>.onnx)"
            : "an ONNX file (model.onnx, onnx/model.onnx or <name>.onnx) or a TorchScript file (model.pt)";
    String hint = Files.isRegularFile(dir.resolve("model.safetensors"))
        ? "; it has model.safetensors: open it with Encoders.open(dir) with winnow-train (a Java BERT on the"
            + " PyTorch engine) on the classpath, or export the model to ONNX or TorchScript"
        : "";
    return "model directory " + dir + " has no model file: expected " + expected + "; found: " + listing(dir)
        + hint;
  }

  private static String listing(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      List<String> names = files.map(f -> f.getFileName().toString()).sorted().toList();
      return names.isEmpty() ? "nothing" : names.toString();
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  private static Pooling poolingOf(String value, Path file) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "cls" -> Pooling.CLS;
      case "mean" -> Pooling.MEAN;
      case "mean_sqrt_len" -> Pooling.MEAN_SQRT_LEN;
      case "max" -> Pooling.MAX;
      case "pooler", "pooler_output" -> Pooling.POOLER;
      default -> throw new ModelLoadException("unsupported pooling '" + value + "' in " + file
          + "; expected cls, mean, mean_sqrt_len, max or pooler");
    };
  }

  private static int parseInt(String value, String key, Path file) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new ModelLoadException(key + " in " + file + " is not an integer: '" + value + "'", e);
    }
  }

  private static JsonElement readJson(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return JsonParser.parseReader(r);
    } catch (IOException | JsonParseException e) {
      throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static Properties readProperties(Path file) {
    Properties p = new Properties();
    if (Files.isRegularFile(file)) {
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(r);
      } catch (IOException e) {
        throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
      }
    }
    return p;
  }
}
