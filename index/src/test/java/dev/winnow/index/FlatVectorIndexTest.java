package dev.winnow.index;

import dev.winnow.Similarity;
import dev.winnow.VectorIndex;
import dev.winnow.testing.VectorIndexContract;
import java.io.IOException;
import java.nio.file.Path;

class FlatVectorIndexTest extends VectorIndexContract {
  @Override
  protected VectorIndex create(int dimension, Similarity similarity) {
    return new FlatVectorIndex(dimension, similarity);
  }

  @Override
  protected VectorIndex open(Path path) throws IOException {
    return FlatVectorIndex.open(path);
  }

  @Override
  protected boolean isExact() {
    return true;
  }
}
