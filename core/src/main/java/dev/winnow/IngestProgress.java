package dev.winnow;

/**
 * How far a bulk {@link Retriever#add(java.util.List, java.util.function.Consumer)} has got, reported after
 * each chunk.
 *
 * <p>Immutable.
 *
 * @param done documents encoded and indexed so far
 * @param total documents in the call
 * @param elapsedNanos wall-clock time since the call started
 */
public record IngestProgress(long done, long total, long elapsedNanos) {

  public IngestProgress {
    if (done < 0 || total < 0 || done > total || elapsedNanos < 0) {
      throw new IllegalArgumentException("bad progress: done " + done + ", total " + total + ", elapsed "
          + elapsedNanos);
    }
  }

  /** Documents per second so far (0 before any time has passed). */
  public double docsPerSecond() {
    return elapsedNanos == 0 ? 0 : done * 1e9 / elapsedNanos;
  }

  /** Estimated seconds left at the rate so far; NaN before the first document is done. */
  public double etaSeconds() {
    return done == 0 ? Double.NaN : (total - done) / docsPerSecond();
  }

  /** Fraction done, in [0, 1] (1 for an empty call). */
  public double fraction() {
    return total == 0 ? 1 : (double) done / total;
  }
}
