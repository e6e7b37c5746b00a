package dev.winnow;

import java.util.List;
import java.util.Objects;

/**
 * A question ("query") encoder and an answer ("passage") encoder whose vectors live in one space. The three
 * shapes of dual encoder:
 *
 * <pre>{@code
 * DualEncoder.shared(minilm);                                 // one model for both sides
 * new DualEncoder(questionModel, contextModel);               // two models (DPR)
 * DualEncoder.withPrefixes(e5, "query: ", "passage: ");       // one model, a prefix per side (e5)
 * }</pre>
 *
 * <p><b>Ownership</b> (the rule of {@link dev.winnow}): a dual encoder made by the constructor,
 * {@link #shared} or {@link #withPrefixes} is a view of encoders the caller owns; its {@link #close()} does
 * nothing, and the caller closes the encoders. {@link #owning(DualEncoder)} is the named factory that takes the
 * encoders: its {@code close()} closes each distinct underlying encoder once.
 *
 * <pre>{@code
 * try (DjlEncoder e5 = BundledModel.E5_SMALL_V2_Q.open()) {      // the caller created it, the caller closes it
 *   DualEncoder dual = e5.asDualEncoder();                       // a view
 * }
 * try (DualEncoder dpr = DualEncoder.owning(new DualEncoder(DjlEncoder.open(q), DjlEncoder.open(p)))) { ... }
 * }</pre>
 *
 * <p>Immutable; thread-safe when its encoders are. Equal when both sides are the same encoders (by identity)
 * and ownership is the same.
 */
public final class DualEncoder implements AutoCloseable {
  private final Encoder queries;
  private final Encoder passages;
  private final boolean owning;

  /**
   * A view of two encoders the caller owns.
   *
   * @param queries encodes questions
   * @param passages encodes passages (answers, documents)
   * @throws IllegalArgumentException if either encoder is null, or their dimensions or similarities differ
   */
  public DualEncoder(Encoder queries, Encoder passages) {
    this(queries, passages, false);
  }

  private DualEncoder(Encoder queries, Encoder passages, boolean owning) {
    if (queries == null || passages == null) {
      throw new IllegalArgumentException((queries == null ? "queries" : "passages") + " encoder is null");
    }
    if (queries.dimension() != passages.dimension()) {
      throw new IllegalArgumentException("query dimension " + queries.dimension() + " != passage dimension "
          + passages.dimension() + ": the two encoders do not share a vector space");
    }
    if (queries.similarity() != passages.similarity()) {
      throw new IllegalArgumentException("query similarity " + queries.similarity() + " != passage similarity "
          + passages.similarity());
    }
    this.queries = queries;
    this.passages = passages;
    this.owning = owning;
  }

  /** One model encodes both sides, as sentence-transformers models such as all-MiniLM-L6-v2 do. A view. */
  public static DualEncoder shared(Encoder encoder) {
    return new DualEncoder(encoder, encoder);
  }

  /**
   * One model, with a prefix put in front of every text of each side (e5: {@code "query: "} and
   * {@code "passage: "}). An empty prefix leaves that side's text unchanged. A view.
   */
  public static DualEncoder withPrefixes(Encoder encoder, String queryPrefix, String passagePrefix) {
    Objects.requireNonNull(encoder, "encoder");
    return new DualEncoder(PrefixedEncoder.of(encoder, queryPrefix, "queryPrefix"),
        PrefixedEncoder.of(encoder, passagePrefix, "passagePrefix"));
  }

  /**
   * The same sides, taking ownership of their encoders: {@link #close()} closes each distinct underlying encoder
   * once (a prefixed side closes the encoder it prefixes). The caller hands the encoders over and closes only the
   * result.
   *
   * @throws IllegalArgumentException if {@code encoders} is null
   */
  public static DualEncoder owning(DualEncoder encoders) {
    if (encoders == null) {
      throw new IllegalArgumentException("encoders is null");
    }
    return new DualEncoder(encoders.queries, encoders.passages, true);
  }

  /** Encodes questions. */
  public Encoder queries() {
    return queries;
  }

  /** Encodes passages (answers, documents). */
  public Encoder passages() {
    return passages;
  }

  /** Whether {@link #close()} closes the encoders (made by {@link #owning}). */
  public boolean ownsEncoders() {
    return owning;
  }

  /** The similarity both sides share. */
  public Similarity similarity() {
    return queries.similarity();
  }

  /** The dimension both sides share. */
  public int dimension() {
    return queries.dimension();
  }

  /** Encodes questions with the query side. */
  public float[][] encodeQueries(List<String> texts) {
    return queries.encode(texts);
  }

  /** Encodes passages with the passage side. */
  public float[][] encodePassages(List<String> texts) {
    return passages.encode(texts);
  }

  /**
   * For a dual encoder from {@link #owning}: closes the underlying encoders, each once. For a view: nothing (the
   * caller closes the encoders it created). Idempotent.
   */
  @Override
  public void close() {
    if (!owning) {
      return;
    }
    Encoder q = PrefixedEncoder.unwrap(queries);
    Encoder p = PrefixedEncoder.unwrap(passages);
    try {
      q.close();
    } finally {
      if (p != q) {
        p.close();
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DualEncoder d && d.queries.equals(queries) && d.passages.equals(passages)
        && d.owning == owning;
  }

  @Override
  public int hashCode() {
    return Objects.hash(queries, passages, owning);
  }

  @Override
  public String toString() {
    return "DualEncoder[queries=" + queries + ", passages=" + passages + (owning ? ", owning" : "") + "]";
  }
}
