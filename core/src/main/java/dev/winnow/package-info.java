/**
 * Winnow's roles and value types: {@link dev.winnow.Encoder}, {@link dev.winnow.DualEncoder},
 * {@link dev.winnow.Document}, {@link dev.winnow.Hit}, {@link dev.winnow.Similarity} and the exception hierarchy
 * rooted in {@link dev.winnow.WinnowException}. No ML dependency lives here; backends are separate modules
 * that depend on this one.
 *
 * <h2>Ownership: one rule, everywhere</h2>
 * <b>Whoever creates a resource closes it. A facade never closes what it was given, unless a named factory says
 * it takes it.</b> Resources are the {@link java.lang.AutoCloseable} parts: encoders, indexes, rerankers, models.
 * <ul>
 *   <li>{@code open(...)}, {@code build()} and {@code load(...)} create: the caller closes the result
 *       ({@code DjlEncoder.open}, {@code Encoders.open}, {@code BundledModel.open}, {@code CrossEncoderReranker.open},
 *       {@code HnswVectorIndex.open}, {@code LuceneKeywordIndex.open}, {@code Tower.load}).
 *   <li>Facades given parts are views and leave them open: {@link dev.winnow.Retriever#builder()} (encoders,
 *       indexes, reranker), {@link dev.winnow.DualEncoder}'s constructor, {@link dev.winnow.DualEncoder#shared}
 *       and {@link dev.winnow.DualEncoder#withPrefixes}, {@code DjlEncoder.asDualEncoder()}, and
 *       {@code DualEncoderTrainer} (towers).
 *   <li>A facade that creates parts itself closes them: a retriever from {@link dev.winnow.Retriever#opener}
 *       closes the indexes it opened (not the encoders or reranker it was given); {@code BertEncoder.open(dir)}
 *       closes the tower it loaded.
 *   <li>Taking ownership is always spelled out by a named factory: {@link dev.winnow.DualEncoder#owning},
 *       {@code BertEncoder.owning(tower, batchSize)}, and {@code BertEncoder.openDual(dir)}, which creates its
 *       encoders and returns them in an owning dual encoder.
 * </ul>
 * Closing is idempotent; using a closed resource throws {@link java.lang.IllegalStateException}. Closing a view
 * closes only the view.
 */
package dev.winnow;
