package dev.winnow.spark;

import dev.winnow.index.ShardManifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * Copies a shard folder from any Hadoop file system (HDFS, S3-compatible stores) to a local folder, where
 * {@code ShardedVectorIndex.open} memory-maps it. Stateless, thread-safe.
 *
 * <pre>{@code
 * ShardFolders.copyToLocal("s3a://bucket/indexes/passages-v1", Path.of("/data/passages-v1"), new Configuration());
 * try (ShardedVectorIndex index = ShardedVectorIndex.open(Path.of("/data/passages-v1"))) { ... }
 * }</pre>
 */
public final class ShardFolders {
  private ShardFolders() {}

  /**
   * Reads the source's manifest, copies exactly the shard files it names (checking each length), then writes
   * the manifest last, so an interrupted copy leaves a folder that {@code ShardedVectorIndex.open} refuses.
   *
   * @param source the shard folder's path or URI
   * @param target a local folder that does not exist or is empty
   * @param conf Hadoop settings for the source's file system (credentials, endpoints)
   * @return the manifest copied
   * @throws IllegalArgumentException if {@code target} exists and is not an empty folder
   * @throws dev.winnow.IndexFormatException if the source has no manifest or a damaged one
   * @throws IOException if reading or writing fails
   */
  public static ShardManifest copyToLocal(String source, Path target, Configuration conf) throws IOException {
    if (source == null || target == null || conf == null) {
      throw new IllegalArgumentException((source == null ? "source" : target == null ? "target" : "conf") + " is null");
    }
    if (Files.exists(target)) {
      try (var entries = Files.list(target)) {
        if (!Files.isDirectory(target) || entries.findAny().isPresent()) {
          throw new IllegalArgumentException("target " + target + " must not exist or be an empty folder");
        }
      }
    }
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(source);
    FileSystem fs = root.getFileSystem(conf);
    org.apache.hadoop.fs.Path manifestPath = new org.apache.hadoop.fs.Path(root, ShardManifest.FILE_NAME);
    if (!fs.exists(manifestPath)) {
      throw new dev.winnow.IndexFormatException(source + " is not a finished shard folder: " + ShardManifest.FILE_NAME
          + " is absent");
    }
    byte[] bytes;
    try (InputStream in = fs.open(manifestPath)) {
      bytes = in.readNBytes(64 << 20);
    }
    ShardManifest manifest = ShardManifest.parse(bytes, manifestPath.toString());
    Files.createDirectories(target);
    for (ShardManifest.Shard s : manifest.shards()) {
      Path local = target.resolve(s.file());
      try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(root, s.file()))) {
        Files.copy(in, local, StandardCopyOption.REPLACE_EXISTING);
      }
      if (Files.size(local) != s.bytes()) {
        throw new IOException("copied " + Files.size(local) + " bytes of " + s.file() + ", the manifest says " + s.bytes());
      }
    }
    Path tmp = target.resolve(ShardManifest.FILE_NAME + ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, target.resolve(ShardManifest.FILE_NAME), StandardCopyOption.ATOMIC_MOVE);
    return manifest;
  }
}
