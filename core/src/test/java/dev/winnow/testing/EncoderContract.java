package dev.winnow.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.winnow.Encoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;

/**
 * The behaviour every {@link Encoder} promises (see its javadoc). Implementations extend this class and supply a
 * factory. Tests that do not close the encoder share one instance per class ({@link #shared()}); the
 * others create their own. Models whose output depends on the batch (dynamically
 * quantized int8 ONNX models run with a batch size above 1) say so with {@link #batchIndependent()}.
 *
 * @param <E> the implementation, so that {@link #otherMethods} can reach its own methods
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class EncoderContract<E extends Encoder> {

  private E shared;

  /** One instance for the tests that do not close it (models are slow to load); closed after the class. */
  protected final E shared() {
    if (shared == null) {
      shared = create();
    }
    return shared;
  }

  @AfterAll
  void closeShared() {
    if (shared != null) {
      shared.close();
    }
  }

  /** A new encoder; the caller closes it. */
  protected abstract E create();

  /** Whether a text's vector is the same (within {@link #tolerance()}) whatever else is in its batch. */
  protected boolean batchIndependent() {
    return true;
  }

  /** Largest difference allowed between two computations of one vector (batched vs alone, thread vs thread). */
  protected float tolerance() {
    return 1e-5f;
  }

  /** The implementation's own methods, each of which must throw {@link IllegalStateException} once closed. */
  protected List<Executable> otherMethods(E closed) {
    return List.of();
  }

  /** Texts of varied lengths (an empty one, unicode, a long one), distinct. */
  protected List<String> texts() {
    List<String> texts = new ArrayList<>(List.of(
        "Mount Everest is the highest mountain above sea level.",
        "who wrote the origin of species",
        "Charles Darwin wrote On the Origin of Species in 1859.",
        "The bat flew out of the cave at night.",
        "I am going to a yoga class"));
    texts.add("");
    texts.add("Ünïcødé, 漢字 and emoji 🙂 in one line.");
    texts.add(String.join(" ", Collections.nCopies(40, "a longer passage about mountains, rivers and cities")));
    return texts;
  }

  @Test
  void emptyInEmptyOut() {
    E encoder = shared();
    float[][] out = encoder.encode(List.of());
    assertNotNull(out);
    assertEquals(0, out.length);
  }

  @Test
  void nullsAreRejectedWithTheirIndex() {
    E encoder = shared();
    assertMessage(() -> encoder.encode((List<String>) null), "texts");
    assertMessage(() -> encoder.encode(Arrays.asList("a", "b", null)), "texts[2]");
    assertMessage(() -> encoder.encode((String) null), "text");
  }

  @Test
  void oneFiniteVectorOfTheDimensionPerText() {
    E encoder = shared();
    List<String> texts = texts();
    float[][] out = encoder.encode(texts);
    assertEquals(texts.size(), out.length);
    for (int i = 0; i < out.length; i++) {
      assertEquals(encoder.dimension(), out[i].length, "row " + i);
      for (float x : out[i]) {
        assertTrue(Float.isFinite(x), "row " + i + " has " + x);
      }
    }
    assertNotNull(encoder.similarity());
    assertNotNull(encoder.modelId());
    assertTrue(!encoder.modelId().isBlank());
  }

  /** Row i is text i: reversing the input reverses the output, and equal texts get equal vectors. */
  @Test
  void outputFollowsInputOrder() {
    E encoder = shared();
    List<String> texts = texts();
    float[][] forward = encoder.encode(texts);
    List<String> reversed = new ArrayList<>(texts);
    Collections.reverse(reversed);
    float[][] backward = encoder.encode(reversed);
    for (int i = 0; i < texts.size(); i++) {
      assertArrayEquals(forward[i], backward[texts.size() - 1 - i], tolerance(), "text " + i);
    }
    float[][] twice = encoder.encode(List.of(texts.get(0), texts.get(1), texts.get(0)));
    assertArrayEquals(twice[0], twice[2], tolerance(), "equal texts, equal vectors");
    assertTrue(maxAbsDiff(twice[0], twice[1]) > tolerance(), "different texts, different vectors");
  }

  /** A text's vector does not depend on its neighbours in the batch (padding is masked). */
  @Test
  void batchIndependence() {
    assumeTrue(batchIndependent(), "this model's output depends on its batch (e.g. dynamic int8 quantization)");
    E encoder = shared();
    List<String> texts = texts();
    float[][] batched = encoder.encode(texts);
    for (int i = 0; i < texts.size(); i++) {
      assertArrayEquals(encoder.encode(texts.get(i)), batched[i], tolerance(), "text " + i + " alone vs batched");
    }
  }

  @Test
  void modelIdIsStableAcrossInstances() {
    E a = shared();
    try (E b = create()) {
      assertEquals(a.modelId(), b.modelId());
      assertEquals(a.dimension(), b.dimension());
      assertEquals(a.similarity(), b.similarity());
    }
  }

  @Test
  void concurrentCallsGiveTheSameVectors() throws Exception {
    E encoder = shared();
    List<String> texts = texts();
    float[][] expected = encoder.encode(texts);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<float[][]>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Callable<float[][]> call = () -> encoder.encode(texts);
        futures.add(pool.submit(call));
      }
      for (Future<float[][]> f : futures) {
        float[][] got = f.get(120, TimeUnit.SECONDS);
        for (int i = 0; i < texts.size(); i++) {
          assertArrayEquals(expected[i], got[i], tolerance(), "text " + i);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** After close every method but close throws IllegalStateException; close is idempotent. */
  @Test
  void everyMethodThrowsIllegalStateAfterClose() {
    E encoder = create();
    encoder.close();
    assertDoesNotThrow(encoder::close, "close is idempotent");
    Map<String, Executable> calls = new java.util.LinkedHashMap<>();
    calls.put("dimension()", encoder::dimension);
    calls.put("similarity()", encoder::similarity);
    calls.put("modelId()", encoder::modelId);
    calls.put("encode(List)", () -> encoder.encode(List.of("a")));
    calls.put("encode(empty List)", () -> encoder.encode(List.of()));
    calls.put("encode(String)", () -> encoder.encode("a"));
    List<Executable> others = otherMethods(encoder);
    for (int i = 0; i < others.size(); i++) {
      calls.put("otherMethods()[" + i + "]", others.get(i));
    }
    for (Map.Entry<String, Executable> c : calls.entrySet()) {
      assertThrows(IllegalStateException.class, c.getValue(), c.getKey() + " after close");
    }
  }

  protected static void assertMessage(Executable call, String part) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage() != null && e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
  }

  private static float maxAbsDiff(float[] a, float[] b) {
    float m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }
}
