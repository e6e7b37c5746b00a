package dev.winnow.encoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.ModelLoadException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model's id is its content plus the settings that change vectors (issue 10, item 7): the same files in
 * another folder give the same id; one changed byte in the middle of the model, or a changed tokenizer.json,
 * gives another. And a directory's own maximum length must fit the model, or loading fails naming the file.
 */
class ModelIdentityTest {
  @TempDir Path tmp;

  static final List<String> FILES = List.of("model.onnx", "tokenizer.json", "config.json");

  /** A copy of the tiny ONNX fixture in {@code tmp/<parent>/<name>}, its model padded to {@code padding} x 2 bytes. */
  Path copy(String parent, String name, int padding) throws Exception {
    Path src = TinyDprTest.fixture("question-onnx");
    Path dir = Files.createDirectories(tmp.resolve(parent).resolve(name));
    for (String f : FILES) {
      Files.copy(src.resolve(f), dir.resolve(f));
    }
    if (padding > 0) {
      Files.write(dir.resolve("model.onnx"), padded(Files.readAllBytes(src.resolve("model.onnx")), padding));
    }
    return dir;
  }

  /**
   * The ONNX model with an unknown protobuf field of {@code n} zero bytes before and after it: protobuf parsers
   * skip unknown fields, so the model loads the same, and its weights lie more than 1 MiB from either end.
   */
  static byte[] padded(byte[] model, int n) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] pad = unknownField(n);
    out.write(pad);
    out.write(model);
    out.write(pad);
    return out.toByteArray();
  }

  private static byte[] unknownField(int n) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    varint(out, (1000L << 3) | 2); // field 1000, length-delimited: not an ONNX ModelProto field
    varint(out, n);
    out.write(new byte[n], 0, n);
    return out.toByteArray();
  }

  private static void varint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  static String id(Path dir) {
    try (DjlEncoder e = DjlEncoder.builder(dir).pooling(Pooling.MEAN).build()) {
      return e.modelId();
    }
  }

  /** The pooler output: every weight of the network, the pooler's included, can move it. */
  static float[] vector(Path dir, String text) {
    try (DjlEncoder e = DjlEncoder.builder(dir).pooling(Pooling.POOLER).build()) {
      return e.encode(text);
    }
  }

  @Test
  void theSameFilesInAnotherFolderHaveTheSameId() throws Exception {
    String a = id(copy("a", "tiny", 0));
    String b = id(copy("elsewhere/deeper", "renamed-model", 0));
    assertEquals(a, b, "the id must not depend on the folder's path or name");
    assertEquals(a, id(TinyDprTest.fixture("question-onnx")));
    assertTrue(a.startsWith("sha256:") && a.contains(";pooling=MEAN;"), a);
  }

  /** The old id hashed the first and last MiB only: a change in the middle of a larger model went unseen. */
  @Test
  void aByteChangedInTheMiddleOfTheModelChangesTheId() throws Exception {
    Path dir = copy("flip", "tiny", 3 << 19); // 1.5 MiB of padding on each side
    String before = id(dir);
    float[] v = vector(dir, "the bat flew out of the cave");
    Path model = dir.resolve("model.onnx");
    long middle = Files.size(model) / 2;
    try (RandomAccessFile f = new RandomAccessFile(model.toFile(), "rw")) {
      for (long at = middle; at < middle + 4; at++) { // one of four consecutive bytes is a float's exponent byte
        f.seek(at);
        int b = f.read();
        f.seek(at);
        f.write(b ^ 0x01);
      }
    }
    float[] changed = vector(dir, "the bat flew out of the cave");
    assertNotEquals(java.util.Arrays.toString(v), java.util.Arrays.toString(changed), "the flip must change the model");
    assertNotEquals(before, id(dir), "a changed model must change the id");
  }

  @Test
  void aChangedTokenizerChangesTheId() throws Exception {
    Path dir = copy("tok", "tiny", 0);
    String before = id(dir);
    Path tokenizer = dir.resolve("tokenizer.json");
    String json = Files.readString(tokenizer, StandardCharsets.UTF_8);
    assertTrue(json.contains("\"darwin\""), "fixture vocabulary");
    Files.writeString(tokenizer, json.replace("\"darwin\"", "\"darwun\""), StandardCharsets.UTF_8);
    assertNotEquals(before, id(dir));
  }

  @Test
  void settingsThatChangeVectorsChangeTheId() throws Exception {
    Path dir = copy("settings", "tiny", 0);
    try (DjlEncoder mean = DjlEncoder.builder(dir).pooling(Pooling.MEAN).build();
        DjlEncoder cls = DjlEncoder.builder(dir).pooling(Pooling.CLS).build();
        DjlEncoder norm = DjlEncoder.builder(dir).pooling(Pooling.MEAN).normalize(true).build();
        DjlEncoder shorter = DjlEncoder.builder(dir).pooling(Pooling.MEAN).maxLength(16).build()) {
      List<String> ids = List.of(mean.modelId(), cls.modelId(), norm.modelId(), shorter.modelId());
      assertEquals(4, ids.stream().distinct().count(), ids.toString());
    }
  }

  /** The digest is cached beside the model and the cache is used only while the file is unchanged. */
  @Test
  void theDigestCacheMatchesAFreshHash() throws Exception {
    Path dir = copy("cache", "tiny", 0);
    String first = id(dir);
    Path cache = dir.resolve(".model.onnx.sha256");
    assertTrue(Files.isRegularFile(cache), "cache written beside the model");
    assertEquals(first, id(dir), "from the cache");
    Files.writeString(cache, "winnow-sha256-v1 garbage 00\n");
    assertEquals(first, id(dir), "a broken cache entry is ignored and rewritten");
    Files.delete(cache);
    assertEquals(first, id(dir));
  }

  @Test
  void aDirectoryMaxSeqLengthOutsideTheModelIsAModelLoadException() throws Exception {
    for (String bad : List.of("-5", "0", "1", "65", "100000")) {
      Path dir = copy("len" + bad, "tiny", 0);
      Path config = dir.resolve("sentence_bert_config.json");
      Files.writeString(config, "{\"max_seq_length\": " + bad + "}");
      ModelLoadException e = assertThrows(ModelLoadException.class, () -> DjlEncoder.open(dir), bad);
      assertTrue(e.getMessage().contains("max_seq_length " + bad) && e.getMessage().contains(config.toString())
          && e.getMessage().contains("[2, 64]"), e.getMessage());
    }
    Path frac = copy("frac", "tiny", 0);
    Files.writeString(frac.resolve("sentence_bert_config.json"), "{\"max_seq_length\": 12.5}");
    ModelLoadException e = assertThrows(ModelLoadException.class, () -> DjlEncoder.open(frac));
    assertTrue(e.getMessage().contains("max_seq_length") && e.getMessage().contains("integer"), e.getMessage());
    Path props = copy("props", "tiny", 0);
    Files.writeString(props.resolve("serving.properties"), "maxLength=100000\n");
    e = assertThrows(ModelLoadException.class, () -> DjlEncoder.open(props));
    assertTrue(e.getMessage().contains("maxLength 100000") && e.getMessage().contains("serving.properties"), e.getMessage());
    Path positions = copy("positions", "tiny", 0);
    rewrite(positions.resolve("config.json"), s -> s.replace("\"max_position_embeddings\": 64", "\"max_position_embeddings\": -1"));
    e = assertThrows(ModelLoadException.class, () -> DjlEncoder.open(positions));
    assertTrue(e.getMessage().contains("max_position_embeddings") && e.getMessage().contains(">= 1"), e.getMessage());
    // a valid setting still loads, and the builder's own value is an argument error as before
    Path ok = copy("ok", "tiny", 0);
    Files.writeString(ok.resolve("sentence_bert_config.json"), "{\"max_seq_length\": 20}");
    try (DjlEncoder enc = DjlEncoder.open(ok)) {
      assertEquals(20, enc.maxLength());
    }
    assertThrows(IllegalArgumentException.class, () -> DjlEncoder.builder(ok).maxLength(100_000).build());
  }

  private static void rewrite(Path file, UnaryOperator<String> edit) throws IOException {
    String before = Files.readString(file, StandardCharsets.UTF_8);
    String after = edit.apply(before);
    assertNotEquals(before, after, "edit of " + file);
    Files.writeString(file, after, StandardCharsets.UTF_8);
  }
}
