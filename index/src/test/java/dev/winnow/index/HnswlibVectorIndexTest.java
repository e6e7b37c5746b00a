package dev.winnow.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.winnow.IndexFormatException;
import dev.winnow.Similarity;
import dev.winnow.VectorIndex;
import dev.winnow.testing.VectorIndexContract;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** hnswlib-java through its public API passes the same contract as Winnow's own indexes. */
class HnswlibVectorIndexTest extends VectorIndexContract {
  @Override
  protected VectorIndex create(int dimension, Similarity similarity) {
    return HnswlibVectorIndex.create(dimension, similarity, 16, 64, 100); // efConstruction 64: every open rebuilds the graph
  }

  @Override
  protected VectorIndex open(Path path) throws IOException {
    return HnswlibVectorIndex.open(path);
  }

  @Override
  protected int opensEverySaves() {
    return 25; // open rebuilds the whole graph
  }

  @Override
  protected boolean openRestoresTheGraph() {
    return false;
  }

  @Override
  protected boolean isExact() {
    return false;
  }

  @Test
  void parametersAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> HnswlibVectorIndex.create(0, Similarity.COSINE, 16, 200, 100));
    assertThrows(IllegalArgumentException.class, () -> HnswlibVectorIndex.create(8, Similarity.COSINE, 1, 200, 100));
    assertThrows(IllegalArgumentException.class, () -> HnswlibVectorIndex.create(8, null, 16, 200, 100));
  }

  @Test
  void filesOfTheOtherKindsAreRefused() throws IOException {
    Path p = tmp.resolve("flat.winnow");
    try (FlatVectorIndex flat = new FlatVectorIndex(4, Similarity.COSINE)) {
      flat.add(new dev.winnow.Document("a", "t"), new float[] {1, 0, 0, 0});
      flat.save(p);
    }
    IndexFormatException e = assertThrows(IndexFormatException.class, () -> HnswlibVectorIndex.open(p));
    assertEquals(true, e.getMessage().contains("expected hnswlib"), e.getMessage());
  }
}
