package dev.winnow.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.winnow.Document;
import dev.winnow.Reranker;
import dev.winnow.ScoredDocument;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;

/**
 * The behaviour every {@link Reranker} promises (see its javadoc). Implementations extend this class and supply a
 * factory. Tests that do not close the reranker share one instance per class ({@link #shared()}); the
 * others create their own. Models whose scores depend on the batch (dynamically
 * quantized int8 ONNX models run with a batch size above 1) say so with {@link #batchIndependent()}.
 *
 * @param <R> the implementation, so that {@link #otherMethods} can reach its own methods
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RerankerContract<R extends Reranker> {

  private R shared;

  /** One instance for the tests that do not close it (models are slow to load); closed after the class. */
  protected final R shared() {
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

  /** A new reranker; the caller closes it. */
  protected abstract R create();

  /** Whether a passage's score is the same (within {@link #tolerance()}) whatever else is in its batch. */
  protected boolean batchIndependent() {
    return true;
  }

  /** Largest difference allowed between two computations of one score. */
  protected float tolerance() {
    return 1e-5f;
  }

  /** The implementation's own methods, each of which must throw {@link IllegalStateException} once closed. */
  protected List<Executable> otherMethods(R closed) {
    return List.of();
  }

  protected String query() {
    return "What is the capital of France?";
  }

  /** Passages of varied relevance and length, distinct. */
  protected List<String> passages() {
    return List.of(
        "Paris is the capital and most populous city of France.",
        "Berlin is the capital of Germany.",
        "",
        "The Eiffel Tower is a wrought-iron lattice tower in Paris, France, named after Gustave Eiffel.",
        "Bananas are rich in potassium.",
        String.join(" ", Collections.nCopies(60, "France has many regions and a long history.")));
  }

  @Test
  void emptyInEmptyOut() {
    R reranker = shared();
    float[] scores = reranker.score(query(), List.of());
    assertNotNull(scores);
    assertEquals(0, scores.length);
    assertTrue(reranker.rerank(query(), List.of(), 5).isEmpty());
  }

  @Test
  void nullsAreRejectedWithTheirName() {
    R reranker = shared();
    assertMessage(() -> reranker.score(null, List.of("a")), "query");
    assertMessage(() -> reranker.score("q", null), "passages");
    assertMessage(() -> reranker.score("q", Arrays.asList("a", null)), "passages[1]");
    assertMessage(() -> reranker.rerank("q", null, 3), "candidates");
    assertMessage(() -> reranker.rerank("q", Arrays.asList(candidate("a", "x", 1), null), 3), "candidates[1]");
    assertMessage(() -> reranker.rerank("q", List.of(candidate("a", "x", 1)), 0), "topK");
  }

  @Test
  void oneFiniteScorePerPassageInInputOrder() {
    R reranker = shared();
    List<String> passages = passages();
    float[] forward = reranker.score(query(), passages);
    assertEquals(passages.size(), forward.length);
    for (float s : forward) {
      assertTrue(Float.isFinite(s), "score " + s);
    }
    List<String> reversed = new ArrayList<>(passages);
    Collections.reverse(reversed);
    float[] backward = reranker.score(query(), reversed);
    for (int i = 0; i < passages.size(); i++) {
      assertEquals(forward[i], backward[passages.size() - 1 - i], tolerance(), "passage " + i);
    }
    float[] twice = reranker.score(query(), List.of(passages.get(0), passages.get(1), passages.get(0)));
    assertEquals(twice[0], twice[2], tolerance(), "equal passages, equal scores");
    assertNotNull(reranker.modelId());
  }

  @Test
  void batchIndependence() {
    assumeTrue(batchIndependent(), "this model's scores depend on its batch (e.g. dynamic int8 quantization)");
    R reranker = shared();
    List<String> passages = passages();
    float[] batched = reranker.score(query(), passages);
    for (int i = 0; i < passages.size(); i++) {
      assertEquals(reranker.score(query(), List.of(passages.get(i)))[0], batched[i], tolerance(), "passage " + i);
    }
  }

  /** scorePairs over interleaved queries gives each pair the score that score() gives it for its own query. */
  @Test
  void scorePairsMatchesScorePerQuery() {
    R reranker = shared();
    List<String> passages = passages();
    String other = "Which fruit is rich in potassium?";
    List<String> queries = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < passages.size(); i++) {
      queries.add(i % 2 == 0 ? query() : other);
      texts.add(passages.get(i));
      queries.add(i % 2 == 0 ? other : query());
      texts.add(passages.get(i));
    }
    float[] pairs = reranker.scorePairs(queries, texts);
    assertEquals(queries.size(), pairs.length);
    assertEquals(0, reranker.scorePairs(List.of(), List.of()).length);
    assumeTrue(batchIndependent(), "this model's scores depend on its batch (e.g. dynamic int8 quantization)");
    float[] mine = reranker.score(query(), passages);
    float[] theirs = reranker.score(other, passages);
    for (int i = 0; i < pairs.length; i++) {
      float expected = (queries.get(i).equals(other) ? theirs : mine)[i / 2];
      assertEquals(expected, pairs[i], tolerance(), "pair " + i);
    }
  }

  @Test
  void scorePairsRejectsBadInputWithTheirName() {
    R reranker = shared();
    assertMessage(() -> reranker.scorePairs(null, List.of("a")), "queries");
    assertMessage(() -> reranker.scorePairs(List.of("q"), null), "passages");
    assertMessage(() -> reranker.scorePairs(List.of("q", "q"), List.of("a")), "pair up");
    assertMessage(() -> reranker.scorePairs(Arrays.asList("q", null), List.of("a", "b")), "queries[1]");
    assertMessage(() -> reranker.scorePairs(List.of("q", "q"), Arrays.asList("a", null)), "passages[1]");
  }

  /** rerank orders by the reranker's score (ties by id), keeps first-stage scores, and cuts at topK. */
  @Test
  void rerankOrdersByScoreAndKeepsFirstStageScores() {
    R reranker = shared();
    List<String> passages = passages();
    List<ScoredDocument> candidates = new ArrayList<>();
    for (int i = 0; i < passages.size(); i++) {
      candidates.add(candidate("p" + i, passages.get(i), i / 10f));
    }
    List<ScoredDocument> before = List.copyOf(candidates);
    float[] scores = reranker.score(query(), passages);
    List<ScoredDocument> top = reranker.rerank(query(), candidates, 3);
    assertEquals(before, candidates, "the input list is not modified");
    assertEquals(3, top.size());
    List<ScoredDocument> all = reranker.rerank(query(), candidates, 100);
    assertEquals(passages.size(), all.size());
    for (int i = 1; i < all.size(); i++) {
      assertTrue(all.get(i - 1).compareTo(all.get(i)) < 0, "best first at " + i + ": " + all);
    }
    assertEquals(all.subList(0, 3), top);
    for (ScoredDocument d : all) {
      int i = Integer.parseInt(d.id().substring(1));
      assertEquals(scores[i], d.score(), tolerance(), d.id());
      assertEquals(i / 10f, d.firstStageScore(), 0f, d.id() + " keeps its first-stage score");
    }
  }

  @Test
  void modelIdIsStableAcrossInstances() {
    R a = shared();
    try (R b = create()) {
      assertEquals(a.modelId(), b.modelId());
      assertArrayEquals(a.score(query(), passages()), b.score(query(), passages()), tolerance());
    }
  }

  /** After close every method but close throws IllegalStateException; close is idempotent. */
  @Test
  void everyMethodThrowsIllegalStateAfterClose() {
    R reranker = create();
    reranker.close();
    assertDoesNotThrow(reranker::close, "close is idempotent");
    Map<String, Executable> calls = new LinkedHashMap<>();
    calls.put("modelId()", reranker::modelId);
    calls.put("score", () -> reranker.score("q", List.of("p")));
    calls.put("score(empty)", () -> reranker.score("q", List.of()));
    calls.put("scorePairs", () -> reranker.scorePairs(List.of("q"), List.of("p")));
    calls.put("scorePairs(empty)", () -> reranker.scorePairs(List.of(), List.of()));
    calls.put("rerank", () -> reranker.rerank("q", List.of(candidate("a", "x", 1)), 1));
    List<Executable> others = otherMethods(reranker);
    for (int i = 0; i < others.size(); i++) {
      calls.put("otherMethods()[" + i + "]", others.get(i));
    }
    for (Map.Entry<String, Executable> c : calls.entrySet()) {
      assertThrows(IllegalStateException.class, c.getValue(), c.getKey() + " after close");
    }
  }

  protected static ScoredDocument candidate(String id, String text, float firstStage) {
    return ScoredDocument.firstStage(new Document(id, text), firstStage);
  }

  protected static void assertMessage(Executable call, String part) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage() != null && e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
  }
}
