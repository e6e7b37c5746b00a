package dev.winnow.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.scoring.ScoringModel;
import dev.winnow.Reranker;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A LangChain4j {@link ScoringModel} over a Winnow {@link Reranker} (a cross-encoder), for LangChain4j's
 * {@code ReRankingContentAggregator} and anything else that scores segments against a query.
 *
 * <pre>{@code
 * try (CrossEncoderReranker reranker = CrossEncoderReranker.open(Path.of("models/minilm-l6-reranker"))) {
 *   ScoringModel scoring = new WinnowScoringModel(reranker);
 *   List<Double> scores = scoring.scoreAll(List.of(TextSegment.from("Paris is the capital of France."),
 *       TextSegment.from("Berlin is in Germany.")), "capital of France?").content();
 *   ContentAggregator aggregator = ReRankingContentAggregator.builder().scoringModel(scoring).build();
 * }
 * }</pre>
 *
 * <p>Scores are the reranker's (for {@code CrossEncoderReranker}: the sigmoid of the logit, in [0, 1], unless it
 * was built for raw logits), one per segment in order; token usage is not reported.
 *
 * <p>Thread-safe when the reranker is (Winnow's are). Does not own the reranker: whoever created it closes it.
 */
public final class WinnowScoringModel implements ScoringModel {
  private final Reranker reranker;

  public WinnowScoringModel(Reranker reranker) {
    this.reranker = Objects.requireNonNull(reranker, "reranker");
  }

  /** The reranker that scores. */
  public Reranker reranker() {
    return reranker;
  }

  /**
   * @throws IllegalArgumentException if {@code segments}, one of them or {@code query} is null
   */
  @Override
  public Response<List<Double>> scoreAll(List<TextSegment> segments, String query) {
    if (segments == null) {
      throw new IllegalArgumentException("segments cannot be null");
    }
    if (query == null) {
      throw new IllegalArgumentException("query cannot be null");
    }
    List<String> texts = new ArrayList<>(segments.size());
    for (int i = 0; i < segments.size(); i++) {
      if (segments.get(i) == null) {
        throw new IllegalArgumentException("segments[" + i + "] is null");
      }
      texts.add(segments.get(i).text());
    }
    float[] scores = reranker.score(query, texts);
    List<Double> out = new ArrayList<>(scores.length);
    for (float s : scores) {
      out.add((double) s);
    }
    return Response.from(out);
  }

  @Override
  public String toString() {
    return "WinnowScoringModel[" + reranker.modelId() + "]";
  }
}
