package dev.winnow.index;

import dev.winnow.IndexFormatException;
import dev.winnow.Similarity;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * The commit point of a sharded index folder: which shard files make up the index, how ids are routed to them,
 * and which encoder made the vectors. Written last, by {@link ShardedVectorIndex#save} and by winnow-spark's
 * sharded build, so a folder without a manifest (a killed build) is never opened, and a folder is read only
 * through the files its manifest names (stray files are ignored).
 *
 * <p>Format (UTF-8 text, one {@code key=value} per line, {@code docs/index-format.md}, "Shard manifest"):
 * <pre>
 * winnow-shards 1
 * generation=1
 * shards=4
 * hash=fnv1a64
 * dimension=384
 * similarity=COSINE
 * encoder=all-minilm-l6-v2@218f8e6f11e02dcd;pooling=MEAN;normalize=true;maxLength=256
 * documents=5183
 * shard.0=g1-shard-00000.winnow 1296 4040400
 * ...
 * crc32=1a2b3c4d
 * </pre>
 * A shard line gives the file name (inside the folder), its document count and its length in bytes; the last
 * line is the CRC32 of every byte before it. Readers reject other versions, unknown or repeated keys, and any
 * damage.
 *
 * <p>Immutable.
 *
 * @param generation increases with every save into the same folder; shard file names carry it
 * @param dimension vector length of every shard
 * @param similarity similarity of every shard
 * @param encoder the encoder identity ({@code Encoder.modelId()}) that made the vectors; empty when unknown
 * @param shards the shards, in shard-number order (shard {@code i} holds the ids with {@link #shardOf} = i)
 */
public record ShardManifest(long generation, int dimension, Similarity similarity, String encoder, List<Shard> shards) {

  /** The manifest's file name inside a shard folder. */
  public static final String FILE_NAME = "shards.manifest";

  /** The routing hash this version writes and reads. */
  public static final String HASH = "fnv1a64";

  /** Most shards a manifest may list. */
  public static final int MAX_SHARDS = 65_536;

  private static final String MAGIC = "winnow-shards 1";

  /**
   * One shard file.
   *
   * @param file file name inside the folder (no path separators)
   * @param documents live documents in it
   * @param bytes its length in bytes
   */
  public record Shard(String file, long documents, long bytes) {
    /** @throws IllegalArgumentException for a blank or path-like name, or a negative count or length */
    public Shard {
      if (file == null || file.isBlank() || file.contains("/") || file.contains("\\") || file.startsWith(".")
          || file.chars().anyMatch(c -> c <= ' ')) {
        throw new IllegalArgumentException("shard file must be a plain file name, got '" + file + "'");
      }
      if (documents < 0 || bytes < 0) {
        throw new IllegalArgumentException("shard " + file + ": documents (" + documents + ") and bytes (" + bytes
            + ") must be >= 0");
      }
    }
  }

  /** @throws IllegalArgumentException if a field breaks the rules above */
  public ShardManifest {
    if (generation < 1) {
      throw new IllegalArgumentException("generation must be >= 1, got " + generation);
    }
    if (dimension <= 0 || dimension > 65_536) {
      throw new IllegalArgumentException("dimension must be in [1, 65536], got " + dimension);
    }
    if (similarity == null) {
      throw new IllegalArgumentException("similarity is null");
    }
    if (encoder == null || encoder.contains("\n") || encoder.contains("\r")) {
      throw new IllegalArgumentException("encoder must be a single line (empty when unknown), got " + encoder);
    }
    if (shards == null || shards.isEmpty() || shards.size() > MAX_SHARDS) {
      throw new IllegalArgumentException("shards must list 1.." + MAX_SHARDS + " shards, got "
          + (shards == null ? "null" : shards.size()));
    }
    shards = List.copyOf(shards);
    Set<String> names = new HashSet<>();
    for (Shard s : shards) {
      if (!names.add(s.file())) {
        throw new IllegalArgumentException("shard file " + s.file() + " is listed twice");
      }
    }
  }

  /** The total number of documents. */
  public long documents() {
    return shards.stream().mapToLong(Shard::documents).sum();
  }

  /** The conventional name of shard {@code shard} of generation {@code generation}: {@code g1-shard-00003.winnow}. */
  public static String shardFileName(long generation, int shard) {
    return String.format("g%d-shard-%05d.winnow", generation, shard);
  }

  /**
   * The shard that owns {@code id} among {@code shardCount}: FNV-1a (64-bit) of the id's UTF-8 bytes, mixed with
   * MurmurHash3's finalizer, modulo {@code shardCount}. Stable across JVMs, versions and platforms (it is part of
   * the format); Spark's build and {@link ShardedVectorIndex} route with it.
   *
   * @throws IllegalArgumentException if {@code id} is null or {@code shardCount} is not in [1, MAX_SHARDS]
   */
  public static int shardOf(String id, int shardCount) {
    if (id == null) {
      throw new IllegalArgumentException("id is null");
    }
    if (shardCount < 1 || shardCount > MAX_SHARDS) {
      throw new IllegalArgumentException("shardCount must be in [1, " + MAX_SHARDS + "], got " + shardCount);
    }
    long h = 0xcbf29ce484222325L;
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (int) Math.floorMod(h, (long) shardCount);
  }

  /** The manifest's bytes (the format above). */
  public byte[] toBytes() {
    StringBuilder b = new StringBuilder(MAGIC).append('\n');
    b.append("generation=").append(generation).append('\n');
    b.append("shards=").append(shards.size()).append('\n');
    b.append("hash=").append(HASH).append('\n');
    b.append("dimension=").append(dimension).append('\n');
    b.append("similarity=").append(similarity.name()).append('\n');
    b.append("encoder=").append(encoder).append('\n');
    b.append("documents=").append(documents()).append('\n');
    for (int i = 0; i < shards.size(); i++) {
      Shard s = shards.get(i);
      b.append("shard.").append(i).append('=').append(s.file()).append(' ').append(s.documents()).append(' ')
          .append(s.bytes()).append('\n');
    }
    byte[] body = b.toString().getBytes(StandardCharsets.UTF_8);
    CRC32 crc = new CRC32();
    crc.update(body);
    byte[] tail = String.format("crc32=%08x%n", crc.getValue()).replace("\r", "").getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[body.length + tail.length];
    System.arraycopy(body, 0, out, 0, body.length);
    System.arraycopy(tail, 0, out, body.length, tail.length);
    return out;
  }

  /**
   * Parses manifest bytes.
   *
   * @param source names the manifest in error messages (its path or URI)
   * @throws IndexFormatException if the bytes are not a valid version-1 manifest (the message names {@code source})
   */
  public static ShardManifest parse(byte[] bytes, String source) {
    if (bytes == null || bytes.length > (64 << 20)) {
      throw new IndexFormatException(source + ": not a shard manifest (" + (bytes == null ? "null" : "over 64 MiB")
          + ")");
    }
    if (bytes.length == 0 || bytes[bytes.length - 1] != '\n') {
      throw new IndexFormatException(source + ": shard manifest is truncated (no final newline)");
    }
    int lastStart = bytes.length - 1;
    while (lastStart > 0 && bytes[lastStart - 1] != '\n') {
      lastStart--;
    }
    String last = new String(bytes, lastStart, bytes.length - 1 - lastStart, StandardCharsets.UTF_8);
    if (!last.startsWith("crc32=")) {
      throw new IndexFormatException(source + ": shard manifest is truncated (no crc32 line)");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, lastStart);
    if (!last.equals(String.format("crc32=%08x", crc.getValue()))) {
      throw new IndexFormatException(source + ": shard manifest checksum mismatch (damaged file)");
    }
    String text = new String(bytes, 0, lastStart, StandardCharsets.UTF_8);
    if (!text.startsWith(MAGIC + "\n")) {
      throw new IndexFormatException(source + ": not a Winnow shard manifest (first line must be '" + MAGIC + "')");
    }
    Map<String, String> kv = new LinkedHashMap<>();
    for (String line : text.substring(MAGIC.length() + 1).split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new IndexFormatException(source + ": bad manifest line '" + line + "'");
      }
      if (kv.put(line.substring(0, eq), line.substring(eq + 1)) != null) {
        throw new IndexFormatException(source + ": manifest key " + line.substring(0, eq) + " repeats");
      }
    }
    try {
      long generation = Long.parseLong(required(kv, "generation", source));
      int count = Integer.parseInt(required(kv, "shards", source));
      if (count < 1 || count > MAX_SHARDS) {
        throw new IndexFormatException(source + ": shards must be in [1, " + MAX_SHARDS + "], got " + count);
      }
      String hash = required(kv, "hash", source);
      if (!HASH.equals(hash)) {
        throw new IndexFormatException(source + ": unknown routing hash '" + hash + "' (this version reads " + HASH + ")");
      }
      int dimension = Integer.parseInt(required(kv, "dimension", source));
      Similarity similarity = Similarity.valueOf(required(kv, "similarity", source));
      String encoder = required(kv, "encoder", source);
      long documents = Long.parseLong(required(kv, "documents", source));
      List<Shard> shards = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String[] p = required(kv, "shard." + i, source).split(" ", -1);
        if (p.length != 3) {
          throw new IndexFormatException(source + ": shard." + i + " must be 'file documents bytes'");
        }
        shards.add(new Shard(p[0], Long.parseLong(p[1]), Long.parseLong(p[2])));
      }
      if (!kv.isEmpty()) {
        throw new IndexFormatException(source + ": unknown manifest keys " + kv.keySet());
      }
      ShardManifest m = new ShardManifest(generation, dimension, similarity, encoder, shards);
      if (m.documents() != documents) {
        throw new IndexFormatException(source + ": documents=" + documents + " but the shards hold " + m.documents());
      }
      return m;
    } catch (IllegalArgumentException e) {
      throw new IndexFormatException(source + ": bad shard manifest: " + e.getMessage(), e);
    }
  }

  private static String required(Map<String, String> kv, String key, String source) {
    String v = kv.remove(key);
    if (v == null) {
      throw new IndexFormatException(source + ": shard manifest lacks '" + key + "'");
    }
    return v;
  }
}
