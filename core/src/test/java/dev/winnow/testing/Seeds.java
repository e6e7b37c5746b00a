package dev.winnow.testing;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Seeds for randomized tests: {@code -Dwinnow.seed=N} replays a run; otherwise a fresh seed is drawn. Every seed
 * is printed with the test name so a failure can be replayed.
 */
public final class Seeds {
  private Seeds() {}

  public static long seed(String test) {
    String fixed = System.getProperty("winnow.seed");
    long seed = fixed != null && !fixed.isBlank() ? Long.parseLong(fixed.trim()) : ThreadLocalRandom.current().nextLong();
    System.out.println("[seed] " + test + ": -Dwinnow.seed=" + seed);
    return seed;
  }
}
