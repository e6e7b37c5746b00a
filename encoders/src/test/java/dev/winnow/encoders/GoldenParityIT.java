package dev.winnow.encoders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.winnow.testing.Shared;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The default encoder (all-MiniLM-L6-v2 ONNX from the Maven artifact) and the TorchScript fixture reproduce the
 * golden sentence-transformers vectors, one text per call and batched with padding.
 */
class GoldenParityIT {
  static final double MIN_COSINE = 0.9999;
  static DjlEncoder onnx;

  @BeforeAll
  static void load() {
    onnx = DjlEncoder.builder(BundledModel.ALL_MINILM_L6_V2.extract()).batchSize(8).build();
  }

  @AfterAll
  static void close() {
    onnx.close();
  }

  @Test
  void defaultModelSettings() {
    assertEquals(384, onnx.dimension());
    assertEquals(Pooling.MEAN, onnx.pooling());
    assertTrue(onnx.normalize());
    assertEquals(256, onnx.maxLength());
    assertEquals(ModelFormat.ONNX, onnx.format());
  }

  @Test
  void onnxMatchesGoldenUnbatchedAndBatched() {
    checkGolden(onnx, "onnx");
  }

  @Test
  void torchScriptMatchesGoldenUnbatchedAndBatched() {
    try (DjlEncoder ts = DjlEncoder.builder(Shared.require("models/all-MiniLM-L6-v2-torchscript"))
        .batchSize(8).build()) {
      assertEquals(ModelFormat.TORCHSCRIPT, ts.format());
      assertEquals(384, ts.dimension());
      assertEquals(256, ts.maxLength());
      checkGolden(ts, "torchscript");
    }
  }

  @Test
  void tokenizerMatchesGoldenIds() {
    for (Golden.Item item : Golden.embeddings()) {
      TokenEmbeddings t = onnx.tokenEmbeddings(item.text());
      long[] ids = new long[t.size()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = t.id(i);
      }
      assertArrayEquals(item.inputIds(), ids, item.id());
    }
  }

  @Test
  void seedSimilarityExample() {
    JsonObject g = Golden.json("minilm_similarities.json");
    List<String> candidates = new ArrayList<>();
    g.getAsJsonArray("candidates").forEach(c -> candidates.add(c.getAsString()));
    float[] golden = Golden.floats(g.getAsJsonArray("cosine"));
    float[] q = onnx.encode(g.get("query").getAsString());
    float[][] c = onnx.encode(candidates);
    double[] published = {1.0, 0.7976, 0.4001, 0.3559, 0.0972};
    StringBuilder line = new StringBuilder("seed example cosines:");
    for (int i = 0; i < c.length; i++) {
      float cos = onnx.similarity().score(q, c[i]);
      line.append(String.format(Locale.ROOT, " %.4f", cos));
      assertEquals(published[i], cos, 5e-4, "3 decimals, candidate " + i);
      assertEquals(golden[i], cos, 1e-4, "golden, candidate " + i);
    }
    System.out.println(line);
  }

  @Test
  void batTokenVectorsMatchGolden() {
    JsonObject g = Golden.json("minilm_bat_tokens.json");
    float[][] rows = new float[2][];
    int k = 0;
    for (String key : List.of("bat_animal", "bat_baseball")) {
      JsonObject s = g.getAsJsonObject("sentences").getAsJsonObject(key);
      TokenEmbeddings t = onnx.tokenEmbeddings(s.get("text").getAsString());
      int index = t.indexOf("bat");
      assertEquals(s.get("bat_token_index").getAsInt(), index);
      rows[k] = t.vector(index);
      float[] expected = Golden.floats(s.getAsJsonArray("last_hidden_state_row"));
      double diff = Golden.maxAbsDiff(expected, rows[k]);
      assertTrue(diff < 1e-4, key + " max |diff| " + diff);
      k++;
    }
    double cos = Golden.cosine(rows[0], rows[1]);
    System.out.printf(Locale.ROOT, "bat token cosine: %.6f (golden %.6f)%n", cos,
        g.get("cosine_bat_rows").getAsDouble());
    assertEquals(g.get("cosine_bat_rows").getAsDouble(), cos, 1e-4);
  }

  static void checkGolden(DjlEncoder encoder, String label) {
    List<Golden.Item> items = Golden.embeddings();
    List<String> texts = items.stream().map(Golden.Item::text).toList();
    float[][] batched = encoder.encode(texts);
    double worst = 1;
    double worstDiff = 0;
    for (int i = 0; i < items.size(); i++) {
      Golden.Item item = items.get(i);
      float[] single = encoder.encode(item.text());
      double cs = Golden.cosine(item.embedding(), single);
      double cb = Golden.cosine(item.embedding(), batched[i]);
      assertTrue(cs >= MIN_COSINE, label + " unbatched " + item.id() + " cosine " + cs);
      assertTrue(cb >= MIN_COSINE, label + " batched " + item.id() + " cosine " + cb);
      worst = Math.min(worst, Math.min(cs, cb));
      worstDiff = Math.max(worstDiff, Math.max(Golden.maxAbsDiff(item.embedding(), single),
          Golden.maxAbsDiff(item.embedding(), batched[i])));
    }
    System.out.printf(Locale.ROOT, "%s vs golden: %d sentences, min cosine %.8f, max |diff| %.2e%n",
        label, items.size(), worst, worstDiff);
  }
}
