/**
 * Vector indexes: {@link dev.winnow.index.HnswVectorIndex} (approximate, HNSW graph built by hnswlib-java) and
 * {@link dev.winnow.index.FlatVectorIndex} (exact scan). Both implement {@link dev.winnow.VectorIndex} and save
 * to Winnow's versioned index format ({@code docs/index-format.md}). {@code dev.winnow.index.internal} holds
 * non-API code with no compatibility promise.
 */
package dev.winnow.index;
