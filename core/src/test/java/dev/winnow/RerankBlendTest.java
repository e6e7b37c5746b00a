package dev.winnow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class RerankBlendTest {

  @Test
  void weightedSumOfMinMaxNormalisedScores() {
    float[] first = {0.9f, 0.5f, 0.1f};   // normalised 1, 0.5, 0
    float[] rerank = {-2f, 6f, 2f};       // normalised 0, 1, 0.5
    assertArrayEquals(new float[] {1f, 0.5f, 0f}, RerankBlend.blend(first, rerank, 0), 1e-6f);
    assertArrayEquals(new float[] {0f, 1f, 0.5f}, RerankBlend.blend(first, rerank, 1), 1e-6f);
    assertArrayEquals(new float[] {0.25f, 0.875f, 0.375f}, RerankBlend.blend(first, rerank, 0.75), 1e-6f);
    assertArrayEquals(new float[] {0.5f, 0.5f}, RerankBlend.blend(new float[] {3, 3}, new float[] {1, 1}, 0.5),
        1e-6f, "a constant list maps to 0.5");
    assertEquals(0, RerankBlend.blend(new float[0], new float[0], 0.5).length);
  }

  @Test
  void rerankOrdersByTheBlendAndKeepsStageScores() {
    Document a = new Document("a", "a");
    Document b = new Document("b", "b");
    Document c = new Document("c", "c");
    // after a pure rerank: score = reranker's, firstStageScore = the first stage's
    List<ScoredDocument> reranked = List.of(
        ScoredDocument.firstStage(b, 0.5f).rescored(6f),
        ScoredDocument.firstStage(c, 0.1f).rescored(2f),
        ScoredDocument.firstStage(a, 0.9f).rescored(-2f));
    List<ScoredDocument> got = RerankBlend.rerank(reranked, 0.25, 2);
    assertEquals(List.of("a", "b"), got.stream().map(ScoredDocument::id).toList()); // 0.75, 0.625, 0.125
    assertEquals(0.75f, got.get(0).score(), 1e-6f);
    assertEquals(0.9f, got.get(0).firstStageScore());
    assertEquals(-2.0, got.get(0).rerankScore().getAsDouble(), 1e-9);
  }

  @Test
  void badInputNamesTheRule() {
    assertThrows(IllegalArgumentException.class, () -> RerankBlend.blend(new float[1], new float[2], 0.5));
    assertThrows(IllegalArgumentException.class, () -> RerankBlend.blend(new float[1], new float[1], 1.5));
    assertThrows(IllegalArgumentException.class, () -> RerankBlend.blend(null, new float[1], 0.5));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RerankBlend.blend(new float[] {Float.NaN}, new float[1], 0.5));
    assertEquals("firstStage[0] is NaN; scores must be finite", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Retriever.builder().rerankWeight(-0.1));
  }
}
