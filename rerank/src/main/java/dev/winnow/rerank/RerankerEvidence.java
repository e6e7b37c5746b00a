package dev.winnow.rerank;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a reranker directory states about its measured quality, in {@code winnow-evaluation.json}: whether it
 * beat the first stage (and the reference reranker) on held-out dev judgments, with which setting, and a short
 * summary of the figures. The evaluation that measured it writes it (docs/training.md); the demo reranks only
 * with a model whose file says {@code helps: true}. Immutable.
 *
 * @param helps whether every dev set improved over the first stage with the stated setting
 * @param rerankWeight the reranker's weight in {@code Retriever.Builder.rerankWeight} that was measured, in [0, 1]
 * @param candidates first-stage candidates reranked in that measurement, at least 1
 * @param summary the figures, for people (e.g. "WikiQA dev MAP 0.70 -> 0.78; SciFact dev nDCG@10 ...")
 */
public record RerankerEvidence(boolean helps, double rerankWeight, int candidates, String summary) {
  /** The file name inside a reranker directory. */
  public static final String FILE = "winnow-evaluation.json";
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

  public RerankerEvidence {
    if (!(rerankWeight >= 0 && rerankWeight <= 1)) {
      throw new IllegalArgumentException("rerankWeight must be in [0, 1], got " + rerankWeight);
    }
    if (candidates < 1) {
      throw new IllegalArgumentException("candidates must be >= 1, got " + candidates);
    }
    if (summary == null) {
      throw new IllegalArgumentException("summary is null");
    }
  }

  /**
   * The evidence in {@code dir}, or empty when the directory has none.
   *
   * @throws IllegalArgumentException if the file exists but is malformed (the message names it)
   */
  public static Optional<RerankerEvidence> read(Path dir) {
    Path f = dir.resolve(FILE);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    try {
      RerankerEvidence e = GSON.fromJson(Files.readString(f, StandardCharsets.UTF_8), RerankerEvidence.class);
      if (e == null) {
        throw new IllegalArgumentException(f + " is empty");
      }
      return Optional.of(new RerankerEvidence(e.helps, e.rerankWeight, e.candidates, e.summary));
    } catch (IOException | JsonParseException | IllegalArgumentException e) {
      throw new IllegalArgumentException("malformed " + f + ": " + e.getMessage(), e);
    }
  }

  /** Writes {@code dir/winnow-evaluation.json}, replacing an older one. */
  public void write(Path dir) throws IOException {
    Files.writeString(dir.resolve(FILE), GSON.toJson(this) + "\n", StandardCharsets.UTF_8);
  }
}
