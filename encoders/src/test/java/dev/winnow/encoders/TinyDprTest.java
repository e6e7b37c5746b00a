package dev.winnow.encoders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ai.djl.huggingface.tokenizers.Encoding;
import dev.winnow.DualEncoder;
import dev.winnow.EncodingException;
import dev.winnow.encoders.runtime.ModelDirectory;
import dev.winnow.encoders.runtime.TransformerModel;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A DPR-shaped dual encoder on two tiny real BERT graphs with a pooler (random weights, see
 * {@code src/test/python/make_tiny_dpr.py}): the question encoder is ONNX, the context encoder TorchScript.
 * Checks POOLER, CLS and MEAN pooling on both engines against transformers' outputs, batched with padding.
 */
class TinyDprTest {
  static Path fixture(String name) throws URISyntaxException {
    return Path.of(TinyDprTest.class.getResource("/tiny-dpr/" + name + "/tokenizer.json").toURI()).getParent();
  }

  record Expected(List<String> texts, List<float[]> pooler, List<float[]> cls, List<float[]> mean) {}

  static Expected expected(Path dir) throws IOException {
    JsonObject o = JsonParser.parseString(Files.readString(dir.resolve("expected.json"))).getAsJsonObject();
    Expected e = new Expected(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (var item : o.getAsJsonArray("items")) {
      JsonObject i = item.getAsJsonObject();
      e.texts().add(i.get("text").getAsString());
      e.pooler().add(Golden.floats(i.getAsJsonArray("pooler")));
      e.cls().add(Golden.floats(i.getAsJsonArray("cls")));
      e.mean().add(Golden.floats(i.getAsJsonArray("mean")));
    }
    return e;
  }

  static void check(DjlEncoder encoder, List<String> texts, List<float[]> expected) {
    float[][] batched = encoder.encode(texts);
    for (int i = 0; i < texts.size(); i++) {
      assertArrayEquals(expected.get(i), encoder.encode(texts.get(i)), 1e-5f, "unbatched " + i);
      assertArrayEquals(expected.get(i), batched[i], 1e-5f, "batched " + i);
    }
  }

  @Test
  void onnxQuestionEncoderPoolings() throws Exception {
    Path dir = fixture("question-onnx");
    Expected e = expected(dir);
    try (DjlEncoder pooler = DjlEncoder.builder(dir).pooling(Pooling.POOLER).build();
        DjlEncoder cls = DjlEncoder.builder(dir).pooling(Pooling.CLS).build();
        DjlEncoder mean = DjlEncoder.builder(dir).pooling(Pooling.MEAN).build()) {
      assertEquals(32, pooler.dimension());
      assertEquals(64, pooler.maxLength(), "max_position_embeddings from config.json");
      check(pooler, e.texts(), e.pooler());
      check(cls, e.texts(), e.cls());
      check(mean, e.texts(), e.mean());
    }
  }

  @Test
  void torchScriptContextEncoderPoolerFromServingProperties() throws Exception {
    Path dir = fixture("context-torchscript");
    Expected e = expected(dir);
    try (DjlEncoder pooler = DjlEncoder.open(dir);
        DjlEncoder cls = DjlEncoder.builder(dir).pooling(Pooling.CLS).build()) {
      assertEquals(ModelFormat.TORCHSCRIPT, pooler.format());
      assertEquals(Pooling.POOLER, pooler.pooling());
      check(pooler, e.texts(), e.pooler());
      check(cls, e.texts(), e.cls());
    }
  }

  @Test
  void aFailingBatchIsNamedAndNothingIsReturned() throws Exception {
    ModelDirectory md = ModelDirectory.read(fixture("question-onnx"), null);
    try (TransformerModel model = TransformerModel.load(md, 64, null, 1)) {
      List<String> texts = List.of("a", "who wrote the origin of species", "b c", "darwin");
      Encoding[] encodings = model.tokenizer().batchEncode(texts);
      int[] calls = {0};
      EncodingException e = assertThrows(EncodingException.class, () -> model.run(encodings, new dev.winnow.encoders.runtime.BatchPlanner(2, 1_000_000), (batch, out) -> {
        if (++calls[0] == 2) {
          throw new EncodingException("boom", null);
        }
        return new float[batch.length][1];
      }));
      // sorted longest first (8, 4, 3, 3 tokens), two per batch: [1, 2] then [0, 3]; the second fails
      assertTrue(e.getMessage().contains("[0, 3]") && e.getMessage().contains("boom"), e.getMessage());
    }
  }

  @Test
  void twoModelDualEncoderUsesEachSide() throws Exception {
    Expected q = expected(fixture("question-onnx"));
    Expected c = expected(fixture("context-torchscript"));
    try (DualEncoder dpr = DualEncoder.owning(new DualEncoder(
        DjlEncoder.builder(fixture("question-onnx")).pooling(Pooling.POOLER).build(),
        DjlEncoder.open(fixture("context-torchscript"))))) {
      assertArrayEquals(q.pooler().get(0), dpr.encodeQueries(List.of(q.texts().get(0)))[0], 1e-5f);
      assertArrayEquals(c.pooler().get(1), dpr.encodePassages(List.of(c.texts().get(1)))[0], 1e-5f);
    }
  }
}
