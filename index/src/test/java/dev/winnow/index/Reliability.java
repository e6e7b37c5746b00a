package dev.winnow.index;

/**
 * Sizes of the reliability suite (docs/reliability.md): short in the normal build, long with
 * {@code -Preliability} (which sets {@code -Dwinnow.reliability=true}). Stateless.
 */
final class Reliability {
  private Reliability() {}

  /** Whether the long profile is on. */
  static boolean longRun() {
    return Boolean.getBoolean("winnow.reliability");
  }

  /** {@code ci} in the normal build, {@code profile} under {@code -Preliability}. */
  static int count(int ci, int profile) {
    return longRun() ? profile : ci;
  }
}
