package dev.winnow.encoders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.DualEncoder;
import dev.winnow.testing.FakeEncoder;
import dev.winnow.testing.Shared;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The three shapes of dual encoder on real models: one model (MiniLM), one model with prefixes (e5-small-v2
 * int8), two models (MiniLM ONNX for questions + MiniLM TorchScript for passages), plus CLS pooling (bge).
 */
class DualEncoderIT {
  static final String QUESTION = "What is the tallest mountain in the world?";
  static final List<String> PASSAGES = List.of(
      "The tallest mountain in the world is Mount Everest.",
      "Mount Shasta",
      "I like my hike in the mountains",
      "I am going to a yoga class");

  static final BundledModel E5_SMALL_V2_Q = new BundledModel("e5-small-v2-q", "e5-small-v2-q.onnx",
      "e5-small-v2-q-tokenizer.json", 384, Pooling.MEAN, true, 512,
      Map.of("query", "query: ", "passage", "passage: "));
  static final BundledModel BGE_SMALL_EN_V15 = new BundledModel("bge-small-en-v1.5", "bge-small-en-v1.5.onnx",
      "bge-small-en-v1.5-tokenizer.json", 384, Pooling.CLS, true, 512, Map.of());

  static float[] scores(DualEncoder dual) {
    float[] q = dual.encodeQueries(List.of(QUESTION))[0];
    float[][] p = dual.encodePassages(PASSAGES);
    float[] s = new float[p.length];
    for (int i = 0; i < p.length; i++) {
      s[i] = dual.similarity().score(q, p[i]);
    }
    return s;
  }

  static void assertEverestFirst(String label, float[] s) {
    System.out.printf(Locale.ROOT, "%s: %.4f %.4f %.4f %.4f%n", label, s[0], s[1], s[2], s[3]);
    for (int i = 1; i < s.length; i++) {
      assertTrue(s[0] > s[i], label + ": the Everest passage must outrank passage " + i);
    }
  }

  @Test
  void oneModelForBothSides() {
    try (DjlEncoder minilm = DjlEncoder.defaultModel()) {
      DualEncoder dual = minilm.asDualEncoder();
      assertEquals(dual.queries(), dual.passages());
      assertEquals(32, ((DjlEncoder) dual.queries()).batchSize(), "fp32 MiniLM batches");
      float[] s = scores(dual);
      assertEverestFirst("minilm shared", s);
      assertEquals(0.7976, s[0], 5e-4);
    }
  }

  @Test
  void oneModelWithPrefixes() {
    DjlEncoder e5 = DjlEncoder.open(E5_SMALL_V2_Q.extract());
    assertEquals(Map.of("query", "query: ", "passage", "passage: "), e5.prompts());
    assertEquals(1, e5.batchSize(), "int8 dynamic quantization: one text per batch by default");
    float[][] together = e5.encode(PASSAGES);
    for (int i = 0; i < PASSAGES.size(); i++) {
      assertArrayEquals(e5.encode(PASSAGES.get(i)), together[i], "exact whatever the neighbours");
    }
    try (DjlEncoder batching = DjlEncoder.builder(E5_SMALL_V2_Q.extract()).batchSize(32).build()) {
      float[][] batched = batching.encode(PASSAGES);
      double worst = 1;
      for (int i = 0; i < PASSAGES.size(); i++) {
        worst = Math.min(worst, Golden.cosine(together[i], batched[i]));
      }
      System.out.printf(Locale.ROOT, "e5-small-v2-q batched vs alone: min cosine %.6f%n", worst);
    }
    try (DualEncoder dual = DualEncoder.owning(e5.asDualEncoder())) {
      float[] s = scores(dual);
      assertEverestFirst("e5-small-v2-q with query:/passage: prefixes", s);
      // the prefixes reach the model: the query side differs from the bare model's vector
      float[] prefixed = dual.encodeQueries(List.of(QUESTION))[0];
      float[] bare = e5.encode(QUESTION);
      float[] explicit = e5.encode("query: " + QUESTION);
      assertTrue(Golden.cosine(prefixed, explicit) > 0.99999);
      assertTrue(Golden.cosine(prefixed, bare) < 0.999);
      assertTrue(dual.queries().modelId().contains("query: "));
    }
    assertThrows(IllegalStateException.class, () -> e5.encode("closed with its dual encoder"));
  }

  @Test
  void clsPoolingModel() {
    try (DjlEncoder bge = DjlEncoder.open(BGE_SMALL_EN_V15.extract())) {
      assertEquals(Pooling.CLS, bge.pooling());
      assertEquals(384, bge.dimension());
      assertEverestFirst("bge-small-en-v1.5 (CLS)", scores(DualEncoder.shared(bge)));
    }
  }

  @Test
  void twoDifferentModels() {
    DjlEncoder questions = DjlEncoder.defaultModel();
    DjlEncoder passages = DjlEncoder.open(Shared.require("models/all-MiniLM-L6-v2-torchscript"));
    try (DualEncoder dual = DualEncoder.owning(new DualEncoder(questions, passages))) {
      assertFalse(dual.queries() == dual.passages());
      assertEquals(ModelFormat.ONNX, questions.format());
      assertEquals(ModelFormat.TORCHSCRIPT, passages.format());
      float[] s = scores(dual);
      assertEverestFirst("two models (ONNX questions, TorchScript passages)", s);
      assertEquals(0.7976, s[0], 5e-4);
    }
    assertThrows(IllegalStateException.class, () -> questions.encode("x"));
    assertThrows(IllegalStateException.class, () -> passages.encode("x"));
  }

  @Test
  void mismatchedDimensionsAreRefused() {
    try (DjlEncoder minilm = DjlEncoder.defaultModel()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new DualEncoder(minilm, new FakeEncoder(768)));
      assertTrue(e.getMessage().contains("384") && e.getMessage().contains("768"), e.getMessage());
    }
  }
}
