package dev.winnow.index;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fails a test instead of letting it hang: {@link #await} joins worker threads while watching a progress
 * counter; when the counter stops moving for the stall limit (or the deadline passes) it throws an
 * {@link AssertionError} carrying a dump of every thread's stack and held locks. Workers should be daemon
 * threads so that a stuck set cannot keep the test JVM alive.
 */
final class Watchdog {
  private Watchdog() {}

  /**
   * Waits for {@code workers} to finish.
   *
   * @param progress incremented by the workers after each completed operation
   * @param stallMillis fail if {@code progress} does not change for this long
   * @param deadlineMillis fail if the workers are not all done by then
   */
  static void await(List<Thread> workers, AtomicLong progress, long stallMillis, long deadlineMillis, String what)
      throws InterruptedException {
    long start = System.nanoTime();
    long last = progress.get();
    long lastChange = start;
    while (true) {
      boolean alive = false;
      for (Thread t : workers) {
        t.join(20);
        alive |= t.isAlive();
      }
      if (!alive) {
        return;
      }
      long now = System.nanoTime();
      long p = progress.get();
      if (p != last) {
        last = p;
        lastChange = now;
      }
      long stalled = TimeUnit.NANOSECONDS.toMillis(now - lastChange);
      long elapsed = TimeUnit.NANOSECONDS.toMillis(now - start);
      if (stalled > stallMillis || elapsed > deadlineMillis) {
        throw new AssertionError(what + ": " + (stalled > stallMillis ? "no progress for " + stalled + " ms" : "not done after "
            + elapsed + " ms") + " after " + p + " operations (" + Runtime.getRuntime().availableProcessors()
            + " processors). Thread dump:\n" + dump());
      }
    }
  }

  /** Every live thread's stack, with the monitors and locks it holds and waits for. */
  static String dump() {
    StringBuilder sb = new StringBuilder();
    for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
      sb.append('"').append(info.getThreadName()).append("\" ").append(info.getThreadState());
      if (info.getLockName() != null) {
        sb.append(" on ").append(info.getLockName());
      }
      if (info.getLockOwnerName() != null) {
        sb.append(" owned by \"").append(info.getLockOwnerName()).append('"');
      }
      sb.append('\n');
      StackTraceElement[] stack = info.getStackTrace();
      for (int i = 0; i < Math.min(stack.length, 24); i++) {
        sb.append("    at ").append(stack[i]).append('\n');
        for (var m : info.getLockedMonitors()) {
          if (m.getLockedStackDepth() == i) {
            sb.append("      - locked ").append(m).append('\n');
          }
        }
      }
      sb.append('\n');
    }
    long[] deadlocked = ManagementFactory.getThreadMXBean().findDeadlockedThreads();
    sb.append("deadlocked (monitor/lock cycle): ").append(deadlocked == null ? 0 : deadlocked.length).append(" threads\n");
    return sb.toString();
  }
}
