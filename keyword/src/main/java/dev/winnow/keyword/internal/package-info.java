/**
 * Non-API code of the keyword module, with no compatibility promise: Lucene field names and encodings
 * ({@code FieldNames}, {@code Utf16}, {@code StoredDocument}), query building ({@code QueryTerms}), filters as
 * Lucene queries ({@code MetadataQueries}, {@code FilterQuery}) and the near-real-time searchers
 * ({@code Searchers}).
 */
package dev.winnow.keyword.internal;
