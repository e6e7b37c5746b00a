package dev.winnow.index;

/**
 * How an {@link HnswVectorIndex} compresses the vectors its graph search scores, chosen at build time and stored
 * in the index file. The full-precision vectors are always kept (on disk, memory-mapped, after a save and open):
 * a quantized search walks the graph with the compressed codes, then rescores the best {@code k × oversample}
 * candidates with the float vectors, so the scores it returns are exact.
 */
public enum Quantization {
  /** Float vectors only. */
  NONE,
  /**
   * One signed byte per component, a range per dimension learned from the first vectors added
   * ({@link HnswVectorIndex.Builder#quantizeAfter}): a quarter of the float vectors' memory on the search path.
   */
  INT8
}
