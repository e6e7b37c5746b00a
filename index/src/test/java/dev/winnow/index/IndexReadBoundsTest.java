package dev.winnow.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.IndexFormatException;
import dev.winnow.Similarity;
import dev.winnow.VectorIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading allocates only what the file holds (issue 10, item 3): neighbour lists are sized by their stored
 * lengths, levels are bounded by what M allows, every count is bounded by the bytes left, and a file that claims
 * more is refused with {@link IndexFormatException}. Allocation is measured with the thread's allocation counter.
 */
class IndexReadBoundsTest {
  /**
   * Heap a reader may allocate per byte of file, plus a fixed allowance (read buffers, hnswlib's setup). The worst
   * cases measured are files of the smallest records (dimension 1, one-letter ids: 13x flat, 17x HNSW; empty
   * 7-level tombstones: 11x); files of real vectors and text stay near 1-2x. Before the fix the shape
   * allocated 490x.
   */
  static final long BYTES_PER_FILE_BYTE = 24;
  static final long FIXED_BYTES = 4 << 20;

  @TempDir Path tmp;

  /** Loads and initializes the classes a read uses, so that measurements see the read, not class loading. */
  @BeforeEach
  void warmUp() throws IOException {
    Path h = write("warm-hnsw.winnow", IndexBytes.hnsw(1, 16).i32(1).u8(1).document("a", "b\u00e9").f32(1).u8(1).i32(0)
        .i32(0).finish());
    Path f = write("warm-flat.winnow", IndexBytes.header(1, Similarity.COSINE, 1).i32(1).document("a", "b\u00e9").f32(1)
        .finish());
    for (int i = 0; i < 3; i++) {
      HnswVectorIndex.open(h).close();
      FlatVectorIndex.open(f).close();
      assertThrows(IndexFormatException.class, () -> HnswVectorIndex.open(f));
    }
  }

  static long allowance(long fileBytes) {
    return BYTES_PER_FILE_BYTE * fileBytes + FIXED_BYTES;
  }

  /** Every node a tombstone on every level M = 512 allows, with empty neighbour lists: the shape. */
  @Test
  void emptyHighLevelsCostWhatTheFileHolds() throws Throwable {
    int n = 5000;
    int levels = 7; // what M = 512 allows (hnswlib draws floor(-ln(u) / ln 512) with u >= 2^-53, plus slack)
    IndexBytes b = IndexBytes.hnsw(1, 512).i32(n);
    for (int i = 0; i < n; i++) {
      b.u8(0).f32(i).u8(levels);
      for (int l = 0; l < levels; l++) {
        b.i32(0);
      }
    }
    Path file = write("levels.winnow", b.i32(0).finish());
    long size = Files.size(file);
    // opening may succeed (bounded) or refuse the file (version 2 keeps 2M + 1 ints of layer-0 links a node, so a
    // file of many empty nodes of a huge M is refused when that layout would cost far more than the file holds)
    long allocated = Allocation.of(() -> {
      try (HnswVectorIndex index = HnswVectorIndex.open(file)) {
        assertEquals(0, index.size());
        assertEquals(n, index.graphSize());
      } catch (IndexFormatException e) {
        assertTrue(e.getMessage().contains("not a graph Winnow wrote"), e.getMessage());
      }
    });
    System.out.printf("IndexReadBoundsTest: %d-byte file of %d empty 7-level tombstones allocated %d bytes (%.1fx)%n",
        size, n, allocated, (double) allocated / size);
    assertTrue(allocated <= allowance(size), allocated + " bytes allocated to open a " + size + "-byte file");
  }

  @Test
  void moreLevelsThanMAllowsAreRefused() throws IOException {
    for (int[] mAndLevels : new int[][] {{512, 8}, {16, 16}, {2, 56}}) {
      IndexBytes b = IndexBytes.hnsw(1, mAndLevels[0]).i32(1).u8(0).f32(1).u8(mAndLevels[1]);
      for (int l = 0; l < mAndLevels[1]; l++) {
        b.i32(0);
      }
      Path file = write("levels-" + mAndLevels[0] + ".winnow", b.i32(0).finish());
      IndexFormatException e = assertThrows(IndexFormatException.class, () -> HnswVectorIndex.open(file));
      assertTrue(e.getMessage().contains(mAndLevels[1] + " levels") && e.getMessage().contains("M = " + mAndLevels[0]),
          e.getMessage());
    }
  }

  @Test
  void upperLevelListsLongerThanMAreRefused() throws IOException {
    // four nodes on levels 0 and 1; node 0 lists three level-1 neighbours where M = 2 allows two
    IndexBytes b = IndexBytes.hnsw(1, 2).i32(4);
    for (int i = 0; i < 4; i++) {
      b.u8(0).f32(i).u8(2).i32(0);
      if (i == 0) {
        b.i32(3).i32(1).i32(2).i32(3);
      } else {
        b.i32(0);
      }
    }
    Path file = write("wide.winnow", b.i32(0).finish());
    IndexFormatException e = assertThrows(IndexFormatException.class, () -> HnswVectorIndex.open(file));
    assertTrue(e.getMessage().contains("neighbour count 3") && e.getMessage().contains("level 1"), e.getMessage());
  }

  /** Counts that claim more elements than the bytes left could hold are refused before anything is allocated. */
  @Test
  void countsBeyondTheBytesLeftAreRefusedCheaply() throws Throwable {
    byte[][] files = {
        IndexBytes.hnsw(1, 16).i32(Integer.MAX_VALUE - 100).finish(),                       // nodes
        IndexBytes.hnsw(1, 16).i32(1).u8(1).i32(1 << 30).raw(new byte[64]).finish(),        // id length
        IndexBytes.hnsw(1, 16).i32(1).u8(1).string("a").string("").i32(1 << 20).raw(new byte[64]).finish(), // metadata
        IndexBytes.hnsw(1, 16).i32(1).u8(0).f32(0).u8(1).i32(32).raw(new byte[16]).finish(), // neighbours > 2M
        IndexBytes.hnsw(65536, 16).i32(1).u8(0).raw(new byte[64]).finish(),                 // vector past the end
        IndexBytes.header(1, Similarity.COSINE, 65536).i32(1 << 20).raw(new byte[64]).finish(), // flat documents
    };
    for (int i = 0; i < files.length; i++) {
      Path file = write("count-" + i + ".winnow", files[i]);
      Throwable[] thrown = new Throwable[1];
      boolean flat = i == files.length - 1;
      long allocated = Allocation.ofAttempt(() -> {
        try (VectorIndex ignored = flat ? FlatVectorIndex.open(file) : HnswVectorIndex.open(file)) {
          // must not open
        }
      }, thrown);
      assertInstanceOf(IndexFormatException.class, thrown[0], "file " + i);
      assertTrue(allocated <= allowance(files[i].length), "file " + i + ": " + allocated + " bytes allocated");
    }
  }

  /** Many tiny live documents (dimension 1, one-letter ids): the per-object overhead is the worst case per byte. */
  @Test
  void tinyDocumentsCostWhatTheFileHolds() throws Throwable {
    int n = 20_000;
    IndexBytes flat = IndexBytes.header(1, Similarity.DOT_PRODUCT, 1).i32(n);
    IndexBytes hnsw = IndexBytes.hnsw(1, 16).i32(n);
    for (int i = 0; i < n; i++) {
      String id = Integer.toString(i, 36);
      flat.document(id, "").f32(i);
      hnsw.u8(1).document(id, "").f32(i).u8(1).i32(0);
    }
    Path f = write("tiny-flat.winnow", flat.finish());
    Path h = write("tiny-hnsw.winnow", hnsw.i32(0).finish());
    long af = Allocation.of(() -> FlatVectorIndex.open(f).close());
    long ah = Allocation.of(() -> HnswVectorIndex.open(h).close());
    System.out.printf("IndexReadBoundsTest: %d tiny documents: flat %d bytes -> %d allocated (%.1fx), hnsw %d -> %d (%.1fx)%n",
        n, Files.size(f), af, (double) af / Files.size(f), Files.size(h), ah, (double) ah / Files.size(h));
    assertTrue(af <= allowance(Files.size(f)), "flat: " + af);
    assertTrue(ah <= allowance(Files.size(h)), "hnsw: " + ah);
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path p = tmp.resolve(name);
    Files.write(p, bytes);
    return p;
  }
}
