/**
 * Winnow on Apache Spark: {@link dev.winnow.spark.SparkEncoding} encodes a {@code Dataset<Row>} on the executors
 * (one encoder per executor JVM), {@link dev.winnow.spark.ShardedIndexBuild} builds and writes S index shards with
 * a manifest through Hadoop's {@code FileSystem}, and {@code dev.winnow.index.ShardedVectorIndex} (winnow-index)
 * searches the result as one {@code VectorIndex}, without Spark. Spark 4.x (Scala 2.13) is a {@code provided}
 * dependency. See {@code docs/scale-out.md}.
 */
package dev.winnow.spark;
