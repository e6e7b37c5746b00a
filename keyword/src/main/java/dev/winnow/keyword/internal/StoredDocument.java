package dev.winnow.keyword.internal;

import dev.winnow.Document;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.lucene.store.ByteArrayDataInput;
import org.apache.lucene.store.ByteBuffersDataOutput;
import org.apache.lucene.util.BytesRef;

/**
 * A {@link Document} as the bytes of one stored field, so that {@code get} returns an equal document: metadata
 * keep their order and their boxed types (Integer, Long, Float, Double, String, Boolean). Layout: id, text,
 * vInt count, then per entry the key, a tag byte and the value. A string is a tag byte then either Lucene's
 * UTF-8 string (well-formed strings) or a vInt length and UTF-16 code units (strings with an unpaired surrogate,
 * which UTF-8 cannot carry). Lucene checksums the stored fields; {@link #decode} still bounds every length by
 * the bytes left. Stateless.
 */
public final class StoredDocument {
  private StoredDocument() {}

  private static final byte UTF8 = 0;
  private static final byte UTF16 = 1;
  private static final byte STRING = 'S';
  private static final byte TRUE = 'T';
  private static final byte FALSE = 'F';
  private static final byte INT = 'I';
  private static final byte LONG = 'L';
  private static final byte FLOAT = 'f';
  private static final byte DOUBLE = 'D';

  public static BytesRef encode(Document d) {
    ByteBuffersDataOutput out = new ByteBuffersDataOutput();
    try {
      string(out, d.id());
      string(out, d.text());
      out.writeVInt(d.metadata().size());
      for (Map.Entry<String, Object> e : d.metadata().entrySet()) {
        string(out, e.getKey());
        Object v = e.getValue();
        if (v instanceof String s) {
          out.writeByte(STRING);
          string(out, s);
        } else if (v instanceof Boolean b) {
          out.writeByte(b ? TRUE : FALSE);
        } else if (v instanceof Integer i) {
          out.writeByte(INT);
          out.writeInt(i);
        } else if (v instanceof Long l) {
          out.writeByte(LONG);
          out.writeLong(l);
        } else if (v instanceof Float f) {
          out.writeByte(FLOAT);
          out.writeInt(Float.floatToRawIntBits(f));
        } else if (v instanceof Double x) {
          out.writeByte(DOUBLE);
          out.writeLong(Double.doubleToRawLongBits(x));
        } else {
          throw new AssertionError("Document admitted metadata of type " + v.getClass());
        }
      }
    } catch (java.io.IOException e) {
      throw new AssertionError("in-memory output failed", e);
    }
    return new BytesRef(out.toArrayCopy());
  }

  /**
   * @throws IllegalArgumentException if the bytes are not an encoded document (the message says what is wrong)
   */
  public static Document decode(BytesRef bytes) {
    // an exact copy, so that reading past the end is an ArrayIndexOutOfBoundsException
    ByteArrayDataInput in = new ByteArrayDataInput(BytesRef.deepCopyOf(bytes).bytes);
    try {
      String id = string(in);
      String text = string(in);
      int n = count(in, 2);
      Map<String, Object> meta = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String key = string(in);
        byte tag = in.readByte();
        Object v = switch (tag) {
          case STRING -> string(in);
          case TRUE -> Boolean.TRUE;
          case FALSE -> Boolean.FALSE;
          case INT -> in.readInt();
          case LONG -> in.readLong();
          case FLOAT -> Float.intBitsToFloat(in.readInt());
          case DOUBLE -> Double.longBitsToDouble(in.readLong());
          default -> throw new IllegalArgumentException("unknown metadata tag " + tag + " for key '" + key + "'");
        };
        if (meta.put(key, v) != null) {
          throw new IllegalArgumentException("metadata key '" + key + "' repeats");
        }
      }
      if (!in.eof()) {
        throw new IllegalArgumentException((in.length() - in.getPosition()) + " trailing bytes");
      }
      return new Document(id, text, meta);
    } catch (ArrayIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("truncated stored document", e);
    }
  }

  private static void string(ByteBuffersDataOutput out, String s) throws java.io.IOException {
    if (Utf16.wellFormed(s)) {
      out.writeByte(UTF8);
      out.writeString(s);
    } else {
      out.writeByte(UTF16);
      out.writeVInt(s.length());
      for (int i = 0; i < s.length(); i++) {
        out.writeShort((short) s.charAt(i));
      }
    }
  }

  private static String string(ByteArrayDataInput in) {
    byte kind = in.readByte();
    if (kind == UTF8) {
      int len = count(in, 1);
      byte[] b = new byte[len];
      in.readBytes(b, 0, len);
      return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
    if (kind == UTF16) {
      int len = count(in, 2);
      char[] c = new char[len];
      for (int i = 0; i < len; i++) {
        c[i] = (char) in.readShort();
      }
      return new String(c);
    }
    throw new IllegalArgumentException("unknown string kind " + kind);
  }

  /** A vInt count of items of at least {@code minBytes} each, bounded by the bytes left. */
  private static int count(ByteArrayDataInput in, int minBytes) {
    int n = in.readVInt();
    int left = in.length() - in.getPosition();
    if (n < 0 || (long) n * minBytes > left) {
      throw new IllegalArgumentException("count " + n + " exceeds the " + left + " bytes left");
    }
    return n;
  }
}
