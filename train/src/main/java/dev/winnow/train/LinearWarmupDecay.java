package dev.winnow.train;

import ai.djl.training.tracker.Tracker;

/**
 * Learning rate that rises linearly from 0 to {@code peak} over {@code warmupSteps} updates, then falls
 * linearly to 0 at {@code totalSteps} (Hugging Face's {@code get_linear_schedule_with_warmup}). With
 * {@code decay == false} it stays at {@code peak} after the warm-up. Immutable.
 */
public record LinearWarmupDecay(float peak, int warmupSteps, int totalSteps, boolean decay) implements Tracker {

  /** @throws IllegalArgumentException for a non-positive peak, negative steps, or warm-up beyond the total */
  public LinearWarmupDecay {
    if (!(peak > 0) || !Float.isFinite(peak)) {
      throw new IllegalArgumentException("peak learning rate must be finite and > 0, got " + peak);
    }
    if (warmupSteps < 0 || totalSteps < 1 || warmupSteps > totalSteps) {
      throw new IllegalArgumentException("need 0 <= warmupSteps <= totalSteps and totalSteps >= 1, got "
          + warmupSteps + " and " + totalSteps);
    }
  }

  /** The rate of update {@code numUpdate} (DJL counts from 1). */
  @Override
  public float getNewValue(int numUpdate) {
    int step = Math.max(0, numUpdate - 1);
    if (step < warmupSteps) {
      return peak * (step + 1) / (warmupSteps + 1);
    }
    if (!decay) {
      return peak;
    }
    return peak * Math.max(0f, (float) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
  }
}
