package dev.winnow.index;

import dev.winnow.Similarity;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Writes Winnow index files byte by byte (docs/index-format.md), for tests that need files {@code save} would
 * never write: hostile counts, extreme levels, edits with a recomputed checksum. Not thread-safe.
 */
final class IndexBytes {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

  private IndexBytes() {}

  /** A header of kind 1 (flat) or 2 (hnsw). */
  static IndexBytes header(int kind, Similarity similarity, int dimension) {
    IndexBytes b = new IndexBytes();
    b.raw("WINNOWIX".getBytes(StandardCharsets.US_ASCII)).i32(1).u8(kind).u8(similarity.ordinal()).u8(0).u8(0)
        .i32(dimension).i32(0);
    return b;
  }

  /** An HNSW header and parameters, up to (not including) the node count. */
  static IndexBytes hnsw(int dimension, int m) {
    return header(2, Similarity.EUCLIDEAN, dimension).i32(m).i32(10).i32(10).f64(1.0);
  }

  IndexBytes u8(int v) {
    out.write(v);
    return this;
  }

  IndexBytes i32(int v) {
    scratch.clear();
    out.write(scratch.putInt(v).array(), 0, 4);
    return this;
  }

  IndexBytes i64(long v) {
    scratch.clear();
    out.write(scratch.putLong(v).array(), 0, 8);
    return this;
  }

  IndexBytes f32(float v) {
    scratch.clear();
    out.write(scratch.putFloat(v).array(), 0, 4);
    return this;
  }

  IndexBytes f64(double v) {
    scratch.clear();
    out.write(scratch.putDouble(v).array(), 0, 8);
    return this;
  }

  IndexBytes raw(byte[] b) {
    out.write(b, 0, b.length);
    return this;
  }

  IndexBytes string(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return i32(b.length).raw(b);
  }

  /** A document with no metadata. */
  IndexBytes document(String id, String text) {
    return string(id).string(text).i32(0);
  }

  /** Appends the trailer (offset, CRC32C, end magic). */
  byte[] finish() {
    long end = out.size();
    i64(end);
    byte[] b = out.toByteArray();
    byte[] full = new byte[b.length + 8];
    System.arraycopy(b, 0, full, 0, b.length);
    System.arraycopy("XEND".getBytes(StandardCharsets.US_ASCII), 0, full, b.length + 4, 4);
    fixChecksum(full);
    return full;
  }

  /** Recomputes the CRC32C of a complete file after an edit, so only the parser's checks stand in the way. */
  static void fixChecksum(byte[] file) {
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    int version = file.length >= 12 ? b.getInt(8) : 0;
    int sections = version == 2 ? 5 : 8;
    if ((version == 2 || version == 3) && file.length >= 24 + 64 + sections * 24 + 16) {
      // versions 2 and 3: a CRC32C per section (in the table at byte 88) and one of header + table in the trailer
      for (int s = 0; s < sections; s++) {
        int e = 88 + 24 * s;
        long off = b.getLong(e);
        long len = b.getLong(e + 8);
        if (off >= 0 && len >= 0 && off <= file.length && len <= file.length - off) { // no long overflow
          CRC32C c = new CRC32C();
          c.update(file, (int) off, (int) len);
          b.putInt(e + 16, (int) c.getValue());
        }
      }
      CRC32C c = new CRC32C();
      c.update(file, 0, 88 + sections * 24);
      b.putInt(file.length - 8, (int) c.getValue());
      return;
    }
    CRC32C crc = new CRC32C();
    crc.update(file, 0, file.length - 8);
    ByteBuffer.wrap(file, file.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());
  }

  /** Sets the trailer's offset field to match the file's length (after an edit that changed it). */
  static void fixTrailerOffset(byte[] file) {
    ByteBuffer.wrap(file, file.length - 16, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(file.length - 16);
  }
}
