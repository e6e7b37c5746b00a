package dev.winnow.encoders.runtime;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.winnow.ModelLoadException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens a model's Hugging Face {@code tokenizer.json} the way Winnow's models read text: special tokens added, no
 * padding (batches are padded later, to their own longest sequence), truncation at the model's maximum length.
 *
 * <pre>{@code
 * try (HuggingFaceTokenizer t = Tokenizers.open(md.tokenizerFile(), 256, PairTruncation.LONGEST_FIRST)) { ... }
 * }</pre>
 *
 * <p>Stateless and thread-safe; the caller closes each tokenizer it opens (they hold native memory).
 */
public final class Tokenizers {
  private Tokenizers() {}

  /** How a pair of texts is cut to fit (single texts are always cut at their end). */
  public enum PairTruncation {
    /** The longer of the two first, as Hugging Face's {@code longest_first}. */
    LONGEST_FIRST,
    /** Only the second text (the passage of a query/passage pair). */
    SECOND_ONLY
  }

  /**
   * Opens {@code tokenizerFile}.
   *
   * @param maxLength tokens per sequence (or pair), special tokens included, at least 1
   * @throws IllegalArgumentException if an argument is null or {@code maxLength < 1}
   * @throws ModelLoadException if the file cannot be loaded; the message names it
   */
  public static HuggingFaceTokenizer open(Path tokenizerFile, int maxLength, PairTruncation pairs) {
    if (tokenizerFile == null || pairs == null) {
      throw new IllegalArgumentException((tokenizerFile == null ? "tokenizerFile" : "pairs") + " is null");
    }
    if (maxLength < 1) {
      throw new IllegalArgumentException("maxLength must be >= 1, got " + maxLength);
    }
    try {
      HuggingFaceTokenizer.Builder tb = HuggingFaceTokenizer.builder()
          .optTokenizerPath(tokenizerFile)
          .optAddSpecialTokens(true)
          .optPadding(false)
          .optMaxLength(maxLength);
      if (pairs == PairTruncation.SECOND_ONLY) {
        tb.optTruncateSecondOnly();
      } else {
        tb.optTruncation(true);
      }
      return tb.build();
    } catch (IOException | RuntimeException e) {
      throw new ModelLoadException("cannot load tokenizer " + tokenizerFile + ": " + e.getMessage(), e);
    }
  }
}
