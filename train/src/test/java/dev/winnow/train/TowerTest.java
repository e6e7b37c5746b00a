package dev.winnow.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.winnow.Encoder;
import dev.winnow.ModelLoadException;
import dev.winnow.Similarity;
import dev.winnow.encoders.Encoders;
import dev.winnow.encoders.Pooling;
import dev.winnow.train.internal.NoGrad;
import dev.winnow.testing.VectorMath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Masking, save/load round trip, and loading through winnow-encoders. */
class TowerTest {
  @TempDir
  Path tmp;

  @Test
  void paddingNeverChangesOutputs() {
    try (Tower t = Tiny.tower(7)) {
      List<String> texts = List.of("darwin", "who wrote the origin of species in 1859 at night");
      float[][] batched = t.encode(texts, 8); // "darwin" padded to the long text
      float[] alone = t.encode(List.of("darwin"), 1)[0];
      assertTrue(VectorMath.maxAbsDiff(alone, batched[0]) < 1e-6, "max diff " + VectorMath.maxAbsDiff(alone, batched[0]));

      // garbage token ids under mask 0 change nothing at the real positions
      try (NDManager m = t.manager().newSubManager(); NoGrad g = new NoGrad()) {
        ParameterStore ps = new ParameterStore(m, false);
        long[] ids = {2, 22, 23, 3};
        NDArray a = t.bert().forward(ps, new NDList(m.create(new long[][] {ids}),
            m.create(new long[][] {{1, 1, 1, 1}}), m.zeros(new ai.djl.ndarray.types.Shape(1, 4),
                ai.djl.ndarray.types.DataType.INT64)), false).get(0);
        NDArray b = t.bert().forward(ps, new NDList(m.create(new long[][] {{2, 22, 23, 3, 50, 60, 70}}),
            m.create(new long[][] {{1, 1, 1, 1, 0, 0, 0}}), m.zeros(new ai.djl.ndarray.types.Shape(1, 7),
                ai.djl.ndarray.types.DataType.INT64)), false).get(0);
        float[] real = b.get(":, 0:4, :").toFloatArray();
        assertTrue(VectorMath.maxAbsDiff(a.toFloatArray(), real) < 1e-5);
      }
    }
  }

  @Test
  void saveLoadRoundTripAndEncodersOpen() throws IOException {
    Path dir = tmp.resolve("tower");
    List<String> texts = List.of("who wrote the origin of species", "a bat", "");
    float[][] before;
    try (Tower t = Tower.builder(Tiny.CONFIG, Tiny.tokenizer()).pooling(Pooling.CLS).projection(8)
        .normalize(false).maxLength(32).prompts(java.util.Map.of("query", "query: ")).seed(3).build()) {
      before = t.encode(texts, 2);
      assertEquals(8, before[0].length);
      t.save(dir);
      t.save(dir); // replaces the first save atomically
    }
    try (java.util.stream.Stream<Path> left = Files.list(tmp)) {
      assertEquals(List.of("tower"), left.map(p -> p.getFileName().toString()).toList(), "no staging left");
    }
    for (String f : new String[] {"model.safetensors", "config.json", "tokenizer.json", "modules.json",
        "1_Pooling/config.json", "sentence_bert_config.json", "2_Dense/model.safetensors", "2_Dense/config.json"}) {
      assertTrue(Files.isRegularFile(dir.resolve(f)), f);
    }
    assertTrue(Files.readString(dir.resolve("modules.json"), StandardCharsets.UTF_8).contains("Dense"));
    try (Tower back = Tower.load(dir); Tower again = Tower.load(dir)) {
      assertEquals(16, back.fingerprint().length());
      assertEquals(back.fingerprint(), again.fingerprint());
      assertEquals(Pooling.CLS, back.pooling());
      assertEquals(32, back.maxLength());
      assertEquals(Similarity.DOT_PRODUCT, back.similarity());
      assertEquals(java.util.Map.of("query", "query: "), back.prompts(), "save keeps the prompts");
      float[][] after = back.encode(texts, 3);
      for (int i = 0; i < texts.size(); i++) {
        assertArrayEquals(before[i], after[i], 1e-6f, "text " + i);
      }
    }
    try (Encoder e = Encoders.open(dir)) {
      assertInstanceOf(BertEncoder.class, e);
      assertEquals(8, e.dimension());
      assertTrue(e.modelId().startsWith("winnow-bert@") && e.modelId().contains("pooling=CLS"), e.modelId());
      float[][] viaEncoders = e.encode(texts);
      for (int i = 0; i < texts.size(); i++) {
        assertArrayEquals(before[i], viaEncoders[i], 1e-6f, "text " + i);
      }
      e.close();
      assertThrows(IllegalStateException.class, () -> e.encode("x"));
    }
  }

  @Test
  void loadErrorsNameTheProblem() throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    ModelLoadException e = assertThrows(ModelLoadException.class, () -> Tower.load(empty));
    assertTrue(e.getMessage().contains("config.json"), e.getMessage());
    Path dir = tmp.resolve("bad");
    try (Tower t = Tiny.tower(1)) {
      t.save(dir);
    }
    Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json"))
        .replace("\"hidden_size\": 16", "\"hidden_size\": 32"));
    e = assertThrows(ModelLoadException.class, () -> Tower.load(dir));
    assertTrue(e.getMessage().contains("shape"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Tower.builder(Tiny.CONFIG, tmp.resolve("none.json")));
    assertThrows(IllegalArgumentException.class,
        () -> new BertConfig(96, 15, 2, 2, 32, 32, 2, 1e-12f, 0.1f, 0.1f));
  }
}
