package dev.winnow.index.internal;

import dev.winnow.Document;
import dev.winnow.IndexFormatException;
import dev.winnow.Similarity;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;

/**
 * Winnow's index file container (format described in {@code docs/index-format.md}): a 24-byte header (magic
 * {@code WINNOWIX}, format version, kind, similarity, dimension), a kind-specific body, and a 16-byte trailer
 * (body end offset, CRC32C of every preceding byte, end magic {@code XEND}). All numbers little-endian.
 *
 * <p>Writing goes to a temporary sibling file that is forced to disk and atomically renamed over the target; the
 * folder is then forced too. Reading first verifies size, trailer and checksum in one streaming pass, then parses
 * with every count bounded by the bytes left, so a hostile file cannot trigger huge allocations; any problem
 * becomes an {@link IndexFormatException}. Not thread-safe; one instance per save or load.
 */
public final class IndexFile {
  public static final byte[] MAGIC = "WINNOWIX".getBytes(StandardCharsets.US_ASCII);
  public static final byte[] END_MAGIC = "XEND".getBytes(StandardCharsets.US_ASCII);
  public static final int VERSION = 1;
  public static final int HEADER_BYTES = 24;
  public static final int TRAILER_BYTES = 16;
  public static final byte KIND_FLAT = 1;
  public static final byte KIND_HNSW = 2;
  public static final byte KIND_HNSWLIB = 3;

  private IndexFile() {}

  /** Body writer callback. */
  public interface BodyWriter {
    void write(Out out) throws IOException;
  }

  /** Body reader callback. */
  public interface BodyReader<T> {
    T read(In in) throws IOException;
  }

  /** Writes header, body and trailer to a temp file, forces it, and renames it atomically onto {@code path}. */
  public static void save(Path path, byte kind, Similarity similarity, int dimension, BodyWriter body)
      throws IOException {
    atomicWrite(path, ch -> {
      Out out = new Out(ch);
      out.bytes(MAGIC);
      out.i32(VERSION);
      out.u8(kind);
      out.u8(similarity.ordinal());
      out.u8(0);
      out.u8(0);
      out.i32(dimension);
      out.i32(0);
      body.write(out);
      long end = out.position();
      out.i64(end);
      out.flush();
      int crc = (int) out.crc.getValue();
      ByteBuffer trailer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      trailer.putInt(crc).put(END_MAGIC).flip();
      long pos = out.position();
      while (trailer.hasRemaining()) {
        pos += ch.write(trailer, pos);
      }
    });
  }

  /** Writes a file through a channel. */
  public interface ChannelWriter {
    void write(FileChannel ch) throws IOException;
  }

  /**
   * Writes {@code path} crash-safely: {@code writer} fills a temporary sibling, which is forced to disk and
   * atomically renamed over the target; the folder is forced too. A failure deletes the temporary file and leaves
   * the target as it was.
   */
  public static void atomicWrite(Path path, ChannelWriter writer) throws IOException {
    if (path == null) {
      throw new IllegalArgumentException("path is null");
    }
    Path target = path.toAbsolutePath();
    Path dir = target.getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    boolean done = false;
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        StandardOpenOption.READ)) {
      writer.write(ch);
      ch.force(true);
      done = true;
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.deleteIfExists(tmp);
      throw new IOException("the file system of " + target + " cannot rename atomically; refusing a non-atomic save", e);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    if (dir != null) {
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException | UnsupportedOperationException ignored) {
        // some platforms cannot open or force a directory; the rename itself is already atomic
      }
    }
  }

  /** The header fields. */
  public record Header(int version, byte kind, Similarity similarity, int dimension) {}

  /**
   * Verifies and parses {@code path}. {@code expectedKind} must match the header's kind.
   *
   * @throws IndexFormatException for any malformed, truncated, corrupted or foreign file
   * @throws IOException if the file cannot be read (missing, permissions)
   */
  public static <T> T load(Path path, byte expectedKind, BodyReader<T> reader, java.util.function.BiFunction<Header, T, T> check)
      throws IOException {
    if (path == null) {
      throw new IllegalArgumentException("path is null");
    }
    long size = Files.size(path);
    if (size < HEADER_BYTES + TRAILER_BYTES) {
      throw new IndexFormatException(path + ": " + size + " bytes is too short for a Winnow index (truncated?)");
    }
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      ByteBuffer head = ByteBuffer.allocate(8);
      ch.read(head, 0);
      if (!java.util.Arrays.equals(head.array(), MAGIC)) {
        throw new IndexFormatException(path + ": not a Winnow index (bad magic number)");
      }
      ByteBuffer tail = ByteBuffer.allocate(TRAILER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, tail, size - TRAILER_BYTES);
      tail.flip();
      long end = tail.getLong();
      int storedCrc = tail.getInt();
      byte[] endMagic = new byte[4];
      tail.get(endMagic);
      if (!java.util.Arrays.equals(endMagic, END_MAGIC) || end != size - TRAILER_BYTES) {
        throw new IndexFormatException(path + ": bad trailer (truncated or not a complete Winnow index)");
      }
      CRC32C crc = new CRC32C();
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(1 << 16, size)); // a small file gets a small buffer
      long pos = 0;
      long crcEnd = size - 8;
      while (pos < crcEnd) {
        buf.clear();
        buf.limit((int) Math.min(buf.capacity(), crcEnd - pos));
        int n = ch.read(buf, pos);
        if (n < 0) {
          throw new IndexFormatException(path + ": truncated while reading");
        }
        buf.flip();
        crc.update(buf);
        pos += n;
      }
      if ((int) crc.getValue() != storedCrc) {
        throw new IndexFormatException(path + ": checksum mismatch (the file is corrupted)");
      }
      In in = new In(ch, end, path);
      in.skip(8);
      int version = in.i32();
      if (version != VERSION) {
        throw new IndexFormatException(path + ": unsupported format version " + version + " (this build reads " + VERSION + ")");
      }
      byte kind = (byte) in.u8();
      int simOrdinal = in.u8();
      in.u8();
      in.u8();
      int dimension = in.i32();
      in.i32();
      if (kind != expectedKind) {
        throw new IndexFormatException(path + ": index kind " + kindName(kind) + ", expected " + kindName(expectedKind));
      }
      if (simOrdinal >= Similarity.values().length) {
        throw new IndexFormatException(path + ": unknown similarity code " + simOrdinal);
      }
      if (dimension <= 0 || dimension > 65_536) {
        throw new IndexFormatException(path + ": dimension " + dimension + " out of range [1, 65536]");
      }
      Header header = new Header(version, kind, Similarity.values()[simOrdinal], dimension);
      in.header = header;
      T body = reader.read(in);
      if (in.position() != end) {
        throw new IndexFormatException(path + ": " + (end - in.position()) + " unread bytes after the body");
      }
      return check.apply(header, body);
    } catch (IndexFormatException e) {
      throw e;
    } catch (EOFException e) {
      throw new IndexFormatException(path + ": truncated (" + e.getMessage() + ")", e);
    } catch (NoSuchFileException e) {
      throw e;
    } catch (IOException e) {
      if (e.getCause() instanceof CharacterCodingException) {
        throw new IndexFormatException(path + ": malformed UTF-8 string", e);
      }
      throw e;
    } catch (RuntimeException e) {
      // e.g. IllegalArgumentException from Document's rules: content that breaks the format
      throw new IndexFormatException(path + ": invalid content: " + e, e);
    }
  }

  private static String kindName(byte kind) {
    return kind == KIND_FLAT ? "flat" : kind == KIND_HNSW ? "hnsw" : kind == KIND_HNSWLIB ? "hnswlib" : "unknown(" + kind + ")";
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      int n = ch.read(b, pos);
      if (n < 0) {
        throw new EOFException("at byte " + pos);
      }
      pos += n;
    }
  }

  /** Buffered little-endian writer that checksums what it writes. */
  public static final class Out {
    private final FileChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    final CRC32C crc = new CRC32C();
    private final CRC32C section = new CRC32C();
    private long flushed;

    public Out(FileChannel ch) {
      this(ch, 0);
    }

    /** A writer starting at byte {@code start} of {@code ch}. */
    public Out(FileChannel ch, long start) {
      this.ch = ch;
      this.flushed = start;
    }

    public long position() {
      return flushed + buf.position();
    }

    /** Starts a section: what is written from here on is checksummed by {@link #endSection}. */
    public void beginSection() throws IOException {
      flush();
      section.reset();
    }

    /** Ends a section; returns the CRC32C of its bytes. */
    public int endSection() throws IOException {
      flush();
      return (int) section.getValue();
    }

    /** Writes zero bytes up to the next multiple of {@code align}. */
    public void pad(int align) throws IOException {
      while (position() % align != 0) {
        u8(0);
      }
    }

    private void room(int n) throws IOException {
      if (buf.remaining() < n) {
        flush();
      }
    }

    public void flush() throws IOException {
      buf.flip();
      crc.update(buf.array(), 0, buf.limit());
      section.update(buf.array(), 0, buf.limit());
      while (buf.hasRemaining()) {
        flushed += ch.write(buf, flushed);
      }
      buf.clear();
    }

    public void u8(int v) throws IOException {
      room(1);
      buf.put((byte) v);
    }

    public void i32(int v) throws IOException {
      room(4);
      buf.putInt(v);
    }

    public void i64(long v) throws IOException {
      room(8);
      buf.putLong(v);
    }

    public void f32(float v) throws IOException {
      room(4);
      buf.putFloat(v);
    }

    public void f64(double v) throws IOException {
      room(8);
      buf.putDouble(v);
    }

    public void bytes(byte[] b) throws IOException {
      int off = 0;
      while (off < b.length) {
        room(1);
        int n = Math.min(buf.remaining(), b.length - off);
        buf.put(b, off, n);
        off += n;
      }
    }

    public void floats(float[] v, int off, int n) throws IOException {
      while (n > 0) {
        room(4);
        int m = Math.min(buf.remaining() / 4, n);
        buf.asFloatBuffer().put(v, off, m);
        buf.position(buf.position() + 4 * m);
        off += m;
        n -= m;
      }
    }

    public void string(String s) throws IOException {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      i32(b.length);
      bytes(b);
    }

    /** id, text, metadata (count, then key, type tag, value). */
    public void document(Document d) throws IOException {
      string(d.id());
      string(d.text());
      i32(d.metadata().size());
      for (Map.Entry<String, Object> e : d.metadata().entrySet()) {
        string(e.getKey());
        Object v = e.getValue();
        if (v instanceof String s) {
          u8(1);
          string(s);
        } else if (v instanceof Boolean b) {
          u8(2);
          u8(b ? 1 : 0);
        } else if (v instanceof Integer i) {
          u8(3);
          i32(i);
        } else if (v instanceof Long l) {
          u8(4);
          i64(l);
        } else if (v instanceof Float f) {
          u8(5);
          f32(f);
        } else {
          u8(6);
          f64((Double) v);
        }
      }
    }
  }

  /** Bounded little-endian reader: never reads or allocates past the body's end. */
  public static final class In {
    private final FileChannel ch;
    private final long end;
    private final Path path;
    private final ByteBuffer buf;
    private long bufStart;
    private CharsetDecoder utf8;
    Header header;

    In(FileChannel ch, long end, Path path) {
      this(ch, 0, end, path, null);
    }

    /** A reader of bytes {@code [start, end)} of {@code ch}. */
    public In(FileChannel ch, long start, long end, Path path, Header header) {
      this.ch = ch;
      this.end = end;
      this.path = path;
      this.header = header;
      this.bufStart = start;
      this.buf = ByteBuffer.allocate((int) Math.max(16, Math.min(1 << 16, end - start))).order(ByteOrder.LITTLE_ENDIAN);
      buf.limit(0);
    }

    public Header header() {
      return header;
    }

    public long position() {
      return bufStart + buf.position();
    }

    public long remaining() {
      return end - position();
    }

    /** A format error naming the file and offset. */
    public IndexFormatException error(String what) {
      return new IndexFormatException(path + " at byte " + position() + ": " + what);
    }

    private void need(int n) throws IOException {
      if (remaining() < n) {
        throw error("truncated: needs " + n + " more bytes, " + remaining() + " left");
      }
      if (buf.remaining() < n) {
        long pos = position();
        buf.compact(); // index 0 now holds the byte at absolute offset pos
        bufStart = pos;
        buf.limit((int) Math.min(buf.capacity(), end - pos));
        while (buf.hasRemaining()) {
          int r = ch.read(buf, pos + buf.position());
          if (r < 0) {
            throw new EOFException("at byte " + (pos + buf.position()));
          }
        }
        buf.flip();
      }
    }

    void skip(int n) throws IOException {
      need(n);
      buf.position(buf.position() + n);
    }

    public int u8() throws IOException {
      need(1);
      return buf.get() & 0xff;
    }

    public int i32() throws IOException {
      need(4);
      return buf.getInt();
    }

    public long i64() throws IOException {
      need(8);
      return buf.getLong();
    }

    public float f32() throws IOException {
      need(4);
      return buf.getFloat();
    }

    public double f64() throws IOException {
      need(8);
      return buf.getDouble();
    }

    /** A count in [0, max] whose elements need at least {@code minBytesEach} bytes each. */
    public int count(String what, int max, int minBytesEach) throws IOException {
      int n = i32();
      if (n < 0 || n > max || (long) n * minBytesEach > remaining()) {
        throw error(what + " count " + n + " is out of range (max " + max + ", " + remaining() + " bytes left)");
      }
      return n;
    }

    public void floats(float[] into, int off, int n) throws IOException {
      if ((long) n * 4 > remaining()) {
        throw error("truncated: " + n + " floats do not fit in " + remaining() + " bytes");
      }
      if (n <= 32 && buf.remaining() >= 4 * n) {
        for (int i = 0; i < n; i++) {
          into[off + i] = buf.getFloat(); // short vectors: no FloatBuffer view per call
        }
        return;
      }
      while (n > 0) {
        need(4);
        int m = Math.min(buf.remaining() / 4, n);
        buf.asFloatBuffer().get(into, off, m);
        buf.position(buf.position() + 4 * m);
        off += m;
        n -= m;
      }
    }

    /** A finite vector of the header's dimension. */
    public float[] vector() throws IOException {
      float[] v = new float[header.dimension()];
      floats(v, 0, v.length);
      for (float x : v) {
        if (!Float.isFinite(x)) {
          throw error("vector component " + x + " is not finite");
        }
      }
      return v;
    }

    /** A length-prefixed strict UTF-8 string; the length is bounded by the bytes left. */
    public String string() throws IOException {
      int n = count("string length", Integer.MAX_VALUE, 1);
      byte[] b = new byte[n];
      int off = 0;
      boolean ascii = true;
      while (off < n) {
        need(1);
        int m = Math.min(buf.remaining(), n - off);
        buf.get(b, off, m);
        for (int i = off; i < off + m; i++) {
          ascii &= b[i] >= 0;
        }
        off += m;
      }
      if (n == 0) {
        return "";
      }
      if (ascii) {
        return new String(b, StandardCharsets.ISO_8859_1); // same chars, no decoder
      }
      try {
        if (utf8 == null) {
          utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT);
        }
        CharBuffer cb = utf8.reset().decode(ByteBuffer.wrap(b));
        return cb.toString();
      } catch (CharacterCodingException e) {
        throw error("malformed UTF-8 string");
      }
    }

    public Document document() throws IOException {
      return document(null);
    }

    /**
     * As {@link #document()}; with {@code textAt} non-null, the text is validated but not kept: the result has an
     * empty text and {@code textAt[0]} receives the file position of the text's length prefix (-1 for an empty
     * text), for a reader that leaves texts in the file.
     */
    public Document document(long[] textAt) throws IOException {
      String id = string();
      long at = position();
      String text = string();
      if (textAt != null) {
        textAt[0] = text.isEmpty() ? -1 : at;
        text = "";
      }
      int n = count("metadata", 1 << 20, 7); // key (4 + 1), tag, at least one value byte
      if (n == 0) {
        return new Document(id, text, Map.of());
      }
      Map<String, Object> meta = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String key = string();
        int tag = u8();
        Object v = switch (tag) {
          case 1 -> string();
          case 2 -> {
            int b = u8();
            if (b > 1) {
              throw error("boolean byte " + b);
            }
            yield b == 1;
          }
          case 3 -> i32();
          case 4 -> i64();
          case 5 -> f32();
          case 6 -> f64();
          default -> throw error("unknown metadata type tag " + tag);
        };
        if (meta.put(key, v) != null) {
          throw error("duplicate metadata key '" + key + "'");
        }
      }
      return new Document(id, text, meta); // IAE for blank ids etc. becomes IndexFormatException in load()
    }
  }
}
