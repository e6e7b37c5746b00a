package dev.winnow.train;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.winnow.testing.EncoderContract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link BertEncoder} keeps the {@link dev.winnow.Encoder} contract, on a saved tiny tower (a saved directory, so
 * that two instances name the same weights).
 */
class BertEncoderContractTest extends EncoderContract<BertEncoder> {
  static Path dir;

  @BeforeAll
  static void save() throws IOException {
    dir = Files.createTempDirectory("bert-contract");
    try (Tower t = Tiny.tower(5)) {
      t.save(dir.resolve("tower"));
    }
  }

  @AfterAll
  static void delete() throws IOException {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Override
  protected BertEncoder create() {
    return BertEncoder.open(dir.resolve("tower"));
  }

  @Override
  protected float tolerance() {
    return 1e-5f;
  }

  /** The id names the tokenizer too: the same weights with another tokenizer.json are another model. */
  @Test
  void aChangedTokenizerChangesTheId() throws IOException {
    Path copy = dir.resolve("copy");
    try (var walk = Files.walk(dir.resolve("tower"))) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path to = copy.resolve(dir.resolve("tower").relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    Path tok = copy.resolve("tokenizer.json");
    Files.writeString(tok, Files.readString(tok, StandardCharsets.UTF_8) + "\n", StandardCharsets.UTF_8);
    try (BertEncoder a = create(); BertEncoder b = BertEncoder.open(copy)) {
      assertNotEquals(a.modelId(), b.modelId());
    }
  }
}
