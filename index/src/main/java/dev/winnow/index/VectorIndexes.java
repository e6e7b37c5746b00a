package dev.winnow.index;

import dev.winnow.IndexFormatException;
import dev.winnow.VectorIndex;
import dev.winnow.index.internal.IndexFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Opens a saved index of either kind, choosing {@link FlatVectorIndex#open} or {@link HnswVectorIndex#open} from
 * the file header (see {@code docs/index-format.md}). Usable as a {@code Retriever.IndexOpener}:
 * {@code Retriever.open(dir, encoders, VectorIndexes::open, reranker, 100)}. Stateless and thread-safe.
 */
public final class VectorIndexes {
  private VectorIndexes() {}

  /**
   * Opens the index at {@code path}. The caller owns (closes) the result.
   *
   * @throws IndexFormatException if the file is not a Winnow index or is damaged
   * @throws IOException if it cannot be read
   */
  public static VectorIndex open(Path path) throws IOException {
    if (path == null) {
      throw new IllegalArgumentException("path is null");
    }
    byte[] head;
    try (InputStream in = Files.newInputStream(path)) {
      head = in.readNBytes(13);
    }
    if (head.length < 13 || !Arrays.equals(Arrays.copyOf(head, 8), IndexFile.MAGIC)) {
      throw new IndexFormatException(path + " is not a Winnow index (bad magic or too short)");
    }
    return switch (head[12]) {
      case IndexFile.KIND_FLAT -> FlatVectorIndex.open(path);
      case IndexFile.KIND_HNSW -> HnswVectorIndex.open(path);
      default -> throw new IndexFormatException(path + ": unknown index kind " + head[12]);
    };
  }
}
