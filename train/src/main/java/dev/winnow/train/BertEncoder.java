package dev.winnow.train;

import dev.winnow.DualEncoder;
import dev.winnow.Encoder;
import dev.winnow.Similarity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An {@link Encoder} over Winnow's Java BERT ({@link Tower}) on DJL's PyTorch engine: loads Hugging Face /
 * sentence-transformers directories that hold {@code model.safetensors} (no ONNX or TorchScript export needed),
 * such as the directories {@link DualEncoderTrainer} saves. {@code Encoders.open(dir)} of winnow-encoders
 * reaches it through {@link BertEncoderProvider}.
 *
 * <pre>{@code
 * try (BertEncoder e = BertEncoder.open(Path.of("target/run/best"))) {
 *   float[] v = e.encode("who wrote dune?");
 * }
 * }</pre>
 *
 * <p>{@link #modelId()} names the weights as loaded ({@link Tower#fingerprint()}) and the settings; wrap a
 * tower only after training it, or save and reopen it, so that the id names the vectors' weights.
 *
 * <p>Thread-safe: calls serialize on one lock (the PyTorch engine already uses all cores for one batch). Owns
 * its tower until {@link #close()}; afterwards every method but {@code close} throws
 * {@link IllegalStateException}.
 */
public final class BertEncoder implements Encoder {
  private final Tower tower;
  private final int batchSize;
  private final String modelId;
  private boolean closed;

  /**
   * Wraps a tower; the encoder takes ownership and closes it.
   *
   * @param batchSize texts per forward pass, in [1, 4096]
   */
  public BertEncoder(Tower tower, int batchSize) {
    if (tower == null) {
      throw new IllegalArgumentException("tower is null");
    }
    if (batchSize < 1 || batchSize > 4096) {
      throw new IllegalArgumentException("batchSize must be in [1, 4096], got " + batchSize);
    }
    this.tower = tower;
    this.batchSize = batchSize;
    this.modelId = "winnow-bert@" + tower.fingerprint() + ";pooling=" + tower.pooling() + ";normalize="
        + tower.normalize() + ";maxLength=" + tower.maxLength() + ";dim=" + tower.dimension();
  }

  /** Loads a directory (see {@link Tower#load(Path)}), batch size 32. */
  public static BertEncoder open(Path dir) {
    return new BertEncoder(Tower.load(dir), 32);
  }

  /**
   * Opens what {@link DualEncoderTrainer} saved: a directory with {@code query/} and {@code answer/} towers, or
   * one shared tower. The dual encoder owns the encoders.
   */
  public static DualEncoder openDual(Path dir) {
    if (dir == null) {
      throw new IllegalArgumentException("dir is null");
    }
    if (Files.isDirectory(dir.resolve("query")) && Files.isDirectory(dir.resolve("answer"))) {
      BertEncoder q = open(dir.resolve("query"));
      try {
        return new DualEncoder(q, open(dir.resolve("answer")));
      } catch (RuntimeException e) {
        q.close();
        throw e;
      }
    }
    return DualEncoder.shared(open(dir));
  }

  @Override
  public synchronized int dimension() {
    ensureOpen();
    return tower.dimension();
  }

  @Override
  public synchronized Similarity similarity() {
    ensureOpen();
    return tower.similarity();
  }

  @Override
  public synchronized String modelId() {
    ensureOpen();
    return modelId;
  }

  @Override
  public synchronized float[][] encode(List<String> texts) {
    Encoder.checkTexts(texts);
    ensureOpen();
    return texts.isEmpty() ? new float[0][] : tower.encode(texts, batchSize);
  }

  /** Closes the tower. Idempotent. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      tower.close();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("encoder is closed");
    }
  }

  @Override
  public String toString() {
    return "BertEncoder[" + modelId + "]";
  }
}
