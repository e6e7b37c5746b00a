/**
 * LangChain4j adapters: Winnow's encoders as an {@code EmbeddingModel} ({@link
 * dev.winnow.langchain4j.WinnowEmbeddingModel}), its vector indexes as an {@code EmbeddingStore} ({@link
 * dev.winnow.langchain4j.WinnowEmbeddingStore}, which passes LangChain4j's own store contract tests), its
 * rerankers as a {@code ScoringModel} ({@link dev.winnow.langchain4j.WinnowScoringModel}) and its retrievers as a
 * {@code ContentRetriever} ({@link dev.winnow.langchain4j.WinnowContentRetriever}); filters translate with
 * {@link dev.winnow.langchain4j.LangChain4jFilters}.
 */
package dev.winnow.langchain4j;
