/**
 * Non-API code of the index module, with no compatibility promise: the file container ({@code IndexFile}) and the
 * HNSW format ({@code HnswFormat}), Winnow's HNSW graph storage ({@code HnswGraph}), construction
 * ({@code HnswBuilder}), search ({@code HnswSearcher}) and node table, primitive heaps and float kernels.
 */
package dev.winnow.index.internal;
