package dev.winnow.langchain4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.embedding.request.EmbeddingInputType;
import dev.langchain4j.model.embedding.request.EmbeddingRequest;
import dev.langchain4j.model.embedding.request.EmbeddingRequestParameters;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.query.Query;
import dev.winnow.Document;
import dev.winnow.DualEncoder;
import dev.winnow.Filter;
import dev.winnow.RetrievalMode;
import dev.winnow.RetrieveOptions;
import dev.winnow.Retriever;
import dev.winnow.index.FlatVectorIndex;
import dev.winnow.keyword.LuceneKeywordIndex;
import dev.winnow.testing.FakeEncoder;
import dev.winnow.testing.FakeReranker;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** WinnowEmbeddingModel, WinnowScoringModel and WinnowContentRetriever without a real model. */
class AdaptersTest {

  @Test
  void embeddingModelEncodesWithTheEncoderAndPicksTheSidePerRequest() {
    FakeEncoder fake = new FakeEncoder(8);
    DualEncoder dual = DualEncoder.withPrefixes(fake, "query: ", "passage: ");
    WinnowEmbeddingModel passages = WinnowEmbeddingModel.passages(dual);
    WinnowEmbeddingModel queries = WinnowEmbeddingModel.queries(dual);
    assertEquals(8, passages.dimension());
    assertEquals(dual.passages().modelId(), passages.modelName());
    assertArrayEquals(fake.vector("passage: hi"), passages.embed("hi").content().vector());
    assertArrayEquals(fake.vector("query: hi"), queries.embed("hi").content().vector());
    assertArrayEquals(fake.vector("query: hi"), passages.embed(EmbeddingRequest.builder().input("hi")
        .parameters(EmbeddingRequestParameters.builder().inputType(EmbeddingInputType.QUERY).build()).build())
        .embeddings().get(0).vector());
    var all = passages.embedAll(List.of(TextSegment.from("a"), TextSegment.from("b"))).content();
    assertArrayEquals(fake.vector("passage: b"), all.get(1).vector());
    assertThrows(UnsupportedFeatureException.class, () -> passages.embed(EmbeddingRequest.builder().input("x")
        .parameters(EmbeddingRequestParameters.builder().dimensions(4).build()).build()));
    WinnowEmbeddingModel single = new WinnowEmbeddingModel(fake);
    assertArrayEquals(fake.vector("x"), single.embed("x").content().vector());
    assertFalse(fake.isClosed(), "the model does not own the encoder");
  }

  @Test
  void scoringModelScoresWithTheReranker() {
    FakeReranker reranker = new FakeReranker();
    WinnowScoringModel scoring = new WinnowScoringModel(reranker);
    List<String> texts = List.of("Paris is the capital of France.", "Berlin is in Germany.");
    float[] expected = reranker.score("capital of France", texts);
    List<Double> got = scoring.scoreAll(texts.stream().map(TextSegment::from).toList(), "capital of France").content();
    assertEquals(2, got.size());
    assertEquals(expected[0], got.get(0), 1e-6);
    assertEquals(expected[1], got.get(1), 1e-6);
    assertEquals(expected[1], scoring.score("Berlin is in Germany.", "capital of France").content(), 1e-6);
  }

  @Test
  void contentRetrieverRunsHybridFilteredRerankedRetrieval() {
    FakeEncoder fake = new FakeEncoder(16);
    try (FlatVectorIndex index = new FlatVectorIndex(16, fake.similarity());
         LuceneKeywordIndex keywords = LuceneKeywordIndex.builder().build();
         Retriever retriever = Retriever.builder().encoders(DualEncoder.shared(fake)).index(index)
             .keywordIndex(keywords).reranker(new FakeReranker()).candidates(10).build()) {
      retriever.add(List.of(
          new Document("d1", "Paris is the capital of France.", Map.of("lang", "en", "year", 2020)),
          new Document("d2", "Paris ist die Hauptstadt Frankreichs.", Map.of("lang", "de")),
          new Document("d3", "Berlin is the capital of Germany.", Map.of("lang", "en", "draft", true)),
          new Document("d4", "Madrid is the capital of Spain.", Map.of("lang", "en"))));
      WinnowContentRetriever contents = WinnowContentRetriever.builder(retriever).maxResults(2)
          .filter(Filter.eq("lang", "en")).build();
      List<Content> found = contents.retrieve(Query.from("capital of France"));
      assertEquals(2, found.size());
      for (Content c : found) {
        assertTrue(c.metadata().containsKey(ContentMetadata.RERANKED_SCORE));
        assertTrue(c.metadata().containsKey(ContentMetadata.SCORE));
        assertEquals("en", c.textSegment().metadata().getString("lang"));
      }
      Content d3 = contents.retrieve(Query.from("Berlin Germany")).stream()
          .filter(c -> c.metadata().get(ContentMetadata.EMBEDDING_ID).equals("d3")).findFirst().orElseThrow();
      assertEquals("true", d3.textSegment().metadata().getString("draft"), "booleans become strings");
      WinnowContentRetriever keywordOnly = WinnowContentRetriever.builder(retriever).maxResults(4)
          .options(RetrieveOptions.DEFAULTS.withMode(RetrievalMode.KEYWORD).withoutRerank())
          .dynamicFilter(q -> q.text().contains("Hauptstadt") ? Filter.eq("lang", "de") : null).build();
      List<Content> de = keywordOnly.retrieve(Query.from("Hauptstadt"));
      assertEquals(1, de.size());
      assertEquals("d2", de.get(0).metadata().get(ContentMetadata.EMBEDDING_ID));
      assertFalse(de.get(0).metadata().containsKey(ContentMetadata.RERANKED_SCORE));
      assertThrows(IllegalArgumentException.class, () -> WinnowContentRetriever.builder(retriever).maxResults(0));
    }
  }
}
