/**
 * The seed walkthroughs as runnable mains, each reproducing one of the seed's demonstrations with real data and
 * real models, offline:
 *
 * <ul>
 *   <li>{@link dev.winnow.examples.walkthrough.GloveAnalogies}: king − man + woman with GloVe 6B 50d, and
 *       analogy accuracy on the Google questions;
 *   <li>{@link dev.winnow.examples.walkthrough.ContextualVsStatic}: the contextual "bat" vectors of MiniLM against
 *       a static word vector;
 *   <li>{@link dev.winnow.examples.walkthrough.SimilarityHeatmap}: the 11×11 similarity heatmap as a PNG;
 *   <li>{@link dev.winnow.examples.walkthrough.StsPearson}: MiniLM on STS-B test (Pearson, Spearman);
 *   <li>{@link dev.winnow.examples.walkthrough.CapitalOfFrance}: cross-encoder versus bi-encoder ranking;
 *   <li>{@link dev.winnow.examples.walkthrough.TallestMountain}: single versus dual encoders.
 * </ul>
 *
 * <p>Each prints a table and, as the last line of stdout, one JSON object with its figures; bad flags print a
 * usage message and exit with status 2. Where the seed used weights that cannot be had offline, the output names
 * the model used instead. See {@code docs/walkthroughs.md}.
 */
package dev.winnow.examples.walkthrough;
