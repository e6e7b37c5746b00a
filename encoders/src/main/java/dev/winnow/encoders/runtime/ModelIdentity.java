package dev.winnow.encoders.runtime;

import dev.winnow.ModelLoadException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The content identity of a model: a SHA-256 over every file that shapes its outputs, wherever the folder lives.
 *
 * <p>Covered files: the model file, ONNX external-data files beside it ({@code <model file>_data*} or
 * {@code <model file>.data*}, e.g. {@code model.onnx_data}), and {@code tokenizer.json}. Each enters the digest as
 * its role, its length and its own SHA-256, so files cannot be confused with one another. Not covered: the folder's
 * path and name, and the configuration files; what those decide (pooling, normalization, maximum length, token
 * types, sigmoid) is resolved at load time and spelled out in the model id next to this digest.
 *
 * <p>Hashing reads every byte (all-MiniLM-L6-v2, 90 MB: about 0.35 s in a fresh JVM, 0.1 s warm). When the model's
 * folder is writable, the model file's digest is cached beside it in {@code .<file name>.sha256}, keyed by the
 * file's size, modification time, change time and inode; any write to the file changes its change time, so a
 * stale entry is never used. The cache is best effort (a read-only folder simply hashes on every load) and safe
 * to delete. Stateless; thread-safe.
 */
public final class ModelIdentity {
  private static final String CACHE_MAGIC = "winnow-sha256-v1";

  private ModelIdentity() {}

  /** {@code sha256:<64 hex digits>} over the files described in the class comment. */
  public static String of(ModelDirectory md) {
    MessageDigest all = sha256();
    List<Map.Entry<String, Path>> files = new ArrayList<>();
    files.add(Map.entry("model", md.modelFile()));
    for (Path data : externalData(md.modelFile())) {
      files.add(Map.entry("data:" + data.getFileName(), data));
    }
    files.add(Map.entry("tokenizer", md.tokenizerFile()));
    for (Map.Entry<String, Path> f : files) {
      byte[] digest = f.getKey().equals("tokenizer") ? hash(f.getValue()) : cachedHash(f.getValue());
      all.update((f.getKey() + "\n" + size(f.getValue()) + "\n").getBytes(StandardCharsets.UTF_8));
      all.update(digest);
    }
    return "sha256:" + HexFormat.of().formatHex(all.digest());
  }

  /** ONNX external-data files beside {@code modelFile}, sorted by name. */
  static List<Path> externalData(Path modelFile) {
    String name = modelFile.getFileName().toString();
    if (!name.endsWith(".onnx")) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(modelFile.getParent())) {
      return s.filter(p -> {
        String n = p.getFileName().toString();
        return Files.isRegularFile(p) && (n.startsWith(name + "_data") || n.startsWith(name + ".data"));
      }).sorted().toList();
    } catch (IOException e) {
      throw new ModelLoadException("cannot list the folder of model file " + modelFile + ": " + e.getMessage(), e);
    }
  }

  /** The SHA-256 of {@code file}, read from or written to its cache entry when possible. */
  static byte[] cachedHash(Path file) {
    Path cache = cacheFile(file);
    String key = cacheKey(file);
    if (key != null) {
      try {
        String[] entry = Files.readString(cache, StandardCharsets.US_ASCII).trim().split(" ");
        if (entry.length == 3 && entry[0].equals(CACHE_MAGIC) && entry[1].equals(key) && entry[2].length() == 64) {
          return HexFormat.of().parseHex(entry[2]);
        }
      } catch (IOException | RuntimeException absentOrBroken) {
        // recompute below
      }
    }
    byte[] digest = hash(file);
    if (key != null && key.equals(cacheKey(file))) {
      write(cache, CACHE_MAGIC + " " + key + " " + HexFormat.of().formatHex(digest) + "\n");
    }
    return digest;
  }

  /** Where the digest of {@code file} is cached. */
  public static Path cacheFile(Path file) {
    return file.resolveSibling("." + file.getFileName() + ".sha256");
  }

  /** size, mtime, ctime and inode, or null when the file system cannot tell them apart reliably. */
  private static String cacheKey(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      Object ctime = Files.getAttribute(file, "unix:ctime");
      Object inode = Files.getAttribute(file, "unix:ino");
      return a.size() + ":" + a.lastModifiedTime().toInstant() + ":" + ctime + ":" + inode;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
      return null; // no unix attributes (e.g. Windows): hash every time rather than trust size and mtime alone
    }
  }

  private static void write(Path cache, String content) {
    Path tmp = null;
    try {
      tmp = Files.createTempFile(cache.getParent(), cache.getFileName().toString(), ".tmp");
      Files.writeString(tmp, content, StandardCharsets.US_ASCII);
      try {
        Files.move(tmp, cache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException | SecurityException | UnsupportedOperationException readOnly) {
      // best effort: a read-only model folder hashes on every load
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort
        }
      }
    }
  }

  private static byte[] hash(Path file) {
    MessageDigest sha = sha256();
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
    } catch (IOException e) {
      throw new ModelLoadException("cannot read " + file + " to identify the model: " + e.getMessage(), e);
    }
    return sha.digest();
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new ModelLoadException("cannot read " + file + " to identify the model: " + e.getMessage(), e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every Java platform has SHA-256", e);
    }
  }
}
