package dev.winnow.encoders.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.ModelLoadException;
import dev.winnow.Similarity;
import dev.winnow.encoders.Pooling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SentenceTransformersConfigTest {
  @TempDir
  Path tmp;

  @Test
  void writeThenReadGivesTheSameConfig() throws IOException {
    SentenceTransformersConfig written = SentenceTransformersConfig.builder(Pooling.CLS, 384).normalize(true)
        .dense(true).maxSeqLength(512).prompts(Map.of("query", "query: ", "passage", "passage: "))
        .similarity(Similarity.DOT_PRODUCT).build();
    written.write(tmp);
    for (String f : List.of("modules.json", "1_Pooling/config.json", "sentence_bert_config.json",
        "config_sentence_transformers.json")) {
      assertTrue(Files.isRegularFile(tmp.resolve(f)), f);
    }
    assertTrue(Files.isDirectory(tmp.resolve("2_Dense")));
    assertTrue(Files.isDirectory(tmp.resolve("3_Normalize")));
    SentenceTransformersConfig read = SentenceTransformersConfig.read(tmp);
    assertEquals(written, read);
    assertTrue(read.normalize());
    assertEquals(List.of("2_Dense"), read.denseModules().stream().map(SentenceTransformersConfig.Module::path).toList());
    assertEquals(Similarity.DOT_PRODUCT, read.similarityOrDefault());
  }

  @Test
  void anEmptyFolderStatesNothingAndDefaultsToCosine() {
    SentenceTransformersConfig st = SentenceTransformersConfig.read(tmp);
    assertFalse(st.hasModules());
    assertFalse(st.normalize());
    assertNull(st.pooling());
    assertNull(st.maxSeqLength());
    assertTrue(st.prompts().isEmpty());
    assertNull(st.similarity());
    assertEquals(Similarity.COSINE, st.similarityOrDefault());
  }

  @Test
  void readsTheLayoutPythonWrites() throws IOException {
    Files.writeString(tmp.resolve("modules.json"), """
        [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
         {"idx": 1, "name": "1", "path": "pool", "type": "sentence_transformers.models.Pooling"},
         {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]""");
    Files.createDirectories(tmp.resolve("pool"));
    Files.writeString(tmp.resolve("pool/config.json"), """
        {"word_embedding_dimension": 768, "pooling_mode_cls_token": false, "pooling_mode_mean_tokens": true,
         "pooling_mode_max_tokens": false, "pooling_mode_mean_sqrt_len_tokens": false}""");
    Files.writeString(tmp.resolve("config_sentence_transformers.json"), """
        {"__version__": {"sentence_transformers": "3.0.1"}, "prompts": {"query": "query: "},
         "default_prompt_name": null, "similarity_fn_name": "cosine"}""");
    Files.writeString(tmp.resolve("sentence_bert_config.json"), "{\"max_seq_length\": 384, \"do_lower_case\": false}");
    SentenceTransformersConfig st = SentenceTransformersConfig.read(tmp);
    assertEquals(Pooling.MEAN, st.pooling());
    assertEquals(768, st.dimension());
    assertEquals(384, st.maxSeqLength());
    assertTrue(st.normalize());
    assertEquals(Map.of("query", "query: "), st.prompts());
    assertEquals(Similarity.COSINE, st.similarity());
  }

  @Test
  void malformedFilesNameTheFileAndTheRule() throws IOException {
    Files.createDirectories(tmp.resolve("1_Pooling"));
    Files.writeString(tmp.resolve("1_Pooling/config.json"),
        "{\"pooling_mode_cls_token\": true, \"pooling_mode_mean_tokens\": true}");
    ModelLoadException e = assertThrows(ModelLoadException.class, () -> SentenceTransformersConfig.read(tmp));
    assertTrue(e.getMessage().contains("1_Pooling") && e.getMessage().contains("exactly one"), e.getMessage());
    Files.delete(tmp.resolve("1_Pooling/config.json"));
    Files.writeString(tmp.resolve("config_sentence_transformers.json"), "{\"prompts\": {\"query\": 3}}");
    e = assertThrows(ModelLoadException.class, () -> SentenceTransformersConfig.read(tmp));
    assertTrue(e.getMessage().contains("prompt 'query'"), e.getMessage());
    Files.writeString(tmp.resolve("config_sentence_transformers.json"), "{\"similarity_fn_name\": \"manhattan\"}");
    e = assertThrows(ModelLoadException.class, () -> SentenceTransformersConfig.read(tmp));
    assertTrue(e.getMessage().contains("manhattan"), e.getMessage());
    Files.writeString(tmp.resolve("modules.json"), "{}");
    assertThrows(ModelLoadException.class, () -> SentenceTransformersConfig.read(tmp));
  }

  @Test
  void builderValidatesAtOnce() {
    assertThrows(IllegalArgumentException.class, () -> SentenceTransformersConfig.builder(Pooling.POOLER, 8));
    assertThrows(IllegalArgumentException.class, () -> SentenceTransformersConfig.builder(Pooling.MEAN, 0));
    SentenceTransformersConfig.Builder b = SentenceTransformersConfig.builder(Pooling.MEAN, 8);
    assertThrows(IllegalArgumentException.class, () -> b.maxSeqLength(0));
    b.build();
    assertThrows(IllegalStateException.class, b::build);
  }
}
