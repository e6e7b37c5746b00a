package dev.winnow;

import java.util.List;

/**
 * Turns texts into fixed-length float vectors.
 *
 * <pre>{@code
 * try (Encoder encoder = DjlEncoder.defaultModel()) {
 *   float[][] vectors = encoder.encode(List.of("What is the tallest mountain?", "Mount Everest"));
 *   float cosine = encoder.similarity().score(vectors[0], vectors[1]);
 * }
 * }</pre>
 *
 * <p>Implementations are thread-safe: one instance is shared by all threads. An encoder may own native memory
 * (a model); whoever creates it closes it. After {@link #close()} every method but {@code close} throws
 * {@link IllegalStateException}.
 */
public interface Encoder extends AutoCloseable {

  /** Length of every vector this encoder returns, read from the model's configuration. */
  int dimension();

  /** The similarity the model was trained for; use it to compare this encoder's vectors. */
  Similarity similarity();

  /**
   * A stable identifier of the model and the settings that shape its vectors (pooling, normalization,
   * maximum length, prefix). Two encoders with equal ids produce interchangeable vectors; indexes record it to
   * refuse vectors from another model.
   */
  String modelId();

  /**
   * Encodes a batch of texts.
   *
   * @param texts the texts; an empty string is valid and gets the model's vector for it
   * @return one vector per text, row {@code i} for {@code texts.get(i)}; an empty list gives an empty array
   * @throws IllegalArgumentException if {@code texts} or one of its elements is null (the message names the
   *     index)
   * @throws IllegalStateException if the encoder is closed
   * @throws EncodingException if the engine fails
   */
  float[][] encode(List<String> texts);

  /** Encodes one text; see {@link #encode(List)}. */
  default float[] encode(String text) {
    if (text == null) {
      throw new IllegalArgumentException("text is null");
    }
    return encode(List.of(text))[0];
  }

  /** Releases the model. Idempotent; never throws a checked exception. */
  @Override
  void close();

  /** Checks a batch argument the way {@link #encode(List)} promises: the list and each element non-null. */
  static void checkTexts(List<String> texts) {
    if (texts == null) {
      throw new IllegalArgumentException("texts is null");
    }
    int i = 0;
    for (String text : texts) {
      if (text == null) {
        throw new IllegalArgumentException("texts[" + i + "] is null");
      }
      i++;
    }
  }
}
