/**
 * Spring AI adapters: Winnow's encoders as an {@code EmbeddingModel} ({@link
 * dev.winnow.springai.WinnowEmbeddingModel}) and its vector indexes as a {@code VectorStore} ({@link
 * dev.winnow.springai.WinnowVectorStore}); filter expressions translate with {@link
 * dev.winnow.springai.SpringAiFilters}. Boot auto-configuration lives in {@code dev.winnow.springai.autoconfigure}.
 */
package dev.winnow.springai;
