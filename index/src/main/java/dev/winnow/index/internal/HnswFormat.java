package dev.winnow.index.internal;

import dev.winnow.Document;
import dev.winnow.IndexFormatException;
import dev.winnow.Similarity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

/**
 * Reads and writes HNSW index files: version 2 (written; memory-mapped on open) and version 1 (read only; the
 * format of Winnow 0.1, whose graphs hnswlib built). Layouts in {@code docs/index-format.md}. Stateless.
 */
public final class HnswFormat {
  public static final int VERSION = 3;
  public static final int MIN_VERSION = 1;
  static final int PARAMS_BYTES = 64;
  /** Sections of version 3; version 2 has the first five. */
  static final int SECTIONS = 8;
  static final int SECTIONS_V2 = 5;
  static final int SECTION_ENTRY_BYTES = 24;
  static final int ALIGN = 64;
  static final String[] SECTION_NAMES = {"vectors", "level0", "levels", "upper", "documents", "quantizer", "codes",
      "norms"};
  /** Bytes of the quantizer section before its ranges: kind, oversample, quantizeAfter, trained. */
  static final int QUANTIZER_HEAD = 16;
  /** Largest piece of the documents section mapped at once for reading texts (records never cross a piece). */
  static final long TEXT_PIECE = 1L << 30;

  private HnswFormat() {}

  /** What {@link #read} returns. */
  public record Loaded(int dimension, Similarity similarity, int m, int efConstruction, int defaultEf,
      double compactionThreshold, HnswGeneration generation, Set<String> fields, int quantization, int oversample,
      int quantizeAfter) {
    /** A file without quantization settings (versions 1 and 2): float only, the builder's defaults otherwise. */
    Loaded(int dimension, Similarity similarity, int m, int efConstruction, int defaultEf, double compactionThreshold,
        HnswGeneration generation, Set<String> fields) {
      this(dimension, similarity, m, efConstruction, defaultEf, compactionThreshold, generation, fields, 0, 3, 10_000);
    }
  }

  /** Explicit similarity codes of version 2 (version 1 used the enum's ordinal). */
  static int code(Similarity s) {
    return switch (s) {
      case COSINE -> 1;
      case DOT_PRODUCT -> 2;
      case EUCLIDEAN -> 3;
    };
  }

  static Similarity similarity(int code) {
    return switch (code) {
      case 1 -> Similarity.COSINE;
      case 2 -> Similarity.DOT_PRODUCT;
      case 3 -> Similarity.EUCLIDEAN;
      default -> null;
    };
  }

  // ---------------------------------------------------------------------------------------------- writing

  /**
   * Writes {@code g} as version 3, crash-safely (temp file, fsync, atomic rename). The caller excludes writers;
   * searches may run. {@code quantization} is 0 (none) or 1 (int8; its ranges and codes are written once the graph
   * has them).
   */
  public static void write(Path path, HnswGeneration g, int efConstruction, int defaultEf, double compactionThreshold,
      int quantization, int oversample, int quantizeAfter) throws IOException {
    HnswGraph graph = g.graph();
    NodeTable nodes = g.nodes();
    int n = graph.size();
    int d = graph.dimension();
    int m = graph.m();
    long entry = graph.entry();
    IndexFile.atomicWrite(path, ch -> {
      long tableAt = IndexFile.HEADER_BYTES + PARAMS_BYTES;
      long first = align(tableAt + (long) SECTIONS * SECTION_ENTRY_BYTES);
      IndexFile.Out out = new IndexFile.Out(ch, first);
      long[] off = new long[SECTIONS];
      long[] len = new long[SECTIONS];
      int[] crc = new int[SECTIONS];
      float[] v = new float[d];
      int[][] list = {new int[2 * m + 1]};
      // 0: vectors, node-major, stored form
      begin(out, off, 0);
      for (int i = 0; i < n; i++) {
        graph.vector(i, v);
        out.floats(v, 0, d);
      }
      end(out, off, len, crc, 0);
      // 1: layer-0 lists, fixed width (count, then 2M ids, unused slots 0)
      begin(out, off, 1);
      for (int i = 0; i < n; i++) {
        int c = graph.neighbours(i, 0, list);
        out.i32(c);
        for (int j = 0; j < 2 * m; j++) {
          out.i32(j < c ? list[0][j] : 0);
        }
      }
      end(out, off, len, crc, 1);
      // 2: top level of each node
      begin(out, off, 2);
      for (int i = 0; i < n; i++) {
        out.u8(graph.level(i));
      }
      end(out, off, len, crc, 2);
      // 3: upper lists of nodes with a level > 0, in id order, fixed width per level (count, then M ids)
      begin(out, off, 3);
      for (int i = 0; i < n; i++) {
        int top = graph.level(i);
        for (int l = 1; l <= top; l++) {
          int c = graph.neighbours(i, l, list);
          out.i32(c);
          for (int j = 0; j < m; j++) {
            out.i32(j < c ? list[0][j] : 0);
          }
        }
      }
      end(out, off, len, crc, 3);
      // 4: documents: flags (1 live, 0 tombstone), then the document of a live node
      begin(out, off, 4);
      for (int i = 0; i < n; i++) {
        Document doc = nodes.live(i) ? nodes.document(i) : null;
        out.u8(doc == null ? 0 : 1);
        if (doc != null) {
          out.document(doc);
        }
      }
      end(out, off, len, crc, 4);
      // 5: quantizer: kind, oversample, quantizeAfter, trained; then per-dimension range starts and steps
      ScalarQuantizer qz = graph.quantizer();
      begin(out, off, 5);
      out.i32(quantization);
      out.i32(oversample);
      out.i32(quantizeAfter);
      out.i32(qz == null ? 0 : 1);
      if (qz != null) {
        out.floats(qz.lo(), 0, d);
        out.floats(qz.step(), 0, d);
      }
      end(out, off, len, crc, 5);
      // 6: int8 codes, node-major; 7: decoded squared norms (both empty unless quantized)
      begin(out, off, 6);
      byte[] codes = new byte[d];
      float[] norms = new float[qz == null ? 0 : n];
      if (qz != null) {
        for (int i = 0; i < n; i++) {
          norms[i] = graph.codes(i, codes);
          out.bytes(codes);
        }
      }
      end(out, off, len, crc, 6);
      begin(out, off, 7);
      out.floats(norms, 0, norms.length);
      end(out, off, len, crc, 7);
      long fileEnd = out.position();
      out.flush();

      ByteBuffer head = ByteBuffer.allocate((int) tableAt + SECTIONS * SECTION_ENTRY_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      head.put(IndexFile.MAGIC).putInt(VERSION).put(IndexFile.KIND_HNSW).put((byte) code(graph.similarity()))
          .put((byte) 0).put((byte) 0).putInt(d).putInt(0);
      head.putInt(m).putInt(efConstruction).putInt(defaultEf).putDouble(compactionThreshold).putInt(n)
          .putInt(entry < 0 ? -1 : HnswGraph.entryNode(entry)).putInt(entry < 0 ? -1 : HnswGraph.entryLevel(entry))
          .putInt(SECTIONS);
      head.position((int) tableAt);
      for (int s = 0; s < SECTIONS; s++) {
        head.putLong(off[s]).putLong(len[s]).putInt(crc[s]).putInt(0);
      }
      head.flip();
      CRC32C headCrc = new CRC32C();
      headCrc.update(head.duplicate());
      writeFully(ch, head, 0);
      ByteBuffer trailer = ByteBuffer.allocate(IndexFile.TRAILER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      trailer.putLong(fileEnd).putInt((int) headCrc.getValue()).put(IndexFile.END_MAGIC).flip();
      writeFully(ch, trailer, fileEnd);
    });
  }

  private static void begin(IndexFile.Out out, long[] off, int s) throws IOException {
    out.pad(ALIGN);
    out.beginSection();
    off[s] = out.position();
  }

  private static void end(IndexFile.Out out, long[] off, long[] len, int[] crc, int s) throws IOException {
    crc[s] = out.endSection();
    len[s] = out.position() - off[s];
  }

  static long align(long x) {
    return (x + ALIGN - 1) / ALIGN * ALIGN;
  }

  private static void writeFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      pos += ch.write(b, pos);
    }
  }

  // ---------------------------------------------------------------------------------------------- reading

  /** Reads an HNSW file of any supported version. */
  public static Loaded read(Path path) throws IOException {
    if (path == null) {
      throw new IllegalArgumentException("path is null");
    }
    long size = Files.size(path);
    if (size < IndexFile.HEADER_BYTES + IndexFile.TRAILER_BYTES) {
      throw new IndexFormatException(path + ": " + size + " bytes is too short for a Winnow index (truncated?)");
    }
    int version;
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      ByteBuffer head = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, head, 0, path);
      head.flip();
      byte[] magic = new byte[8];
      head.get(magic);
      if (!Arrays.equals(magic, IndexFile.MAGIC)) {
        throw new IndexFormatException(path + ": not a Winnow index (bad magic number)");
      }
      version = head.getInt();
    }
    if (version < MIN_VERSION) {
      throw new IndexFormatException(path + ": format version " + version + " is too old (this build reads "
          + MIN_VERSION + ".." + VERSION + ")");
    }
    if (version > VERSION) {
      throw new IndexFormatException(path + ": format version " + version + " is too new (this build reads "
          + MIN_VERSION + ".." + VERSION + "); open it with a newer Winnow");
    }
    return version == 1 ? V1.read(path) : readV2(path, size, version);
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long pos, Path path) throws IOException {
    while (b.hasRemaining()) {
      int r = ch.read(b, pos);
      if (r < 0) {
        throw new IndexFormatException(path + ": truncated at byte " + pos);
      }
      pos += r;
    }
  }

  private static Loaded readV2(Path path, long size, int version) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      return readV2(path, size, ch, version);
    } catch (IndexFormatException e) {
      throw e;
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IndexFormatException(path + ": malformed UTF-8 string", e);
    } catch (java.io.EOFException e) {
      throw new IndexFormatException(path + ": truncated (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IndexFormatException(path + ": invalid content: " + e, e);
    }
  }

  /** Versions 2 and 3 (3 adds the quantizer, codes and norms sections). */
  private static Loaded readV2(Path path, long size, FileChannel ch, int version) throws IOException {
    int ns = version == 2 ? SECTIONS_V2 : SECTIONS;
    int tableAt = IndexFile.HEADER_BYTES + PARAMS_BYTES;
    int headBytes = tableAt + ns * SECTION_ENTRY_BYTES;
    if (size < headBytes + IndexFile.TRAILER_BYTES) {
      throw new IndexFormatException(path + ": " + size + " bytes is too short for a version-" + version + " HNSW index");
    }
    ByteBuffer head = ByteBuffer.allocate(headBytes).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, head, 0, path);
    head.flip();
    ByteBuffer trailer = ByteBuffer.allocate(IndexFile.TRAILER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, trailer, size - IndexFile.TRAILER_BYTES, path);
    trailer.flip();
    long end = trailer.getLong();
    int headCrc = trailer.getInt();
    byte[] endMagic = new byte[4];
    trailer.get(endMagic);
    if (!Arrays.equals(endMagic, IndexFile.END_MAGIC) || end != size - IndexFile.TRAILER_BYTES) {
      throw new IndexFormatException(path + ": bad trailer (truncated or not a complete Winnow index)");
    }
    CRC32C crc = new CRC32C();
    crc.update(head.duplicate());
    if ((int) crc.getValue() != headCrc) {
      throw new IndexFormatException(path + ": header checksum mismatch (the file is corrupted)");
    }
    head.position(12);
    byte kind = head.get();
    Similarity sim = similarity(head.get());
    head.get();
    head.get();
    int d = head.getInt();
    head.getInt();
    if (kind != IndexFile.KIND_HNSW) {
      throw new IndexFormatException(path + ": index kind " + kind + ", expected hnsw (2)");
    }
    if (sim == null) {
      throw new IndexFormatException(path + ": unknown similarity code " + head.get(13));
    }
    if (d <= 0 || d > 65_536) {
      throw new IndexFormatException(path + ": dimension " + d + " out of range [1, 65536]");
    }
    int m = head.getInt();
    int efc = head.getInt();
    int ef = head.getInt();
    double threshold = head.getDouble();
    int n = head.getInt();
    int epNode = head.getInt();
    int epLevel = head.getInt();
    int sections = head.getInt();
    if (m < 2 || m > 512) {
      throw new IndexFormatException(path + ": M " + m + " out of range [2, 512]");
    }
    if (sections != ns) {
      throw new IndexFormatException(path + ": " + sections + " sections, version " + version + " has " + ns);
    }
    if (n < 0) {
      throw new IndexFormatException(path + ": node count " + n + " is negative");
    }
    int stride0 = 2 * m + 1;
    long[] off = new long[ns];
    long[] len = new long[ns];
    int[] crcs = new int[ns];
    head.position(tableAt);
    long prevEnd = headBytes;
    for (int s = 0; s < ns; s++) {
      off[s] = head.getLong();
      len[s] = head.getLong();
      crcs[s] = head.getInt();
      head.getInt();
      if (off[s] < prevEnd || off[s] % ALIGN != 0 || len[s] < 0 || off[s] + len[s] > end) {
        throw new IndexFormatException(path + ": section " + SECTION_NAMES[s] + " at " + off[s] + " (+" + len[s]
            + " bytes) is out of place (file body ends at " + end + ")");
      }
      prevEnd = off[s] + len[s];
    }
    long[] expected = {(long) n * d * 4, (long) n * stride0 * 4, n, -1, -1};
    for (int s = 0; s < 3; s++) {
      if (len[s] != expected[s]) {
        throw new IndexFormatException(path + ": section " + SECTION_NAMES[s] + " holds " + len[s]
            + " bytes, " + n + " nodes need " + expected[s]);
      }
    }
    // the gaps between sections (alignment) must be zero: no byte of the file escapes a check
    long at = headBytes;
    for (int s = 0; s <= ns; s++) {
      long gapEnd = s < ns ? off[s] : end;
      if (gapEnd - at > ALIGN) {
        throw new IndexFormatException(path + ": " + (gapEnd - at) + " unaccounted bytes before "
            + (s < ns ? "section " + SECTION_NAMES[s] : "the trailer"));
      }
      ByteBuffer gap = ByteBuffer.allocate((int) (gapEnd - at));
      readFully(ch, gap, at, path);
      for (int i = 0; i < gap.capacity(); i++) {
        if (gap.get(i) != 0) {
          throw new IndexFormatException(path + ": non-zero padding at byte " + (at + i) + " (the file is corrupted)");
        }
      }
      at = s < ns ? off[s] + len[s] : end;
    }
    for (int s = 0; s < ns; s++) {
      if (sectionCrc(ch, off[s], len[s], s == 0 ? d : 0, path) != crcs[s]) {
        throw new IndexFormatException(path + ": section " + SECTION_NAMES[s] + " checksum mismatch (the file is corrupted)");
      }
    }
    // levels, on the heap
    byte[] levels = new byte[n];
    readFully(ch, ByteBuffer.wrap(levels), off[2], path);
    int maxLevel = HnswBuilder.maxLevel(m) + 1;
    long upperInts = 0;
    int top = -1;
    for (int i = 0; i < n; i++) {
      if (levels[i] < 0 || levels[i] > maxLevel) {
        throw new IndexFormatException(path + ": node " + i + " has level " + levels[i] + ", expected 0.." + maxLevel);
      }
      upperInts += (long) levels[i] * (m + 1);
      top = Math.max(top, levels[i]);
    }
    if (len[3] != upperInts * 4) {
      throw new IndexFormatException(path + ": section upper holds " + len[3] + " bytes, the levels need " + upperInts * 4);
    }
    if (n == 0 ? epNode != -1 : (epNode < 0 || epNode >= n || levels[epNode] != epLevel || epLevel != top)) {
      throw new IndexFormatException(path + ": entry point " + epNode + " (level " + epLevel + ") is not a node on the"
          + " top level " + top + " of " + n + " nodes");
    }
    // upper lists, on the heap
    int[][][] upper = new int[n][][];
    IndexFile.In in = new IndexFile.In(ch, off[3], off[3] + len[3], path, null);
    for (int i = 0; i < n; i++) {
      int lv = levels[i];
      if (lv == 0) {
        continue;
      }
      int[][] u = new int[lv][];
      for (int l = 1; l <= lv; l++) {
        int c = in.i32();
        if (c < 0 || c > m) {
          throw in.error("node " + i + " level " + l + ": neighbour count " + c + " out of range [0, " + m + "]");
        }
        int[] list = new int[c == 0 ? 1 : m + 1];
        list[0] = c;
        u[l - 1] = list;
        for (int j = 0; j < m; j++) {
          int t = in.i32();
          if (j < c) {
            if (t < 0 || t >= n || t == i || levels[t] < l) {
              throw in.error("node " + i + " level " + l + ": neighbour " + t + " is out of range, itself, or not on"
                  + " level " + l);
            }
            list[1 + j] = t;
          }
        }
      }
      upper[i] = u;
    }
    // documents, on the heap
    NodeTable nodes = new NodeTable();
    ConcurrentHashMap<String, Integer> byId = new ConcurrentHashMap<>();
    Set<String> fields = new HashSet<>();
    // documents: ids and metadata on the heap; texts stay in the file (mapped in pieces of at most 1 GiB that no
    // record crosses), read when a caller asks for a whole document
    in = new IndexFile.In(ch, off[4], off[4] + len[4], path, null);
    long[] textAt = new long[1];
    java.util.List<long[]> pieces = new java.util.ArrayList<>(); // [start, end) in the file
    long pieceStart = off[4];
    for (int i = 0; i < n; i++) {
      long recordStart = in.position();
      int flags = in.u8();
      if (flags > 1) {
        throw in.error("node " + i + ": unknown flags " + flags);
      }
      Document doc = flags == 1 ? in.document(textAt) : null;
      long textPos = doc == null ? -1 : textAt[0];
      if (in.position() - pieceStart > TEXT_PIECE && recordStart > pieceStart) {
        pieces.add(new long[] {pieceStart, recordStart});
        pieceStart = recordStart;
      }
      if (textPos >= 0) {
        nodes.setStored(i, doc, ((long) pieces.size() << 32) | (textPos - pieceStart), true);
      } else {
        nodes.set(i, doc, doc != null);
      }
      if (doc != null) {
        if (byId.putIfAbsent(doc.id(), i) != null) {
          throw in.error("duplicate id '" + doc.id() + "'");
        }
        fields.addAll(doc.metadata().keySet());
      }
    }
    if (in.position() != off[4] + len[4]) {
      throw in.error((off[4] + len[4] - in.position()) + " unread bytes in section documents");
    }
    pieces.add(new long[] {pieceStart, off[4] + len[4]});
    ByteBuffer[] texts = new ByteBuffer[pieces.size()];
    for (int p = 0; p < texts.length; p++) {
      long[] pc = pieces.get(p);
      if (pc[1] - pc[0] > Integer.MAX_VALUE) {
        throw new IndexFormatException(path + ": a document record of " + (pc[1] - pc[0]) + " bytes exceeds 2 GiB");
      }
      texts[p] = ch.map(FileChannel.MapMode.READ_ONLY, pc[0], pc[1] - pc[0]);
    }
    nodes.texts(texts);
    // quantizer (version 3): settings, and the ranges once trained
    int quantization = 0;
    int oversample = 3;
    int quantizeAfter = 10_000;
    ScalarQuantizer qz = null;
    if (ns == SECTIONS) {
      in = new IndexFile.In(ch, off[5], off[5] + len[5], path, null);
      quantization = in.i32();
      oversample = in.i32();
      quantizeAfter = in.i32();
      int trained = in.i32();
      if (quantization < 0 || quantization > 1) {
        throw in.error("unknown quantization " + quantization + " (0 none, 1 int8)");
      }
      if (oversample < 1 || oversample > 100 || quantizeAfter < 1 || quantizeAfter > (1 << 30)) {
        throw in.error("rescore oversample " + oversample + " or quantizeAfter " + quantizeAfter + " out of range");
      }
      if (trained < 0 || trained > quantization) {
        throw in.error("trained flag " + trained + " with quantization " + quantization);
      }
      long qBytes = QUANTIZER_HEAD + (trained == 1 ? 8L * d : 0);
      if (len[5] != qBytes) {
        throw in.error("section quantizer holds " + len[5] + " bytes, expected " + qBytes);
      }
      if (trained == 1) {
        float[] lo = new float[d];
        float[] st = new float[d];
        in.floats(lo, 0, d);
        in.floats(st, 0, d);
        try {
          qz = ScalarQuantizer.of(lo, st);
        } catch (IllegalArgumentException e) {
          throw in.error("bad quantizer ranges: " + e.getMessage());
        }
      }
      long codeBytes = qz == null ? 0 : (long) n * d;
      long normBytes = qz == null ? 0 : 4L * n;
      if (len[6] != codeBytes || len[7] != normBytes) {
        throw new IndexFormatException(path + ": sections codes and norms hold " + len[6] + " and " + len[7]
            + " bytes, " + n + " nodes need " + codeBytes + " and " + normBytes);
      }
    }
    // vectors and layer 0 (and codes and norms): mapped, one buffer per graph page
    HnswGraph graph = new HnswGraph(d, sim, m);
    int page = graph.pageSize();
    int pages = (n + page - 1) / page;
    ByteBuffer[] vec = new ByteBuffer[pages];
    IntBuffer[] l0 = new IntBuffer[pages];
    ByteBuffer[] codes = qz == null ? null : new ByteBuffer[pages];
    FloatBuffer[] norms = qz == null ? null : new FloatBuffer[pages];
    for (int p = 0; p < pages; p++) {
      int from = p * page;
      int count = Math.min(page, n - from);
      MappedByteBuffer vb = ch.map(FileChannel.MapMode.READ_ONLY, off[0] + (long) from * d * 4, (long) count * d * 4);
      vec[p] = vb.order(ByteOrder.LITTLE_ENDIAN);
      MappedByteBuffer lb = ch.map(FileChannel.MapMode.READ_ONLY, off[1] + (long) from * stride0 * 4,
          (long) count * stride0 * 4);
      l0[p] = lb.order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
      checkLevel0(path, l0[p], from, count, stride0, 2 * m, n);
      if (qz != null) {
        codes[p] = ch.map(FileChannel.MapMode.READ_ONLY, off[6] + (long) from * d, (long) count * d);
        norms[p] = ch.map(FileChannel.MapMode.READ_ONLY, off[7] + 4L * from, 4L * count)
            .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        for (int i = 0; i < count; i++) {
          if (!(norms[p].get(i) >= 0) || norms[p].get(i) == Float.POSITIVE_INFINITY) {
            throw new IndexFormatException(path + ": node " + (from + i) + " has a negative or non-finite code norm");
          }
        }
      }
    }
    long entry = n == 0 ? -1 : ((long) epLevel << 32) | epNode;
    graph.installMapped(n, vec, l0, levels, upper, entry, qz, codes, norms);
    HnswGeneration g = new HnswGeneration(graph, new HnswBuilder(graph, efc, 42), nodes, byId);
    return new Loaded(d, sim, m, efc, ef, threshold, g, fields, quantization, oversample, quantizeAfter);
  }

  /**
   * CRC32C of a section through temporary mappings; with {@code floatsPerNode > 0} (the vectors) also checks that
   * every float is finite, in the same pass, so that opening never touches the pages the index keeps mapped (a
   * quantized index's searches read few of its float vectors, and only those become resident).
   */
  private static int sectionCrc(FileChannel ch, long off, long len, int floatsPerNode, Path path) throws IOException {
    CRC32C crc = new CRC32C();
    long done = 0;
    long chunkMax = floatsPerNode > 0 ? (1L << 30) / (4L * floatsPerNode) * (4L * floatsPerNode) : 1L << 30;
    while (done < len) {
      long chunk = Math.min(len - done, chunkMax);
      MappedByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, off + done, chunk);
      crc.update(b.duplicate());
      if (floatsPerNode > 0) {
        FloatBuffer f = b.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        int floats = f.limit();
        for (int i = 0; i < floats; i++) {
          if (!Float.isFinite(f.get(i))) {
            long node = (done / 4 + i) / floatsPerNode;
            throw new IndexFormatException(path + ": node " + node + " has a non-finite vector component");
          }
        }
      }
      done += chunk;
    }
    return (int) crc.getValue();
  }

  private static void checkLevel0(Path path, IntBuffer b, int from, int count, int stride0, int max, int n)
      throws IndexFormatException {
    for (int i = 0; i < count; i++) {
      int base = i * stride0;
      int c = b.get(base);
      if (c < 0 || c > max) {
        throw new IndexFormatException(path + ": node " + (from + i) + " level 0: neighbour count " + c
            + " out of range [0, " + max + "]");
      }
      for (int j = 1; j <= c; j++) {
        int t = b.get(base + j);
        if (t < 0 || t >= n || t == from + i) {
          throw new IndexFormatException(path + ": node " + (from + i) + " level 0: neighbour " + t
              + " out of range [0, " + n + ") or itself");
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------- version 1

  /** Version 1: one record per node (flags, document, vector, per-level lists), read into the heap. */
  static final class V1 {
    private V1() {}

    static Loaded read(Path path) throws IOException {
      return IndexFile.load(path, IndexFile.KIND_HNSW, V1::body, (h, l) -> l);
    }

    /**
     * The most levels a node can have in a version-1 graph of this M: hnswlib 1.2.1 drew a node's top level as
     * {@code floor(-ln(u) / ln(M))} with {@code u} at least 2^-53 when not 0, plus one level of slack.
     */
    static int maxLevelCount(int m) {
      return 2 + (int) Math.floor(53 * Math.log(2) / Math.log(m));
    }

    private static Loaded body(IndexFile.In in) throws IOException {
      IndexFile.Header h = in.header();
      int m = in.i32();
      int efc = in.i32();
      int ef = in.i32();
      double threshold = in.f64();
      if (m < 2 || m > 512) {
        throw in.error("bad parameters: m must be in [2, 512], got " + m);
      }
      int d = h.dimension();
      int n = in.count("node", Integer.MAX_VALUE - 64, 1 + 4 * d + 1 + 4);
      // the graph keeps fixed-width layer-0 lists (2M + 1 ints a node) where version 1 stored only the links a
      // node has: refuse a file whose node count would make that layout cost far more than the file proves (a real
      // graph fills its lists; a hostile one claims many empty nodes of a huge M)
      long layout = (long) n * (4L * (2 * m + 1) + 4L * d);
      long fileBytes = in.remaining() + in.position();
      if (layout > 32 * fileBytes + (4L << 20)) {
        throw in.error(n + " nodes of M = " + m + " need " + layout + " bytes of vectors and layer-0 links, more than"
            + " 32 times the " + fileBytes + "-byte file: not a graph Winnow wrote");
      }
      HnswGraph graph = new HnswGraph(d, h.similarity(), m);
      NodeTable nodes = new NodeTable();
      ConcurrentHashMap<String, Integer> byId = new ConcurrentHashMap<>();
      Set<String> fields = new HashSet<>();
      int maxLevels = maxLevelCount(m);
      int[][] lists = new int[n][];
      int[] levelOf = new int[n];
      for (int i = 0; i < n; i++) {
        int flags = in.u8();
        if (flags > 1) {
          throw in.error("node " + i + ": unknown flags " + flags);
        }
        Document doc = flags == 1 ? in.document() : null;
        float[] v = in.vector();
        int levels = in.u8();
        if (levels < 1 || levels > maxLevels) {
          throw in.error("node " + i + ": " + levels + " levels, expected 1.." + maxLevels + " for M = " + m);
        }
        if ((long) levels * 4 > in.remaining()) {
          throw in.error("node " + i + ": " + levels + " neighbour counts do not fit in " + in.remaining() + " bytes");
        }
        int node = graph.allocate(v, levels - 1, false);
        nodes.set(node, doc, doc != null);
        levelOf[i] = levels - 1;
        int[] flat = new int[0];
        int at = 0;
        for (int l = 0; l < levels; l++) {
          int c = in.i32();
          int max = l == 0 ? 2 * m : m;
          if (c < 0 || c > max || (long) c * 4 > in.remaining()) {
            throw in.error("node " + i + " level " + l + ": neighbour count " + c + " is out of range [0, " + max
                + "] (M = " + m + "; layer 0 keeps 2M) or exceeds the " + in.remaining() + " bytes left");
          }
          if (flat.length < at + 1 + c) {
            flat = Arrays.copyOf(flat, Math.max(at + 1 + c, flat.length * 2));
          }
          flat[at++] = c;
          for (int j = 0; j < c; j++) {
            int t = in.i32();
            if (t < 0 || t >= n || t == i) {
              throw in.error("node " + i + " level " + l + ": neighbour " + t + " out of range [0, " + n + ") or self");
            }
            flat[at++] = t;
          }
        }
        lists[i] = Arrays.copyOf(flat, at);
        if (doc != null) {
          if (byId.putIfAbsent(doc.id(), node) != null) {
            throw in.error("duplicate id '" + doc.id() + "'");
          }
          fields.addAll(doc.metadata().keySet());
        }
      }
      int ep = in.i32();
      if (n == 0 ? ep != -1 : (ep < 0 || ep >= n)) {
        throw in.error("entry point " + ep + " out of range for " + n + " nodes");
      }
      int top = -1;
      for (int i = 0; i < n; i++) {
        top = Math.max(top, levelOf[i]);
        int at = 0;
        for (int l = 0; l <= levelOf[i]; l++) {
          int c = lists[i][at];
          for (int j = 0; j < c; j++) {
            int t = lists[i][at + 1 + j];
            if (levelOf[t] < l) {
              throw in.error("node " + i + " links to node " + t + " on level " + l + " it does not reach");
            }
          }
          synchronized (graph.lock(i)) {
            graph.setNeighboursLocked(i, l, Arrays.copyOfRange(lists[i], at + 1, at + 1 + c), c);
          }
          at += 1 + c;
        }
        lists[i] = null;
      }
      if (n > 0 && levelOf[ep] != top) {
        throw in.error("entry point " + ep + " is not on the top level " + top);
      }
      if (n > 0) {
        graph.entry(ep, top);
      }
      HnswGeneration g = new HnswGeneration(graph, new HnswBuilder(graph, efc, 42), nodes, byId);
      return new Loaded(d, h.similarity(), m, efc, ef, threshold, g, fields);
    }
  }
}
