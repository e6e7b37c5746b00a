package dev.winnow.train;

import dev.winnow.Retriever;
import dev.winnow.RetrieveOptions;
import dev.winnow.ScoredDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Mines hard negatives for cross-encoder training with a Winnow {@link Retriever}: for each training query, the
 * retriever's top {@link Builder#depth(int)} (dense, BM25 or hybrid: whatever mode the options ask for), minus
 * the judged positives, minus the candidates at risk of being unjudged positives, best first.
 *
 * <pre>{@code
 * HardNegativeMiner miner = HardNegativeMiner.builder(retriever)
 *     .options(RetrieveOptions.DEFAULTS.withMode(RetrievalMode.HYBRID)).depth(30).negatives(8).build();
 * HardNegativeMiner.Mined m = miner.mine(List.of(new HardNegativeMiner.Query(text, positiveIds, positiveTexts)));
 * }</pre>
 *
 * <p><b>False negatives.</b> Judgments are incomplete: a retrieved passage nobody judged may well be relevant,
 * and the higher the retriever ranks it the likelier that is. Training it as a negative teaches the model to
 * push relevant passages down. The filter ({@link Builder#falseNegativeMargin(float)}): the query and its
 * positives are encoded with the retriever's own bi-encoder, and a candidate whose dense score is above
 * {@code best positive cosine − margin} is skipped (candidates retrieved by BM25 alone have no dense score and
 * are kept). {@code margin = 0} (the default) skips what the bi-encoder prefers to every judged positive; a
 * positive margin skips more, a negative one fewer; {@link Builder#noFalseNegativeFilter()} turns it off.
 *
 * <p>Thread-safe if the retriever is; it does not own the retriever.
 */
public final class HardNegativeMiner {

  /** A training query: its text, the ids of its judged positives, and their texts (for the filter). */
  public record Query(String text, Set<String> positiveIds, List<String> positiveTexts) {
    public Query {
      if (text == null || positiveIds == null || positiveTexts == null) {
        throw new IllegalArgumentException((text == null ? "text" : positiveIds == null ? "positiveIds"
            : "positiveTexts") + " is null");
      }
      if (positiveIds.isEmpty() || positiveTexts.isEmpty()) {
        throw new IllegalArgumentException("query '" + text + "' has no judged positive");
      }
      positiveIds = Set.copyOf(positiveIds);
      positiveTexts = List.copyOf(positiveTexts);
    }
  }

  /**
   * What mining found.
   *
   * @param negatives per query (input order): the hard negatives, best first, at most {@code negatives}
   * @param positivesDropped retrieved judged positives removed, over all queries
   * @param filtered candidates skipped by the false-negative filter, over all queries
   */
  public record Mined(List<List<String>> negatives, int positivesDropped, int filtered) {}

  private final Retriever retriever;
  private final RetrieveOptions options;
  private final int depth;
  private final int negatives;
  private final Float margin;

  private HardNegativeMiner(Builder b) {
    this.retriever = b.retriever;
    this.options = b.options;
    this.depth = b.depth;
    this.negatives = b.negatives;
    this.margin = b.margin;
  }

  /** A miner over {@code retriever}; the caller keeps ownership. */
  public static Builder builder(Retriever retriever) {
    if (retriever == null) {
      throw new IllegalArgumentException("retriever is null");
    }
    return new Builder(retriever);
  }

  /**
   * Mines every query:
   * 1. encode the queries and their positives with the retriever's bi-encoder (the filter's threshold: the
   *    best positive's similarity, minus the margin);
   * 2. retrieve the top {@code depth} with the options;
   * 3. drop the judged positives and the candidates whose dense score is above the threshold; keep the first
   *    {@code negatives}.
   */
  public Mined mine(List<Query> queries) {
    if (queries == null) {
      throw new IllegalArgumentException("queries is null");
    }
    float[] threshold = new float[queries.size()];
    java.util.Arrays.fill(threshold, Float.POSITIVE_INFINITY);
    if (margin != null && !queries.isEmpty()) {
      List<String> texts = new ArrayList<>();
      List<String> positives = new ArrayList<>();
      for (Query q : queries) {
        texts.add(q.text());
        positives.addAll(q.positiveTexts());
      }
      float[][] qv = retriever.encoders().encodeQueries(texts);
      float[][] pv = retriever.encoders().encodePassages(positives);
      int at = 0;
      for (int i = 0; i < queries.size(); i++) {
        float bestPositive = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < queries.get(i).positiveTexts().size(); j++) {
          bestPositive = Math.max(bestPositive, retriever.encoders().similarity().score(qv[i], pv[at++]));
        }
        threshold[i] = bestPositive - margin;
      }
    }
    List<List<String>> out = new ArrayList<>(queries.size());
    int dropped = 0;
    int filtered = 0;
    for (int i = 0; i < queries.size(); i++) {
      Query q = queries.get(i);
      List<String> mined = new ArrayList<>();
      for (ScoredDocument d : retriever.retrieve(q.text(), depth, options).results()) {
        if (q.positiveIds().contains(d.id()) || q.positiveTexts().contains(d.document().text())) {
          dropped++;
        } else if (d.denseScore().isPresent() && d.denseScore().getAsDouble() > threshold[i]) {
          filtered++;
        } else if (mined.size() < negatives && !mined.contains(d.document().text())) {
          mined.add(d.document().text());
        }
      }
      out.add(List.copyOf(mined));
    }
    return new Mined(List.copyOf(out), dropped, filtered);
  }

  /** Configures a {@link HardNegativeMiner}; setters validate at once. Single use; not thread-safe. */
  public static final class Builder {
    private final Retriever retriever;
    private RetrieveOptions options = RetrieveOptions.DEFAULTS.withoutRerank();
    private int depth = 30;
    private int negatives = 8;
    private Float margin = 0f;
    private boolean built;

    private Builder(Retriever retriever) {
      this.retriever = retriever;
    }

    /** Retrieval options (mode, fusion, depths); reranking is always off. Default: the retriever's defaults. */
    public Builder options(RetrieveOptions options) {
      if (options == null) {
        throw new IllegalArgumentException("options is null");
      }
      this.options = options.withoutRerank();
      return this;
    }

    /** Candidates retrieved per query, in [1, 10000]; default 30. */
    public Builder depth(int depth) {
      if (depth < 1 || depth > RetrieveOptions.MAX_DEPTH) {
        throw new IllegalArgumentException("depth must be in [1, " + RetrieveOptions.MAX_DEPTH + "], got " + depth);
      }
      this.depth = depth;
      return this;
    }

    /** Negatives kept per query, in [1, depth]; default 8. */
    public Builder negatives(int negatives) {
      if (negatives < 1 || negatives > RetrieveOptions.MAX_DEPTH) {
        throw new IllegalArgumentException("negatives must be in [1, " + RetrieveOptions.MAX_DEPTH + "], got "
            + negatives);
      }
      this.negatives = negatives;
      return this;
    }

    /** The false-negative filter's margin (class doc), finite; default 0. */
    public Builder falseNegativeMargin(float margin) {
      if (!Float.isFinite(margin)) {
        throw new IllegalArgumentException("falseNegativeMargin must be finite, got " + margin);
      }
      this.margin = margin;
      return this;
    }

    /** Keeps every non-positive candidate (no false-negative filter). */
    public Builder noFalseNegativeFilter() {
      this.margin = null;
      return this;
    }

    /** The miner. @throws IllegalStateException if called twice; IAE if negatives exceeds depth */
    public HardNegativeMiner build() {
      if (built) {
        throw new IllegalStateException("builder already used");
      }
      if (negatives > depth) {
        throw new IllegalArgumentException("negatives (" + negatives + ") must be <= depth (" + depth + ")");
      }
      built = true;
      return new HardNegativeMiner(this);
    }
  }
}
