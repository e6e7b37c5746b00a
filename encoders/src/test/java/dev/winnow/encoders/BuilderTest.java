package dev.winnow.encoders;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Builder and bundled-model argument checks: immediate, named, no model loaded. */
class BuilderTest {
  @Test
  void settersValidateImmediately() {
    DjlEncoder.Builder b = DjlEncoder.builder(Path.of("unused"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> b.batchSize(0)).getMessage().contains("batchSize"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> b.maxLength(1)).getMessage().contains("maxLength"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> b.intraOpThreads(0)).getMessage()
        .contains("intraOpThreads"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> b.pooling(null)).getMessage().contains("pooling"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> DjlEncoder.builder(null)).getMessage()
        .contains("modelPath"));
  }

  @Test
  void bundledModelChecksItsFields() {
    assertThrows(IllegalArgumentException.class,
        () -> new BundledModel("../escape", "a.onnx", "t.json", 384, Pooling.MEAN, true, 256, Map.of()));
    assertThrows(IllegalArgumentException.class,
        () -> new BundledModel("m", "a.onnx", "t.json", 0, Pooling.MEAN, true, 256, Map.of()));
    assertThrows(IllegalArgumentException.class,
        () -> new BundledModel("m", "a.onnx", "t.json", 384, Pooling.POOLER, true, 256, Map.of()));
  }
}
