package dev.winnow.train.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.winnow.ModelLoadException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads {@code .safetensors} files through DJL ({@code NDList.decode}) and writes float32 ones in the format
 * Hugging Face's {@code safetensors} library reads (8-byte little-endian header length, JSON header padded with
 * spaces to a multiple of 8, row-major little-endian data). Not part of the public API; stateless.
 */
public final class Safetensors {
  private Safetensors() {}

  /**
   * Every tensor of the file, by name, as arrays of {@code manager}.
   *
   * @throws ModelLoadException if the file cannot be read or is not safetensors
   */
  public static Map<String, NDArray> read(Path file, NDManager manager) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(9);
      if (head.length < 9 || head[8] != '{') {
        throw new ModelLoadException(file + " is not a safetensors file (no JSON header)");
      }
    } catch (IOException e) {
      throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      NDList list = NDList.decode(manager, in);
      Map<String, NDArray> out = new LinkedHashMap<>();
      for (NDArray a : list) {
        out.put(a.getName(), a);
      }
      return out;
    } catch (IOException | RuntimeException e) {
      throw new ModelLoadException("cannot read safetensors file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes the arrays (converted to float32) under their map keys, in map order. */
  public static void write(Path file, Map<String, NDArray> tensors) throws IOException {
    JsonObject header = new JsonObject();
    JsonObject meta = new JsonObject();
    meta.addProperty("format", "pt");
    header.add("__metadata__", meta);
    long offset = 0;
    for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
      JsonObject t = new JsonObject();
      t.addProperty("dtype", "F32");
      JsonArray shape = new JsonArray();
      for (long d : e.getValue().getShape().getShape()) {
        shape.add(d);
      }
      t.add("shape", shape);
      long bytes = e.getValue().getShape().size() * 4;
      JsonArray offsets = new JsonArray();
      offsets.add(offset);
      offsets.add(offset + bytes);
      t.add("data_offsets", offsets);
      header.add(e.getKey(), t);
      offset += bytes;
    }
    byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
      out.write(len.array());
      out.write(json);
      for (int i = json.length; i < padded; i++) {
        out.write(' ');
      }
      for (NDArray a : tensors.values()) {
        float[] f = a.toType(DataType.FLOAT32, false).toFloatArray();
        ByteBuffer buf = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(f);
        out.write(buf.array());
      }
    }
  }
}
