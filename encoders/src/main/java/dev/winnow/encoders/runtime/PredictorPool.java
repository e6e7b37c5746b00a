package dev.winnow.encoders.runtime;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.translate.NoopTranslator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A pool of DJL predictors over one shared {@link Model}. DJL predictors are not thread-safe, so each concurrent
 * call borrows its own; the pool grows to the highest concurrency seen and never shrinks.
 *
 * <pre>{@code
 * PredictorPool pool = new PredictorPool(model);
 * NDList out = pool.apply(p -> p.predict(in));      // borrow, run, return
 * pool.close();                                      // closes the predictors, not the model
 * }</pre>
 *
 * <p>Thread-safe for {@link #apply}; {@link #close()} must not run concurrently with it (owners guard it with
 * their lifecycle lock). The pool owns the predictors it created; the caller keeps the model.
 */
public final class PredictorPool implements AutoCloseable {
  private final Model model;
  private final ConcurrentLinkedQueue<Predictor<NDList, NDList>> idle = new ConcurrentLinkedQueue<>();
  private final List<Predictor<NDList, NDList>> all = new ArrayList<>();
  private boolean closed;

  /** A pool of {@link NoopTranslator} predictors of {@code model}; the caller still closes the model. */
  public PredictorPool(Model model) {
    if (model == null) {
      throw new IllegalArgumentException("model is null");
    }
    this.model = model;
  }

  /** A failing predictor call; lets {@link #apply} pass DJL's checked exceptions through. */
  @FunctionalInterface
  public interface PredictorCall<T, E extends Exception> {
    T call(Predictor<NDList, NDList> predictor) throws E;
  }

  /**
   * Runs {@code call} with a borrowed predictor, which goes back to the pool afterwards, even on failure.
   *
   * @throws IllegalStateException if the pool is closed
   */
  public <T, E extends Exception> T apply(PredictorCall<T, E> call) throws E {
    Predictor<NDList, NDList> p = borrow();
    try {
      return call.call(p);
    } finally {
      idle.offer(p);
    }
  }

  /** Predictors created so far (the highest concurrency seen). */
  public int size() {
    synchronized (all) {
      return all.size();
    }
  }

  private Predictor<NDList, NDList> borrow() {
    Predictor<NDList, NDList> p = idle.poll();
    if (p == null) {
      synchronized (all) {
        if (closed) {
          throw new IllegalStateException("predictor pool is closed");
        }
        p = model.newPredictor(new NoopTranslator());
        all.add(p);
      }
    }
    return p;
  }

  /** Closes every predictor the pool created. Not concurrently with {@link #apply}. Idempotent. */
  @Override
  public void close() {
    synchronized (all) {
      if (closed) {
        return;
      }
      closed = true;
      all.forEach(Predictor::close);
      all.clear();
    }
    idle.clear();
  }
}
