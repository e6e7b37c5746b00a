package dev.winnow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.testing.FakeEncoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CoreTypesTest {
  @Test
  void similarityScores() {
    float[] a = {1, 0, 0};
    float[] b = {1, 1, 0};
    assertEquals(Math.sqrt(0.5), Similarity.COSINE.score(a, b), 1e-6);
    assertEquals(1.0, Similarity.DOT_PRODUCT.score(a, b), 1e-6);
    assertEquals(0.5, Similarity.EUCLIDEAN.score(a, b), 1e-6);
    assertEquals(1.0, Similarity.EUCLIDEAN.score(a, a), 1e-6);
    assertEquals(0f, Similarity.COSINE.score(a, new float[3]), "zero vector");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Similarity.COSINE.score(a, new float[4]));
    assertTrue(e.getMessage().contains("3") && e.getMessage().contains("4"));
  }

  @Test
  void hitsSortBestFirstThenById() {
    List<Hit> hits = new ArrayList<>(List.of(new Hit("b", 0.5f), new Hit("a", 0.5f), new Hit("c", 0.9f)));
    hits.sort(null);
    assertEquals(List.of(new Hit("c", 0.9f), new Hit("a", 0.5f), new Hit("b", 0.5f)), hits);
    assertThrows(IllegalArgumentException.class, () -> new Hit("x", Float.NaN));
    assertThrows(NullPointerException.class, () -> new Hit(null, 1f));
  }

  @Test
  void documentValidatesAndCopiesMetadata() {
    Map<String, Object> meta = new HashMap<>();
    meta.put("year", 2024);
    meta.put("lang", "en");
    Document d = new Document("d1", "text", meta);
    meta.put("year", 1999);
    assertEquals(2024, d.metadata().get("year"));
    assertThrows(UnsupportedOperationException.class, () -> d.metadata().put("x", 1));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new Document(" ", "t")).getMessage().contains("id"));
    assertThrows(IllegalArgumentException.class, () -> new Document("d", null));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new Document("d", "t", Map.of("score", Double.NaN))).getMessage().contains("score"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new Document("d", "t", Map.of("when", new java.util.Date()))).getMessage().contains("when"));
    assertEquals(new Document("d", "t"), new Document("d", "t", null));
  }

  @Test
  void checkTextsNamesTheIndex() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Encoder.checkTexts(null)).getMessage()
        .contains("texts"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Encoder.checkTexts(Arrays.asList("a", null)))
        .getMessage().contains("texts[1]"));
  }

  @Test
  void dualEncoderShapes() {
    FakeEncoder model = new FakeEncoder(8);
    DualEncoder shared = DualEncoder.shared(model);
    assertSame(shared.queries(), shared.passages());

    DualEncoder prefixed = DualEncoder.withPrefixes(model, "query: ", "passage: ");
    assertEquals(Arrays.toString(model.vector("query: hello")),
        Arrays.toString(prefixed.encodeQueries(List.of("hello"))[0]));
    assertEquals(Arrays.toString(model.vector("passage: hello")),
        Arrays.toString(prefixed.encodePassages(List.of("hello"))[0]));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> prefixed.encodeQueries(Arrays.asList("ok", null))).getMessage().contains("texts[1]"));
    prefixed.close();
    assertFalse(model.isClosed(), "a view leaves the encoder to its creator");
    prefixed.queries().close();
    assertFalse(model.isClosed(), "closing a prefixed side closes only that view");
    assertThrows(IllegalStateException.class, () -> prefixed.encodeQueries(List.of("x")));
    DualEncoder.owning(DualEncoder.withPrefixes(model, "query: ", "passage: ")).close();
    assertTrue(model.isClosed(), "an owning dual encoder closes the encoder under the prefixes");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DualEncoder(new FakeEncoder(8), new FakeEncoder(16)));
    assertTrue(e.getMessage().contains("8") && e.getMessage().contains("16"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new DualEncoder(null, model));
    assertThrows(IllegalArgumentException.class, () -> DualEncoder.withPrefixes(model, null, ""));
  }

  @Test
  void onlyAnOwningDualEncoderClosesItsEncoders() {
    FakeEncoder q = new FakeEncoder(4);
    FakeEncoder p = new FakeEncoder(4);
    DualEncoder view = new DualEncoder(q, p);
    view.close();
    assertFalse(q.isClosed() || p.isClosed(), "the caller created them, the caller closes them");
    assertFalse(view.ownsEncoders());
    DualEncoder owning = DualEncoder.owning(view);
    assertTrue(owning.ownsEncoders());
    assertNotEquals(view, owning);
    assertEquals(owning, DualEncoder.owning(view));
    owning.close();
    owning.close();
    assertTrue(q.isClosed() && p.isClosed());
    assertThrows(IllegalArgumentException.class, () -> DualEncoder.owning(null));
  }
}
