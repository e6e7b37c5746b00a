package dev.winnow.train;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.winnow.ModelLoadException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shape of a BERT encoder, as Hugging Face's {@code config.json} states it ({@code BertModel}).
 *
 * <pre>{@code
 * BertConfig minilm = BertConfig.read(Path.of("../shared/models/all-MiniLM-L6-v2/config.json"));
 * BertConfig small = new BertConfig(30522, 512, 3, 8, 2048, 64, 2, 1e-12f, 0.1f, 0.1f);
 * }</pre>
 *
 * <p>Only {@code hidden_act = "gelu"} (the exact, erf-based GELU) and absolute position embeddings are
 * supported; other values are refused when reading. Immutable.
 *
 * @param vocabSize {@code vocab_size}: rows of the word embedding
 * @param hiddenSize {@code hidden_size}: token vector width, a multiple of {@code numAttentionHeads}
 * @param numHiddenLayers {@code num_hidden_layers}: transformer layers
 * @param numAttentionHeads {@code num_attention_heads}
 * @param intermediateSize {@code intermediate_size}: width of the feed-forward layer
 * @param maxPositionEmbeddings {@code max_position_embeddings}: the longest sequence, special tokens included
 * @param typeVocabSize {@code type_vocab_size}: token types (segments)
 * @param layerNormEps {@code layer_norm_eps}
 * @param hiddenDropout {@code hidden_dropout_prob}, applied in training only
 * @param attentionDropout {@code attention_probs_dropout_prob}, applied in training only
 */
public record BertConfig(
    int vocabSize,
    int hiddenSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int intermediateSize,
    int maxPositionEmbeddings,
    int typeVocabSize,
    float layerNormEps,
    float hiddenDropout,
    float attentionDropout) {

  /** @throws IllegalArgumentException naming the field whose value is out of range */
  public BertConfig {
    positive(vocabSize, "vocabSize");
    positive(hiddenSize, "hiddenSize");
    positive(numHiddenLayers, "numHiddenLayers");
    positive(numAttentionHeads, "numAttentionHeads");
    positive(intermediateSize, "intermediateSize");
    positive(maxPositionEmbeddings, "maxPositionEmbeddings");
    positive(typeVocabSize, "typeVocabSize");
    if (hiddenSize % numAttentionHeads != 0) {
      throw new IllegalArgumentException("hiddenSize " + hiddenSize + " must be a multiple of numAttentionHeads "
          + numAttentionHeads);
    }
    if (!(layerNormEps > 0) || !Float.isFinite(layerNormEps)) {
      throw new IllegalArgumentException("layerNormEps must be finite and > 0, got " + layerNormEps);
    }
    probability(hiddenDropout, "hiddenDropout");
    probability(attentionDropout, "attentionDropout");
  }

  /** Width of one attention head. */
  public int headSize() {
    return hiddenSize / numAttentionHeads;
  }

  /**
   * Reads a Hugging Face {@code config.json}.
   *
   * @throws ModelLoadException if the file is missing, malformed, lacks a field, or asks for an unsupported
   *     activation, position embedding or architecture
   */
  public static BertConfig read(Path configJson) {
    JsonObject c;
    try (Reader r = Files.newBufferedReader(configJson, StandardCharsets.UTF_8)) {
      JsonElement e = JsonParser.parseReader(r);
      if (!e.isJsonObject()) {
        throw new ModelLoadException(configJson + " is not a JSON object");
      }
      c = e.getAsJsonObject();
    } catch (IOException | JsonParseException e) {
      throw new ModelLoadException("cannot read " + configJson + ": " + e.getMessage(), e);
    }
    String type = string(c, "model_type", "bert");
    if (!type.equals("bert")) {
      throw new ModelLoadException(configJson + " has model_type '" + type + "'; only 'bert' is supported");
    }
    String act = string(c, "hidden_act", "gelu");
    if (!act.equals("gelu")) {
      throw new ModelLoadException(configJson + " has hidden_act '" + act + "'; only 'gelu' (exact) is supported");
    }
    String pos = string(c, "position_embedding_type", "absolute");
    if (!pos.equals("absolute")) {
      throw new ModelLoadException(configJson + " has position_embedding_type '" + pos
          + "'; only 'absolute' is supported");
    }
    try {
      return new BertConfig(integer(c, "vocab_size", configJson), integer(c, "hidden_size", configJson),
          integer(c, "num_hidden_layers", configJson), integer(c, "num_attention_heads", configJson),
          integer(c, "intermediate_size", configJson), integer(c, "max_position_embeddings", configJson),
          c.has("type_vocab_size") ? c.get("type_vocab_size").getAsInt() : 2,
          c.has("layer_norm_eps") ? c.get("layer_norm_eps").getAsFloat() : 1e-12f,
          c.has("hidden_dropout_prob") ? c.get("hidden_dropout_prob").getAsFloat() : 0.1f,
          c.has("attention_probs_dropout_prob") ? c.get("attention_probs_dropout_prob").getAsFloat() : 0.1f);
    } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
      throw new ModelLoadException("invalid " + configJson + ": " + e.getMessage(), e);
    }
  }

  /** This configuration as a Hugging Face {@code config.json} ({@code BertModel}, float32). */
  public String toJson() {
    JsonObject c = new JsonObject();
    com.google.gson.JsonArray arch = new com.google.gson.JsonArray();
    arch.add("BertModel");
    c.add("architectures", arch);
    c.addProperty("model_type", "bert");
    c.addProperty("attention_probs_dropout_prob", attentionDropout);
    c.addProperty("hidden_act", "gelu");
    c.addProperty("hidden_dropout_prob", hiddenDropout);
    c.addProperty("hidden_size", hiddenSize);
    c.addProperty("initializer_range", 0.02);
    c.addProperty("intermediate_size", intermediateSize);
    c.addProperty("layer_norm_eps", layerNormEps);
    c.addProperty("max_position_embeddings", maxPositionEmbeddings);
    c.addProperty("num_attention_heads", numAttentionHeads);
    c.addProperty("num_hidden_layers", numHiddenLayers);
    c.addProperty("pad_token_id", 0);
    c.addProperty("position_embedding_type", "absolute");
    c.addProperty("torch_dtype", "float32");
    c.addProperty("type_vocab_size", typeVocabSize);
    c.addProperty("vocab_size", vocabSize);
    return new GsonBuilder().setPrettyPrinting().create().toJson(c);
  }

  private static String string(JsonObject c, String key, String dflt) {
    return c.has(key) && c.get(key).isJsonPrimitive() ? c.get(key).getAsString() : dflt;
  }

  private static int integer(JsonObject c, String key, Path file) {
    if (!c.has(key)) {
      throw new ModelLoadException(file + " lacks " + key);
    }
    return c.get(key).getAsInt();
  }

  private static void positive(int v, String name) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be > 0, got " + v);
    }
  }

  private static void probability(float p, String name) {
    if (!(p >= 0 && p < 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1), got " + p);
    }
  }
}
