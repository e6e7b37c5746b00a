/**
 * Non-API code of the index module, with no compatibility promise: the file container ({@code IndexFile}), the
 * bridge into hnswlib's graph ({@code HnswGraph}), the bound on concurrent hnswlib inserts
 * ({@code GraphWriters}), Winnow's HNSW searcher, primitive heaps and float kernels.
 */
package dev.winnow.index.internal;
