package dev.winnow.encoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.ModelLoadException;
import dev.winnow.Similarity;
import dev.winnow.encoders.runtime.ModelDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading model directories: no model is loaded, so these run in milliseconds. */
class ModelDirectoryTest {
  @TempDir Path tmp;

  Path dir(String name, String... files) throws IOException {
    Path d = Files.createDirectories(tmp.resolve(name));
    for (String f : files) {
      Path p = d.resolve(f);
      Files.createDirectories(p.getParent());
      Files.writeString(p, "{}");
    }
    return d;
  }

  void write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  @Test
  void sentenceTransformersDirectory() throws IOException {
    Path d = dir("st", "model.onnx", "tokenizer.json");
    write(d.resolve("modules.json"), """
        [{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"},
         {"idx":1,"name":"1","path":"1_Pooling","type":"sentence_transformers.models.Pooling"},
         {"idx":2,"name":"2","path":"2_Normalize","type":"sentence_transformers.models.Normalize"}]""");
    write(d.resolve("1_Pooling/config.json"), """
        {"word_embedding_dimension":384,"pooling_mode_cls_token":true,"pooling_mode_mean_tokens":false}""");
    write(d.resolve("sentence_bert_config.json"), "{\"max_seq_length\": 200}");
    write(d.resolve("config_sentence_transformers.json"),
        "{\"prompts\":{\"query\":\"query: \",\"passage\":\"passage: \"},\"similarity_fn_name\":\"dot\"}");
    write(d.resolve("config.json"), "{\"hidden_size\": 384, \"max_position_embeddings\": 512}");
    ModelDirectory md = ModelDirectory.read(d, null);
    assertEquals(ModelFormat.ONNX, md.format());
    assertEquals(d.resolve("model.onnx"), md.modelFile());
    assertEquals(Pooling.CLS, md.pooling());
    assertEquals(true, md.normalize());
    assertEquals(200, md.maxLength());
    assertEquals(384, md.dimension());
    assertEquals(512, md.maxPositions());
    assertEquals(Similarity.DOT_PRODUCT, md.similarity());
    assertEquals("query: ", md.prompts().get("query"));
  }

  @Test
  void withoutNormalizeModuleVectorsAreNotNormalized() throws IOException {
    Path d = dir("nonorm", "model.onnx", "tokenizer.json");
    write(d.resolve("modules.json"), """
        [{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"},
         {"idx":1,"name":"1","path":"1_Pooling","type":"sentence_transformers.models.Pooling"}]""");
    assertEquals(false, ModelDirectory.read(d, null).normalize());
  }

  @Test
  void plainDirectoryStatesNothing() throws IOException {
    Path d = dir("plain", "model.onnx", "tokenizer.json");
    ModelDirectory md = ModelDirectory.read(d, null);
    assertNull(md.pooling());
    assertNull(md.normalize());
    assertNull(md.maxLength());
    assertNull(md.dimension());
  }

  @Test
  void djlServingPropertiesAndTorchScript() throws IOException {
    Path d = dir("ts", "ts.pt", "tokenizer.json");
    write(d.resolve("serving.properties"), "engine=PyTorch\npooling=cls\nnormalize=false\nmaxLength=128\n"
        + "includeTokenTypes=false\n");
    ModelDirectory md = ModelDirectory.read(d, null);
    assertEquals(ModelFormat.TORCHSCRIPT, md.format());
    assertEquals(d.resolve("ts.pt"), md.modelFile());
    assertEquals(Pooling.CLS, md.pooling());
    assertEquals(false, md.normalize());
    assertEquals(128, md.maxLength());
    assertEquals(false, md.tokenTypes());
  }

  @Test
  void hfOnnxSubfolderUsesTokenizerAbove() throws IOException {
    Path d = dir("hf", "tokenizer.json", "onnx/model.onnx");
    ModelDirectory md = ModelDirectory.read(d, null);
    assertEquals(d.resolve("onnx/model.onnx"), md.modelFile());
    assertEquals(d.resolve("tokenizer.json"), md.tokenizerFile());
  }

  @Test
  void explicitFormatAndExplicitFile() throws IOException {
    Path d = dir("both", "model.onnx", "model.pt", "tokenizer.json");
    assertEquals(ModelFormat.ONNX, ModelDirectory.read(d, null).format(), "ONNX is preferred when both exist");
    assertEquals(ModelFormat.TORCHSCRIPT, ModelDirectory.read(d, ModelFormat.TORCHSCRIPT).format());
    assertEquals(d.resolve("model.pt"), ModelDirectory.read(d.resolve("model.pt"), null).modelFile());
  }

  @Test
  void errorsNameThePathAndWhatIsMissing() throws IOException {
    ModelLoadException e = assertThrows(ModelLoadException.class,
        () -> ModelDirectory.read(tmp.resolve("absent"), null));
    assertTrue(e.getMessage().contains("does not exist") && e.getMessage().contains("absent"), e.getMessage());

    Path safetensors = dir("hf-only", "model.safetensors", "tokenizer.json", "config.json");
    e = assertThrows(ModelLoadException.class, () -> ModelDirectory.read(safetensors, null));
    assertTrue(e.getMessage().contains("no model file") && e.getMessage().contains("safetensors")
        && e.getMessage().contains(safetensors.toString()), e.getMessage());

    Path noTok = dir("no-tok", "model.onnx");
    e = assertThrows(ModelLoadException.class, () -> ModelDirectory.read(noTok, null));
    assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());

    Path tsOnly = dir("ts-only", "model.pt", "tokenizer.json");
    e = assertThrows(ModelLoadException.class, () -> ModelDirectory.read(tsOnly, ModelFormat.ONNX));
    assertTrue(e.getMessage().contains("ONNX file"), e.getMessage());

    Path two = dir("two", "a.onnx", "b.onnx", "tokenizer.json");
    e = assertThrows(ModelLoadException.class, () -> ModelDirectory.read(two, null));
    assertTrue(e.getMessage().contains("several"), e.getMessage());

    assertThrows(IllegalArgumentException.class, () -> ModelDirectory.read(null, null));
  }

  @Test
  void unsupportedConfigurationIsRefusedNotIgnored() throws IOException {
    Path dense = dir("dense", "model.onnx", "tokenizer.json");
    write(dense.resolve("modules.json"), """
        [{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"},
         {"idx":2,"name":"2","path":"2_Dense","type":"sentence_transformers.models.Dense"}]""");
    assertTrue(assertThrows(ModelLoadException.class, () -> ModelDirectory.read(dense, null))
        .getMessage().contains("Dense"));

    Path twoPool = dir("twopool", "model.onnx", "tokenizer.json");
    write(twoPool.resolve("1_Pooling/config.json"),
        "{\"pooling_mode_cls_token\":true,\"pooling_mode_mean_tokens\":true}");
    assertTrue(assertThrows(ModelLoadException.class, () -> ModelDirectory.read(twoPool, null))
        .getMessage().contains("exactly one"));

    Path engine = dir("engine", "model.onnx", "tokenizer.json");
    write(engine.resolve("serving.properties"), "engine=TensorFlow\n");
    assertTrue(assertThrows(ModelLoadException.class, () -> ModelDirectory.read(engine, null))
        .getMessage().contains("TensorFlow"));

    Path badLen = dir("badlen", "model.onnx", "tokenizer.json");
    write(badLen.resolve("serving.properties"), "maxLength=lots\n");
    assertTrue(assertThrows(ModelLoadException.class, () -> ModelDirectory.read(badLen, null))
        .getMessage().contains("maxLength"));
  }
}
