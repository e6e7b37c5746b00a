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
 * <p>Thread-safe: calls serialize on one lock (the PyTorch engine already uses all cores for one batch).
 * Ownership follows core's rule: {@link #open} and {@link #owning} close the tower on {@link #close()}, the
 * constructor leaves it to the caller. After close every method but {@code close} throws
 * {@link IllegalStateException}.
 */
public final class BertEncoder implements Encoder {
  private final Tower tower;
  private final int batchSize;
  private final String modelId;
  private final boolean ownsTower;
  private boolean closed;

  /**
   * An encoder view of a tower the caller keeps: {@link #close()} leaves the tower open (see
   * {@link #owning(Tower, int)} to hand it over).
   *
   * @param batchSize texts per forward pass, in [1, 4096]
   */
  public BertEncoder(Tower tower, int batchSize) {
    this(tower, batchSize, false);
  }

  /**
   * An encoder that takes the tower: {@link #close()} closes it.
   *
   * @param batchSize texts per forward pass, in [1, 4096]
   */
  public static BertEncoder owning(Tower tower, int batchSize) {
    return new BertEncoder(tower, batchSize, true);
  }

  private BertEncoder(Tower tower, int batchSize, boolean ownsTower) {
    if (tower == null) {
      throw new IllegalArgumentException("tower is null");
    }
    if (batchSize < 1 || batchSize > 4096) {
      throw new IllegalArgumentException("batchSize must be in [1, 4096], got " + batchSize);
    }
    this.tower = tower;
    this.batchSize = batchSize;
    this.ownsTower = ownsTower;
    this.modelId = "winnow-bert@" + tower.fingerprint() + ";pooling=" + tower.pooling() + ";normalize="
        + tower.normalize() + ";maxLength=" + tower.maxLength() + ";dim=" + tower.dimension();
  }

  /** Loads a directory (see {@link Tower#load(Path)}), batch size 32; the encoder closes the tower it loaded. */
  public static BertEncoder open(Path dir) {
    return owning(Tower.load(dir), 32);
  }

  /**
   * Opens what {@link DualEncoderTrainer} saved: a directory with {@code query/} and {@code answer/} towers, or
   * one shared tower. It creates the encoders and returns them {@link DualEncoder#owning owned}: the caller
   * closes the dual encoder, which closes them.
   */
  public static DualEncoder openDual(Path dir) {
    if (dir == null) {
      throw new IllegalArgumentException("dir is null");
    }
    if (Files.isDirectory(dir.resolve("query")) && Files.isDirectory(dir.resolve("answer"))) {
      BertEncoder q = open(dir.resolve("query"));
      try {
        return DualEncoder.owning(new DualEncoder(q, open(dir.resolve("answer"))));
      } catch (RuntimeException e) {
        q.close();
        throw e;
      }
    }
    return DualEncoder.owning(DualEncoder.shared(open(dir)));
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

  /** Closes the tower when this encoder owns it ({@link #open}, {@link #owning}). Idempotent. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      if (ownsTower) {
        tower.close();
      }
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
