package dev.winnow.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.query.Query;
import dev.winnow.Filter;
import dev.winnow.RetrieveOptions;
import dev.winnow.Retrieval;
import dev.winnow.Retriever;
import dev.winnow.ScoredDocument;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A LangChain4j {@link ContentRetriever} over a Winnow {@link Retriever}: the whole Winnow pipeline (dense, BM25
 * or hybrid first stage, metadata filter, MMR, cross-encoder rerank) behind one LangChain4j call, so it plugs into
 * {@code DefaultRetrievalAugmentor} and AI services.
 *
 * <pre>{@code
 * try (Retriever retriever = Retriever.builder().encoders(minilm.asDualEncoder()).index(index)
 *         .keywordIndex(keywords).reranker(reranker, 50).build()) {        // hybrid + rerank
 *   ContentRetriever contents = WinnowContentRetriever.builder(retriever)
 *       .maxResults(5)
 *       .filter(Filter.eq("lang", "en"))        // or .dynamicFilter(query -> LangChain4jFilters.toWinnow(...))
 *       .build();
 *   RetrievalAugmentor augmentor = DefaultRetrievalAugmentor.builder().contentRetriever(contents).build();
 *   List<Content> found = contents.retrieve(Query.from("who wrote Dune?"));
 * }
 * }</pre>
 *
 * <p>Each {@link Content} holds the document's text and metadata as a {@link TextSegment} (Booleans as strings,
 * UUID keys written by {@link WinnowEmbeddingStore} as UUIDs) and the content metadata {@code EMBEDDING_ID} (the
 * document id), {@code SCORE} (the first-stage score: cosine in dense mode, BM25 in keyword mode, the fused score
 * in hybrid mode) and, when the reranker ran, {@code RERANKED_SCORE}. Results come in the retriever's order.
 * Documents with blank text cannot be LangChain4j segments and are left out. Filters follow Winnow's semantics
 * (a key no document has is an {@link IllegalArgumentException}).
 *
 * <p>Immutable and thread-safe. Does not own the retriever.
 */
public final class WinnowContentRetriever implements ContentRetriever {
  private final Retriever retriever;
  private final int maxResults;
  private final RetrieveOptions options;
  private final Function<Query, Filter> filter;

  private WinnowContentRetriever(Builder b) {
    this.retriever = b.retriever;
    this.maxResults = b.maxResults;
    this.options = b.options;
    this.filter = b.filter;
  }

  /** A builder over {@code retriever}. */
  public static Builder builder(Retriever retriever) {
    return new Builder(retriever);
  }

  /** The retriever with the defaults: 3 results, the retriever's options, no filter. */
  public static WinnowContentRetriever of(Retriever retriever) {
    return builder(retriever).build();
  }

  @Override
  public List<Content> retrieve(Query query) {
    if (query == null) {
      throw new IllegalArgumentException("query cannot be null");
    }
    RetrieveOptions o = options;
    Filter f = filter == null ? null : filter.apply(query);
    if (f != null) {
      o = o.withFilter(f);
    }
    Retrieval r = retriever.retrieve(query.text(), maxResults, o);
    List<Content> out = new ArrayList<>(r.results().size());
    for (ScoredDocument d : r.results()) {
      if (d.document().text().isBlank()) {
        continue;
      }
      Map<ContentMetadata, Object> meta = new EnumMap<>(ContentMetadata.class);
      meta.put(ContentMetadata.EMBEDDING_ID, d.id());
      meta.put(ContentMetadata.SCORE, (double) d.firstStageScore());
      d.rerankScore().ifPresent(s -> meta.put(ContentMetadata.RERANKED_SCORE, s));
      out.add(Content.from(TextSegment.from(d.document().text(), Segments.toMetadata(d.document())), meta));
    }
    return out;
  }

  @Override
  public String toString() {
    return "WinnowContentRetriever[maxResults=" + maxResults + ", " + retriever + "]";
  }

  /** Builds a {@link WinnowContentRetriever}. Setters validate at once. Not thread-safe; single use. */
  public static final class Builder {
    private final Retriever retriever;
    private int maxResults = 3;
    private RetrieveOptions options = RetrieveOptions.DEFAULTS;
    private Function<Query, Filter> filter;
    private boolean built;

    private Builder(Retriever retriever) {
      this.retriever = Objects.requireNonNull(retriever, "retriever");
    }

    /** Results per query; default 3 (as LangChain4j's {@code EmbeddingStoreContentRetriever}), at least 1. */
    public Builder maxResults(int maxResults) {
      if (maxResults < 1) {
        throw new IllegalArgumentException("maxResults must be >= 1, got " + maxResults);
      }
      this.maxResults = maxResults;
      return this;
    }

    /** Mode, fusion, depths, MMR and rerank for every query; default {@link RetrieveOptions#DEFAULTS}. */
    public Builder options(RetrieveOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /** One metadata filter for every query (replaces {@link #dynamicFilter}). */
    public Builder filter(Filter filter) {
      Objects.requireNonNull(filter, "filter");
      this.filter = q -> filter;
      return this;
    }

    /** A metadata filter per query, e.g. from the user in the query's metadata; null from it means none. */
    public Builder dynamicFilter(Function<Query, Filter> filter) {
      this.filter = Objects.requireNonNull(filter, "filter");
      return this;
    }

    /** @throws IllegalStateException if called twice */
    public WinnowContentRetriever build() {
      if (built) {
        throw new IllegalStateException("build() was already called");
      }
      built = true;
      return new WinnowContentRetriever(this);
    }
  }
}
