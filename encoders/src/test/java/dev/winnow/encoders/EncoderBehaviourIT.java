package dev.winnow.encoders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.ModelLoadException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batching, bad input, lifecycle and concurrency of the real default encoder. */
class EncoderBehaviourIT {
  static Path minilm;
  static DjlEncoder encoder;

  @BeforeAll
  static void load() {
    minilm = BundledModel.ALL_MINILM_L6_V2.extract();
    encoder = DjlEncoder.builder(minilm).batchSize(4).build();
  }

  @AfterAll
  static void close() {
    encoder.close();
  }

  static List<String> sentences(int n) {
    List<String> out = new ArrayList<>();
    String[] words = "the quick brown fox jumps over a lazy dog while seven wizards quietly box jumbo pets".split(" ");
    for (int i = 0; i < n; i++) {
      StringBuilder sb = new StringBuilder();
      for (int w = 0; w < 3 + (i * 7) % 23; w++) {
        sb.append(words[(i * 31 + w * 17) % words.length]).append(' ');
      }
      out.add(sb.append(i).toString());
    }
    return out;
  }

  @Test
  void resultsComeBackInInputOrderWhateverTheBatching() {
    List<String> texts = sentences(37);
    float[][] batched = encoder.encode(texts);
    for (int i = 0; i < texts.size(); i++) {
      float[] single = encoder.encode(texts.get(i));
      assertTrue(Golden.cosine(single, batched[i]) > 0.99999, "row " + i + " belongs to text " + i);
    }
    List<String> reversed = new ArrayList<>(texts);
    Collections.reverse(reversed);
    float[][] rev = encoder.encode(reversed);
    for (int i = 0; i < texts.size(); i++) {
      assertTrue(Golden.cosine(batched[i], rev[texts.size() - 1 - i]) > 0.99999);
    }
  }

  @Test
  void nullAndEmptyInput() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> encoder.encode((List<String>) null));
    assertTrue(e.getMessage().contains("texts"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> encoder.encode(Arrays.asList("a", "b", null, "d")));
    assertTrue(e.getMessage().contains("texts[2]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> encoder.encode((String) null));
    assertEquals(0, encoder.encode(List.of()).length);
    float[] empty = encoder.encode("");
    assertEquals(384, empty.length);
    double norm = 0;
    for (float x : empty) {
      norm += x * x;
    }
    assertEquals(1.0, norm, 1e-5, "the empty string gets the model's (normalized) vector");
  }

  @Test
  void longTextsAreTruncatedToTheirFirstTokensOrRejected() {
    String words = "retrieval ".repeat(600);
    assertEquals(256, encoder.tokenCounts(List.of(words))[0]);
    // truncation keeps the first 254 word pieces: appending more text changes nothing
    assertArrayEquals(encoder.encode(words), encoder.encode(words + " completely different ending"));
    try (DjlEncoder strict = DjlEncoder.builder(minilm).truncation(Truncation.REJECT).build()) {
      strict.encode(List.of("short", "retrieval ".repeat(253))); // 253 + 2 = 255 tokens fits
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> strict.encode(List.of("short", "fine", words)));
      assertTrue(e.getMessage().contains("texts[2]") && e.getMessage().contains("256"), e.getMessage());
    }
  }

  @Test
  void maxLengthOverrideChangesTruncation() {
    try (DjlEncoder short16 = DjlEncoder.builder(minilm).maxLength(16).build()) {
      assertEquals(16, short16.maxLength());
      String text = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen";
      assertEquals(16, short16.tokenCounts(List.of(text))[0]);
      assertNotEquals(Arrays.toString(encoder.encode(text)), Arrays.toString(short16.encode(text)));
      assertNotEquals(encoder.modelId(), short16.modelId(), "settings that change vectors change the model id");
    }
    assertThrows(IllegalArgumentException.class, () -> DjlEncoder.builder(minilm).maxLength(1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DjlEncoder.builder(minilm).maxLength(10_000).build());
    assertTrue(e.getMessage().contains("max_position_embeddings") || e.getMessage().contains("512"), e.getMessage());
  }

  @Test
  void poolingChoices() {
    String text = "The bat flew out of the cave at night.";
    TokenEmbeddings tokens = encoder.tokenEmbeddings(text);
    try (DjlEncoder cls = DjlEncoder.builder(minilm).pooling(Pooling.CLS).normalize(false).build();
        DjlEncoder max = DjlEncoder.builder(minilm).pooling(Pooling.MAX).normalize(false).build();
        DjlEncoder mean = DjlEncoder.builder(minilm).pooling(Pooling.MEAN).normalize(false).build()) {
      assertArrayEquals(tokens.vector(0), cls.encode(text), 1e-5f);
      float[] expectedMax = tokens.vector(0);
      float[] expectedMean = new float[expectedMax.length];
      for (int t = 0; t < tokens.size(); t++) {
        float[] v = tokens.vector(t);
        for (int j = 0; j < v.length; j++) {
          expectedMax[j] = Math.max(expectedMax[j], v[j]);
          expectedMean[j] += v[j] / tokens.size();
        }
      }
      assertArrayEquals(expectedMax, max.encode(text), 1e-5f);
      assertArrayEquals(expectedMean, mean.encode(text), 1e-4f);
      // padding never leaks into pooling: same vectors alone and next to a long text
      List<String> pair = List.of(text, "a much longer sentence that forces this batch to pad the first text a lot");
      assertArrayEquals(max.encode(text), max.encode(pair)[0], 1e-5f);
      assertArrayEquals(mean.encode(text), mean.encode(pair)[0], 1e-5f);
    }
  }

  @Test
  void poolerOutputIsRefusedWhenTheModelHasNone() {
    ModelLoadException e = assertThrows(ModelLoadException.class,
        () -> DjlEncoder.builder(minilm).pooling(Pooling.POOLER).build());
    assertTrue(e.getMessage().contains("pooler"), e.getMessage());
  }

  @Test
  void useAfterCloseIsIllegalStateAndCloseIsIdempotent() {
    DjlEncoder e = DjlEncoder.open(minilm);
    e.encode("works");
    e.close();
    e.close();
    assertThrows(IllegalStateException.class, () -> e.encode("closed"));
    assertThrows(IllegalStateException.class, () -> e.tokenEmbeddings("closed"));
  }

  @Test
  void missingPathsAndFilesAreNamed(@TempDir Path tmp) throws Exception {
    Path nowhere = tmp.resolve("nowhere");
    ModelLoadException e = assertThrows(ModelLoadException.class, () -> DjlEncoder.open(nowhere));
    assertTrue(e.getMessage().contains(nowhere.toString()) && e.getMessage().contains("does not exist"), e.getMessage());

    Path noModel = Files.createDirectory(tmp.resolve("no-model"));
    Files.copy(minilm.resolve("tokenizer.json"), noModel.resolve("tokenizer.json"));
    e = assertThrows(ModelLoadException.class, () -> DjlEncoder.open(noModel));
    assertTrue(e.getMessage().contains(noModel.toString()) && e.getMessage().contains("no model file"), e.getMessage());

    Path noTokenizer = Files.createDirectory(tmp.resolve("no-tokenizer"));
    Files.createSymbolicLink(noTokenizer.resolve("model.onnx"), minilm.resolve("model.onnx"));
    e = assertThrows(ModelLoadException.class, () -> DjlEncoder.open(noTokenizer));
    assertTrue(e.getMessage().contains("tokenizer.json") && e.getMessage().contains(noTokenizer.toString()),
        e.getMessage());

    Path garbage = Files.createDirectory(tmp.resolve("garbage"));
    Files.writeString(garbage.resolve("model.onnx"), "not an onnx graph");
    Files.copy(minilm.resolve("tokenizer.json"), garbage.resolve("tokenizer.json"));
    e = assertThrows(ModelLoadException.class, () -> DjlEncoder.open(garbage));
    assertTrue(e.getMessage().contains(garbage.resolve("model.onnx").toString()), e.getMessage());
  }

  @Test
  void eightThreadsGiveExactlyTheSingleThreadedVectors() throws Exception {
    List<String> texts = sentences(64);
    float[][] expected = encoder.encode(texts);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<float[][]>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        futures.add(pool.submit(() -> {
          float[][] last = null;
          for (int r = 0; r < 3; r++) {
            last = encoder.encode(texts);
          }
          return last;
        }));
      }
      for (Future<float[][]> f : futures) {
        float[][] got = f.get();
        for (int i = 0; i < texts.size(); i++) {
          assertArrayEquals(expected[i], got[i], "text " + i);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    System.out.printf(Locale.ROOT, "8 threads x 3 x %d texts: identical to single-threaded%n", texts.size());
  }
}
