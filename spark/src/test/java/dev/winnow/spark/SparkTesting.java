package dev.winnow.spark;

import org.apache.spark.sql.SparkSession;

/** Local Spark sessions for tests: no UI, few shuffle partitions, loopback only. */
final class SparkTesting {
  private SparkTesting() {}

  /**
   * A new session on {@code master} ({@code local[2]}; {@code local[2,2]} retries a failed task once), stopping
   * any active one first (one SparkContext per JVM).
   */
  static SparkSession session(String master) {
    SparkSession.getActiveSession().foreach(s -> {
      s.stop();
      return null;
    });
    return SparkSession.builder().master(master).appName("winnow-spark-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.hadoop.fs.faulty.impl", FaultyFileSystem.class.getName())
        .config("spark.hadoop.fs.faulty.impl.disable.cache", "true")
        .getOrCreate();
  }
}
