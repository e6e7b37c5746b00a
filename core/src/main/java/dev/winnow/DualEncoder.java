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
 * <p>The pair owns its encoders: {@link #close()} closes each distinct underlying encoder once. Thread-safe
 * when its encoders are.
 *
 * @param queries encodes questions
 * @param passages encodes passages (answers, documents)
 */
public record DualEncoder(Encoder queries, Encoder passages) implements AutoCloseable {

  /**
   * @throws IllegalArgumentException if either encoder is null, or their dimensions or similarities differ
   */
  public DualEncoder {
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
  }

  /** One model encodes both sides, as sentence-transformers models such as all-MiniLM-L6-v2 do. */
  public static DualEncoder shared(Encoder encoder) {
    return new DualEncoder(encoder, encoder);
  }

  /**
   * One model, with a prefix put in front of every text of each side (e5: {@code "query: "} and
   * {@code "passage: "}). An empty prefix leaves that side's text unchanged.
   */
  public static DualEncoder withPrefixes(Encoder encoder, String queryPrefix, String passagePrefix) {
    Objects.requireNonNull(encoder, "encoder");
    return new DualEncoder(PrefixedEncoder.of(encoder, queryPrefix, "queryPrefix"),
        PrefixedEncoder.of(encoder, passagePrefix, "passagePrefix"));
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

  /** Closes the underlying encoders, each once. */
  @Override
  public void close() {
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
}
