/**
 * Vector indexes: {@link dev.winnow.index.HnswVectorIndex} (approximate, Winnow's own HNSW graph, memory-mapped
 * when opened), {@link dev.winnow.index.HnswlibVectorIndex} (the hnswlib-java library through its public API) and
 * {@link dev.winnow.index.FlatVectorIndex} (exact scan). All implement {@link dev.winnow.VectorIndex} and save
 * to Winnow's versioned index format ({@code docs/index-format.md}). {@link dev.winnow.index.ShardedVectorIndex}
 * searches S such indexes as one (a shard folder committed by its {@link dev.winnow.index.ShardManifest}, as
 * winnow-spark's sharded build writes it). {@code dev.winnow.index.internal} holds
 * non-API code with no compatibility promise.
 */
package dev.winnow.index;
