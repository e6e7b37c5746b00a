package dev.winnow.encoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.Encoder;
import dev.winnow.ModelLoadException;
import dev.winnow.encoders.runtime.ModelDirectory;
import dev.winnow.testing.FakeEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Encoders#open}: providers get directories without ONNX/TorchScript files; the rest stays DjlEncoder's. */
class EncodersTest {
  @TempDir
  Path tmp;

  Path dir(String name, String... files) throws IOException {
    Path d = Files.createDirectories(tmp.resolve(name));
    for (String f : files) {
      Files.writeString(d.resolve(f), "{}");
    }
    return d;
  }

  @Test
  void providerOpensDirectoriesWithoutModelFile() throws IOException {
    Path d = dir("marker", "fake-encoder.txt", "tokenizer.json");
    try (Encoder e = Encoders.open(d)) {
      assertInstanceOf(FakeEncoder.class, e);
      assertEquals(4, e.dimension());
    }
  }

  @Test
  void modelFilesTakePrecedenceOverProviders() throws IOException {
    Path d = dir("onnx-and-marker", "fake-encoder.txt", "model.onnx", "tokenizer.json");
    assertTrue(ModelDirectory.hasModelFile(d));
    // the provider would accept it, but the ONNX file goes to DjlEncoder, which fails on this fake file
    assertThrows(ModelLoadException.class, () -> Encoders.open(d));
  }

  @Test
  void unclaimedSafetensorsDirectoryExplainsWhatToAdd() throws IOException {
    Path d = dir("hf-only", "model.safetensors", "tokenizer.json", "config.json");
    assertTrue(!ModelDirectory.hasModelFile(d));
    ModelLoadException e = assertThrows(ModelLoadException.class, () -> Encoders.open(d));
    assertTrue(e.getMessage().contains("no model file") && e.getMessage().contains("winnow-train")
        && e.getMessage().contains("Encoders.open"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Encoders.open(null));
  }
}
