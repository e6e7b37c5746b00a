package dev.winnow.encoders.runtime;

import dev.winnow.ModelLoadException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The operator types of an ONNX model's graph, read from the model file's protobuf structure.
 *
 * <pre>{@code
 * OnnxGraph g = OnnxGraph.read(Path.of("model.onnx"));
 * g.operators();                 // [Add, Cast, DynamicQuantizeLinear, Gather, MatMulInteger, ...]
 * g.dynamicallyQuantized();      // true for ONNX Runtime's quantize_dynamic output
 * }</pre>
 *
 * <p>Why a reader of our own: ONNX Runtime's Java API exposes a session's inputs, outputs and metadata
 * ({@code OrtSession.getMetadata()}: producer, graph name, description, custom properties) but not its nodes,
 * and quantized exports (LangChain4j's, Xenova's) do not say "quantized" in that metadata. So this reads the
 * ONNX {@code ModelProto} directly, parsing only what it needs and skipping everything else by length:
 * {@code ModelProto.graph} (field 7) and {@code functions} (25), {@code GraphProto.node} (1),
 * {@code NodeProto.op_type} (4) and {@code attribute} (5), and {@code AttributeProto.g} (6) and {@code graphs} (11)
 * for the subgraphs of control-flow nodes. Weights ({@code GraphProto.initializer}) are skipped, not read; the
 * file is memory-mapped, so only the pages of the graph structure are touched.
 *
 * <p>A malformed file is refused, never trusted: every length is bounded by the bytes left in its enclosing
 * message, varints by 10 bytes, nesting by {@value #MAX_DEPTH} levels. Immutable.
 *
 * @param operators every {@code op_type} found, sorted
 */
public record OnnxGraph(Set<String> operators) {
  /** The operators of ONNX Runtime's dynamic (per-batch activation) quantization. */
  public static final Set<String> DYNAMIC_QUANTIZATION_OPERATORS =
      Set.of("DynamicQuantizeLinear", "DynamicQuantizeMatMul", "DynamicQuantizeLSTM");
  private static final int MAX_DEPTH = 64;
  private static final int LENGTH_DELIMITED = 2;

  public OnnxGraph {
    operators = Collections.unmodifiableSet(new TreeSet<>(operators));
  }

  /**
   * Whether the graph quantizes activations dynamically (one scale per call over the whole input batch), so an
   * input's output depends on the other inputs of its batch (scores of the int8 reranker moved by up to 0.40
   * here). Such a model is run one input per batch for exact, reproducible results.
   */
  public boolean dynamicallyQuantized() {
    for (String op : DYNAMIC_QUANTIZATION_OPERATORS) {
      if (operators.contains(op)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Reads the operator types of an ONNX file.
   *
   * @throws ModelLoadException if the file cannot be read or is not a well-formed ONNX protobuf; the message names
   *     the file and the offset
   */
  public static OnnxGraph read(Path file) {
    try (FileChannel ch = FileChannel.open(file)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) {
        throw new ModelLoadException("ONNX file " + file + " is " + size + " bytes; a protobuf file is at most"
            + " 2 GiB (larger models keep their weights in external data files)");
      }
      MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
      return parse(buf, file.toString());
    } catch (IOException e) {
      throw new ModelLoadException("cannot read ONNX file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses a serialized {@code ModelProto}.
   *
   * @param source names the bytes in error messages
   * @throws ModelLoadException if the bytes are not a well-formed ONNX protobuf
   */
  public static OnnxGraph parse(ByteBuffer bytes, String source) {
    Set<String> ops = new TreeSet<>();
    Reader r = new Reader(bytes.duplicate(), source);
    r.message(0, bytes.remaining(), Kind.MODEL, ops, 0);
    return new OnnxGraph(ops);
  }

  private enum Kind { MODEL, GRAPH, FUNCTION, NODE, ATTRIBUTE }

  /** A bounded reader of protobuf wire format over absolute positions of one buffer. */
  private static final class Reader {
    private final ByteBuffer buf;
    private final String source;
    private int pos;

    Reader(ByteBuffer buf, String source) {
      this.buf = buf;
      this.source = source;
    }

    /** Reads the fields of one message in [start, end), collecting op types. */
    void message(int start, int end, Kind kind, Set<String> ops, int depth) {
      if (depth > MAX_DEPTH) {
        throw fail("nesting deeper than " + MAX_DEPTH + " levels");
      }
      pos = start;
      while (pos < end) {
        long key = varint(end);
        int field = (int) (key >>> 3);
        int wire = (int) (key & 7);
        if (field < 1) {
          throw fail("field number " + field);
        }
        switch (wire) {
          case 0 -> varint(end);
          case 1 -> skip(8, end);
          case 5 -> skip(4, end);
          case LENGTH_DELIMITED -> {
            long len = varint(end);
            if (len > end - pos) {
              throw fail("field " + field + " claims " + len + " bytes, only " + (end - pos) + " bytes left");
            }
            int from = pos;
            int to = pos + (int) len;
            Kind child = child(kind, field);
            if (child != null) {
              message(from, to, child, ops, depth + 1);
            } else if (kind == Kind.NODE && field == 4) {
              byte[] name = new byte[(int) len];
              buf.get(from, name);
              ops.add(new String(name, StandardCharsets.UTF_8));
            }
            pos = to;
          }
          default -> throw fail("wire type " + wire + " (field " + field + ")");
        }
      }
      if (pos != end) {
        throw fail("a field runs past the end of its message");
      }
    }

    /** The message kind of a length-delimited field worth descending into, or null to skip it. */
    private static Kind child(Kind parent, int field) {
      return switch (parent) {
        case MODEL -> field == 7 ? Kind.GRAPH : field == 25 ? Kind.FUNCTION : null;
        case GRAPH -> field == 1 ? Kind.NODE : null;
        case FUNCTION -> field == 7 ? Kind.NODE : null;
        case NODE -> field == 5 ? Kind.ATTRIBUTE : null;
        case ATTRIBUTE -> field == 6 || field == 11 ? Kind.GRAPH : null;
      };
    }

    private long varint(int end) {
      long v = 0;
      for (int shift = 0; shift < 70; shift += 7) {
        if (pos >= end) {
          throw fail("truncated varint");
        }
        byte b = buf.get(pos++);
        v |= (long) (b & 0x7f) << shift;
        if (b >= 0) {
          return v;
        }
      }
      throw fail("varint longer than 10 bytes");
    }

    private void skip(int n, int end) {
      if (n > end - pos) {
        throw fail("truncated fixed-width field");
      }
      pos += n;
    }

    private ModelLoadException fail(String what) {
      return new ModelLoadException("not a well-formed ONNX file " + source + ": " + what + " at offset " + pos);
    }
  }
}
