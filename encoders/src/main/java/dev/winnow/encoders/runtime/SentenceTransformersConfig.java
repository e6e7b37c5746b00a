package dev.winnow.encoders.runtime;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.winnow.ModelLoadException;
import dev.winnow.Similarity;
import dev.winnow.encoders.Pooling;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The sentence-transformers configuration of a model folder, read and written in one place: {@code modules.json}
 * (the module stack), the Pooling module's {@code config.json} (usually {@code 1_Pooling/}),
 * {@code sentence_bert_config.json} (maximum length), {@code config_sentence_transformers.json} (prompts,
 * similarity) and the Normalize module's folder (usually {@code 2_Normalize/}, empty).
 *
 * <pre>{@code
 * SentenceTransformersConfig st = SentenceTransformersConfig.read(dir);   // what the folder states
 * st.pooling(); st.normalize(); st.prompts(); st.similarityOrDefault();
 * SentenceTransformersConfig.builder(Pooling.MEAN, 384).normalize(true).maxSeqLength(256)
 *     .prompts(Map.of("query", "query: ")).build().write(tmp);         // a complete set of files
 * }</pre>
 *
 * <p>Reading is strict about what it uses and silent about the rest: a malformed file, a pooling config that
 * enables no or several supported modes, a non-integer length or a non-string prompt is a
 * {@link ModelLoadException} naming the file; module types it does not know are kept in {@link #modules()} for
 * the caller to accept or refuse. Absent files give null or empty components. Immutable.
 *
 * @param modules the module stack of {@code modules.json}, in order; empty when the file is absent
 * @param pooling the Pooling module's mode; null when no pooling config exists
 * @param dimension the Pooling config's {@code word_embedding_dimension}; null when not stated
 * @param maxSeqLength {@code sentence_bert_config.json}'s {@code max_seq_length}; null when not stated
 * @param prompts {@code config_sentence_transformers.json}'s prompts, e.g. {@code query -> "query: "}
 * @param similarity its {@code similarity_fn_name}; null when not stated (see {@link #similarityOrDefault()})
 */
public record SentenceTransformersConfig(List<Module> modules, Pooling pooling, Integer dimension,
    Integer maxSeqLength, Map<String, String> prompts, Similarity similarity) {
  public static final String MODULES = "modules.json";
  public static final String SENTENCE_BERT_CONFIG = "sentence_bert_config.json";
  public static final String CONFIG_SENTENCE_TRANSFORMERS = "config_sentence_transformers.json";

  /** One entry of {@code modules.json}. */
  public record Module(int idx, String name, String path, String type) {
    public static final String TRANSFORMER = "sentence_transformers.models.Transformer";
    public static final String POOLING = "sentence_transformers.models.Pooling";
    public static final String DENSE = "sentence_transformers.models.Dense";
    public static final String NORMALIZE = "sentence_transformers.models.Normalize";

    public Module {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(type, "type");
    }

    /** Whether the type is {@code kind} ({@code Pooling}, {@code Dense}, ...), in any package. */
    public boolean is(String kind) {
      return type.equals(kind) || type.endsWith("." + kind.substring(kind.lastIndexOf('.') + 1));
    }
  }

  public SentenceTransformersConfig {
    modules = List.copyOf(Objects.requireNonNull(modules, "modules"));
    prompts = Map.copyOf(Objects.requireNonNull(prompts, "prompts"));
    if (pooling == Pooling.POOLER) {
      throw new IllegalArgumentException("pooling POOLER has no sentence-transformers pooling mode");
    }
  }

  /** Whether the folder has a {@code modules.json} (then {@link #normalize()} is what it says, not a guess). */
  public boolean hasModules() {
    return !modules.isEmpty();
  }

  /** Whether the module stack ends in L2 normalization (a Normalize module). */
  public boolean normalize() {
    return modules.stream().anyMatch(m -> m.is(Module.NORMALIZE));
  }

  /** The Dense modules, in order. */
  public List<Module> denseModules() {
    return modules.stream().filter(m -> m.is(Module.DENSE)).toList();
  }

  /** The stated similarity, else COSINE, sentence-transformers' own default. */
  public Similarity similarityOrDefault() {
    return similarity != null ? similarity : Similarity.COSINE;
  }

  /**
   * A builder of the standard stack: Transformer, Pooling ({@code 1_Pooling}), then optionally Dense
   * ({@code 2_Dense}) and Normalize.
   *
   * @param dimension the token vectors' width ({@code word_embedding_dimension}), at least 1
   */
  public static Builder builder(Pooling pooling, int dimension) {
    return new Builder(pooling, dimension);
  }

  /**
   * Reads the sentence-transformers files of {@code dir}.
   *
   * @throws ModelLoadException naming the file and the rule when a file is malformed
   */
  public static SentenceTransformersConfig read(Path dir) {
    Path modulesFile = dir.resolve(MODULES);
    List<Module> modules = new ArrayList<>();
    JsonElement m = readJson(modulesFile);
    if (m != null) {
      if (!m.isJsonArray()) {
        throw new ModelLoadException(modulesFile + " must be a JSON array of modules, found " + kind(m));
      }
      int i = 0;
      for (JsonElement e : m.getAsJsonArray()) {
        if (!e.isJsonObject()) {
          throw new ModelLoadException(modulesFile + " must list JSON objects, found " + e);
        }
        JsonObject o = e.getAsJsonObject();
        String type = string(o, "type", modulesFile);
        if (type == null) {
          throw new ModelLoadException("module " + i + " in " + modulesFile + " has no type");
        }
        String path = string(o, "path", modulesFile);
        String name = string(o, "name", modulesFile);
        Integer idx = intOf(o, "idx", modulesFile);
        modules.add(new Module(idx == null ? i : idx, name == null ? Integer.toString(i) : name,
            path == null ? "" : path, type));
        i++;
      }
    }
    Path poolingConfig = dir.resolve("1_Pooling").resolve("config.json");
    for (Module mod : modules) {
      if (mod.is(Module.POOLING) && !mod.path().isEmpty()) {
        poolingConfig = dir.resolve(mod.path()).resolve("config.json");
      }
    }
    Pooling pooling = null;
    Integer dimension = null;
    JsonElement pool = readJson(poolingConfig);
    if (pool != null && pool.isJsonObject()) {
      pooling = poolingOf(pool.getAsJsonObject(), poolingConfig);
      dimension = positiveInt(pool.getAsJsonObject(), "word_embedding_dimension", poolingConfig);
    }
    Integer maxSeqLength = null;
    Path sbertFile = dir.resolve(SENTENCE_BERT_CONFIG);
    JsonElement sbert = readJson(sbertFile);
    if (sbert != null && sbert.isJsonObject()) {
      maxSeqLength = intOf(sbert.getAsJsonObject(), "max_seq_length", sbertFile); // range: the model's to check
    }
    Similarity similarity = null;
    Map<String, String> prompts = new LinkedHashMap<>();
    Path stFile = dir.resolve(CONFIG_SENTENCE_TRANSFORMERS);
    JsonElement st = readJson(stFile);
    if (st != null && st.isJsonObject()) {
      JsonObject c = st.getAsJsonObject();
      if (c.has("prompts") && c.get("prompts").isJsonObject()) {
        for (Map.Entry<String, JsonElement> e : c.getAsJsonObject("prompts").entrySet()) {
          if (!e.getValue().isJsonPrimitive() || !e.getValue().getAsJsonPrimitive().isString()) {
            throw new ModelLoadException("prompt '" + e.getKey() + "' in " + stFile + " must be a string, got "
                + e.getValue());
          }
          prompts.put(e.getKey(), e.getValue().getAsString());
        }
      }
      String fn = string(c, "similarity_fn_name", stFile);
      if (fn != null) {
        similarity = switch (fn) {
          case "cosine" -> Similarity.COSINE;
          case "dot", "dot_product" -> Similarity.DOT_PRODUCT;
          case "euclidean" -> Similarity.EUCLIDEAN;
          default -> throw new ModelLoadException("unsupported similarity_fn_name '" + fn + "' in " + stFile
              + "; expected cosine, dot or euclidean");
        };
      }
    }
    return new SentenceTransformersConfig(modules, pooling, dimension, maxSeqLength, prompts, similarity);
  }

  /**
   * Writes the files this configuration states into {@code dir} (which must exist): {@code modules.json}, the
   * Pooling module's {@code config.json}, the Normalize module's (empty) folder, the Dense modules' folders (their
   * weights and config are the caller's), {@code sentence_bert_config.json} and
   * {@code config_sentence_transformers.json}. Existing files of those names are replaced.
   *
   * @throws IllegalStateException if a Pooling module is listed but pooling or dimension is null
   */
  public void write(Path dir) throws IOException {
    JsonArray mods = new JsonArray();
    for (Module m : modules) {
      JsonObject o = new JsonObject();
      o.addProperty("idx", m.idx());
      o.addProperty("name", m.name());
      o.addProperty("path", m.path());
      o.addProperty("type", m.type());
      mods.add(o);
      if (m.is(Module.POOLING)) {
        if (pooling == null || dimension == null) {
          throw new IllegalStateException("a Pooling module needs pooling and dimension");
        }
        Path poolDir = Files.createDirectories(dir.resolve(m.path().isEmpty() ? "1_Pooling" : m.path()));
        JsonObject p = new JsonObject();
        p.addProperty("word_embedding_dimension", dimension);
        p.addProperty("pooling_mode_cls_token", pooling == Pooling.CLS);
        p.addProperty("pooling_mode_mean_tokens", pooling == Pooling.MEAN);
        p.addProperty("pooling_mode_max_tokens", pooling == Pooling.MAX);
        p.addProperty("pooling_mode_mean_sqrt_len_tokens", pooling == Pooling.MEAN_SQRT_LEN);
        write(poolDir.resolve("config.json"), p);
      } else if (!m.path().isEmpty() && (m.is(Module.NORMALIZE) || m.is(Module.DENSE))) {
        Files.createDirectories(dir.resolve(m.path()));
      }
    }
    if (!modules.isEmpty()) {
      write(dir.resolve(MODULES), mods);
    }
    if (maxSeqLength != null) {
      JsonObject s = new JsonObject();
      s.addProperty("max_seq_length", maxSeqLength);
      s.addProperty("do_lower_case", false);
      write(dir.resolve(SENTENCE_BERT_CONFIG), s);
    }
    JsonObject c = new JsonObject();
    JsonObject p = new JsonObject();
    prompts.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> p.addProperty(e.getKey(), e.getValue()));
    c.add("prompts", p);
    c.add("default_prompt_name", null);
    if (similarity != null) {
      c.addProperty("similarity_fn_name", switch (similarity) {
        case COSINE -> "cosine";
        case DOT_PRODUCT -> "dot";
        case EUCLIDEAN -> "euclidean";
      });
    }
    write(dir.resolve(CONFIG_SENTENCE_TRANSFORMERS), c);
  }

  /** Builds the standard module stack. Setters validate at once; single use; not thread-safe. */
  public static final class Builder {
    private final Pooling pooling;
    private final int dimension;
    private boolean dense;
    private boolean normalize;
    private Integer maxSeqLength;
    private Map<String, String> prompts = Map.of();
    private Similarity similarity;
    private boolean built;

    private Builder(Pooling pooling, int dimension) {
      if (pooling == null || pooling == Pooling.POOLER) {
        throw new IllegalArgumentException("pooling must be CLS, MEAN, MEAN_SQRT_LEN or MAX, got " + pooling);
      }
      if (dimension < 1) {
        throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
      }
      this.pooling = pooling;
      this.dimension = dimension;
    }

    /** A Dense module ({@code 2_Dense}) after pooling; default none. Its files are the caller's to write. */
    public Builder dense(boolean dense) {
      this.dense = dense;
      return this;
    }

    /** A Normalize module last; default none. */
    public Builder normalize(boolean normalize) {
      this.normalize = normalize;
      return this;
    }

    /** {@code max_seq_length}, at least 1; default unstated. */
    public Builder maxSeqLength(int maxSeqLength) {
      if (maxSeqLength < 1) {
        throw new IllegalArgumentException("maxSeqLength must be >= 1, got " + maxSeqLength);
      }
      this.maxSeqLength = maxSeqLength;
      return this;
    }

    /** Prompts by name, e.g. {@code query -> "query: "}; default none. */
    public Builder prompts(Map<String, String> prompts) {
      if (prompts == null) {
        throw new IllegalArgumentException("prompts is null");
      }
      this.prompts = Map.copyOf(prompts);
      return this;
    }

    /** {@code similarity_fn_name}; default unstated (readers assume cosine). */
    public Builder similarity(Similarity similarity) {
      if (similarity == null) {
        throw new IllegalArgumentException("similarity is null");
      }
      this.similarity = similarity;
      return this;
    }

    /** @throws IllegalStateException if called twice */
    public SentenceTransformersConfig build() {
      if (built) {
        throw new IllegalStateException("builder already used");
      }
      built = true;
      List<Module> m = new ArrayList<>();
      m.add(new Module(0, "0", "", Module.TRANSFORMER));
      m.add(new Module(1, "1", "1_Pooling", Module.POOLING));
      if (dense) {
        m.add(new Module(m.size(), Integer.toString(m.size()), m.size() + "_Dense", Module.DENSE));
      }
      if (normalize) {
        m.add(new Module(m.size(), Integer.toString(m.size()), m.size() + "_Normalize", Module.NORMALIZE));
      }
      return new SentenceTransformersConfig(m, pooling, dimension, maxSeqLength, prompts, similarity);
    }
  }

  private static Pooling poolingOf(JsonObject p, Path file) {
    List<Pooling> modes = new ArrayList<>();
    if (bool(p, "pooling_mode_cls_token")) {
      modes.add(Pooling.CLS);
    }
    if (bool(p, "pooling_mode_mean_tokens")) {
      modes.add(Pooling.MEAN);
    }
    if (bool(p, "pooling_mode_max_tokens")) {
      modes.add(Pooling.MAX);
    }
    if (bool(p, "pooling_mode_mean_sqrt_len_tokens")) {
      modes.add(Pooling.MEAN_SQRT_LEN);
    }
    for (String unsupported : new String[] {"pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken"}) {
      if (bool(p, unsupported)) {
        throw new ModelLoadException(file + " asks for " + unsupported + ", which Winnow does not support");
      }
    }
    if (modes.size() != 1) {
      throw new ModelLoadException(file + " must enable exactly one pooling mode, found " + modes
          + " (concatenated poolings are not supported)");
    }
    return modes.get(0);
  }

  private static String kind(JsonElement e) {
    return e.isJsonObject() ? "an object" : e.isJsonPrimitive() ? "a value" : "null";
  }

  /** {@code o[key]} as an exact JSON integer, null when absent or null. */
  /** {@code o[key]} as an exact integer, null when absent or JSON null; also used by {@link ModelDirectory}. */
  static Integer intOf(JsonObject o, String key, Path file) {
    if (!o.has(key) || o.get(key).isJsonNull()) {
      return null;
    }
    JsonElement e = o.get(key);
    if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
      try {
        return e.getAsBigDecimal().intValueExact();
      } catch (ArithmeticException | NumberFormatException notAnInt) {
        // reported below
      }
    }
    throw new ModelLoadException(key + " in " + file + " must be an integer, got " + e);
  }

  /** {@code o[key]} as an integer >= 1, null when absent; also used by {@link ModelDirectory}. */
  static Integer positiveInt(JsonObject o, String key, Path file) {
    Integer v = intOf(o, key, file);
    if (v != null && v < 1) {
      throw new ModelLoadException(key + " in " + file + " must be >= 1, got " + v);
    }
    return v;
  }

  private static boolean bool(JsonObject o, String key) {
    return o.has(key) && o.get(key).isJsonPrimitive() && o.get(key).getAsBoolean();
  }

  private static String string(JsonObject o, String key, Path file) {
    if (!o.has(key) || o.get(key).isJsonNull()) {
      return null;
    }
    if (!o.get(key).isJsonPrimitive()) {
      throw new ModelLoadException(key + " in " + file + " must be a string, got " + o.get(key));
    }
    return o.get(key).getAsString();
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

  private static void write(Path file, JsonElement json) throws IOException {
    Files.writeString(file, new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(json) + "\n",
        StandardCharsets.UTF_8);
  }
}
