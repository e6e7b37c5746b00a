/**
 * The keyword (BM25) side of hybrid retrieval: {@link dev.winnow.keyword.LuceneKeywordIndex}, a
 * {@link dev.winnow.KeywordIndex} on Apache Lucene that saves a standard Lucene index.
 * {@code dev.winnow.keyword.internal} holds non-API code with no compatibility promise.
 */
package dev.winnow.keyword;
