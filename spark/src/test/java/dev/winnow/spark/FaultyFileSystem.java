package dev.winnow.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local file system under the scheme {@code faulty:} that breaks writes of shard files on demand: the
 * stream fails after 512 bytes, leaving a half-written attempt file, as a killed or crashing task would. It can also
 * delay the creation of chosen files ({@link #DELAYS}), to hold one task back while a sibling fails.
 * Registered by {@link SparkTesting} ({@code fs.faulty.impl}); the failure budget is static (local mode runs
 * tasks in this JVM).
 */
public class FaultyFileSystem extends RawLocalFileSystem {
  /** How many more writes of a file whose name contains {@link #target} fail; -1 = every one. */
  static final AtomicInteger FAILURES_LEFT = new AtomicInteger();
  static final AtomicInteger FAILED = new AtomicInteger();
  static volatile String target = "shard-00001.attempt";

  /** Creating a file whose name contains a key sleeps its value in ms first, ignoring interrupts (a slow task). */
  static final Map<String, Long> DELAYS = new ConcurrentHashMap<>();

  static void failNext(int times, String nameContains) {
    target = nameContains;
    FAILED.set(0);
    FAILURES_LEFT.set(times);
  }

  @Override
  public URI getUri() {
    return URI.create("faulty:///");
  }

  @Override
  public void initialize(URI uri, Configuration conf) throws IOException {
    super.initialize(uri, conf);
    setConf(conf);
  }

  @Override
  public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
      short replication, long blockSize, Progressable progress) throws IOException {
    return faulty(f, super.create(slow(f), permission, overwrite, bufferSize, replication, blockSize, progress));
  }

  @Override
  public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
      Progressable progress) throws IOException {
    return faulty(f, super.create(slow(f), overwrite, bufferSize, replication, blockSize, progress));
  }

  private static Path slow(Path f) {
    long millis = DELAYS.entrySet().stream().filter(e -> f.getName().contains(e.getKey())).mapToLong(Map.Entry::getValue)
        .sum();
    long until = System.nanoTime() + millis * 1_000_000;
    boolean interrupted = false;
    for (long left; (left = until - System.nanoTime()) > 0; ) {
      try {
        Thread.sleep(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        interrupted = true;   // as a task deep in a long, uninterruptible write would
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return f;
  }

  private static FSDataOutputStream faulty(Path f, FSDataOutputStream out) {
    if (!f.getName().contains(target) || FAILURES_LEFT.get() == 0) {
      return out;
    }
    if (FAILURES_LEFT.get() > 0) {
      FAILURES_LEFT.decrementAndGet();
    }
    FAILED.incrementAndGet();
    return new FSDataOutputStream(new OutputStream() {
      long written;

      @Override
      public void write(int b) throws IOException {
        check(written >= 512 ? 1 : 0);
        out.write(b);
        written++;
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        int room = (int) Math.max(0, Math.min(len, 512 - written));
        out.write(b, off, room);
        written += room;
        check(len - room);
      }

      private void check(int more) throws IOException {
        if (more > 0 || written >= 512) {
          out.flush();
          throw new IOException("injected failure writing " + f + " after " + written + " bytes");
        }
        written += more;
      }

      @Override
      public void close() throws IOException {
        out.close();
      }
    }, null);
  }
}
