/**
 * Second-stage reranking: {@link dev.winnow.rerank.CrossEncoderReranker} scores (query, passage) pairs with a
 * DJL-hosted cross-encoder.
 */
package dev.winnow.rerank;
