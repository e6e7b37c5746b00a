package dev.winnow.encoders.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.winnow.ModelLoadException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxGraphTest {
  @Test
  void readsOperatorsOfTheGraphFunctionsAndSubgraphsSkippingTheRest() {
    byte[] thenBranch = field(1, node("DynamicQuantizeLinear"));
    byte[] ifNode = concat(field(4, ascii("If")), field(5, concat(field(1, ascii("then_branch")), field(6, thenBranch))));
    byte[] graph = concat(field(2, ascii("main")), field(1, node("MatMul")), field(1, ifNode),
        field(5, new byte[300])); // an initializer: skipped by length
    byte[] function = field(7, node("Gelu"));
    byte[] model = concat(varintField(1, 8), field(2, ascii("pytorch")), field(7, graph), field(25, function),
        fixed32Field(99));
    OnnxGraph g = OnnxGraph.parse(ByteBuffer.wrap(model), "test");
    assertEquals(Set.of("DynamicQuantizeLinear", "Gelu", "If", "MatMul"), g.operators());
    assertTrue(g.dynamicallyQuantized());
    assertFalse(new OnnxGraph(Set.of("MatMul", "QuantizeLinear")).dynamicallyQuantized());
  }

  @Test
  void refusesLengthsBeyondTheBytesLeftAndTruncatedVarints() {
    byte[] lying = {(7 << 3) | 2, (byte) 0xff, (byte) 0xff, 0x03, 0x0a}; // graph claims 65535 bytes
    ModelLoadException e = assertThrows(ModelLoadException.class,
        () -> OnnxGraph.parse(ByteBuffer.wrap(lying), "lying.onnx"));
    assertTrue(e.getMessage().contains("lying.onnx") && e.getMessage().contains("bytes left"), e.getMessage());
    assertThrows(ModelLoadException.class, () -> OnnxGraph.parse(ByteBuffer.wrap(new byte[] {8, (byte) 0x80}), "t"));
    assertThrows(ModelLoadException.class, () -> OnnxGraph.parse(ByteBuffer.wrap(new byte[] {(1 << 3) | 3}), "t"));
  }

  @Test
  void bundledModelsAreToldApartByTheirGraphs(@TempDir Path tmp) throws IOException {
    Path fp32 = copy("all-minilm-l6-v2.onnx", tmp);
    Path int8 = copy("all-minilm-l6-v2-q.onnx", tmp);
    assumeTrue(fp32 != null && int8 != null, "bundled MiniLM jars not on the classpath");
    OnnxGraph plain = OnnxGraph.read(fp32);
    OnnxGraph quantized = OnnxGraph.read(int8);
    assertTrue(plain.operators().contains("MatMul"), plain.operators().toString());
    assertFalse(plain.dynamicallyQuantized(), plain.operators().toString());
    assertTrue(quantized.dynamicallyQuantized(), quantized.operators().toString());
  }

  private static Path copy(String resource, Path dir) throws IOException {
    try (InputStream in = OnnxGraphTest.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        return null;
      }
      Path f = dir.resolve(resource);
      Files.copy(in, f);
      return f;
    }
  }

  private static byte[] node(String opType) {
    return concat(field(1, ascii("x")), field(2, ascii("y")), field(4, ascii(opType)));
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] field(int number, byte[] payload) {
    return concat(varint((number << 3) | 2), varint(payload.length), payload);
  }

  private static byte[] varintField(int number, long value) {
    return concat(varint(number << 3), varint(value));
  }

  private static byte[] fixed32Field(int number) {
    return concat(varint((number << 3) | 5), new byte[4]);
  }

  private static byte[] varint(long v) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
