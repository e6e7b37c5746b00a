package dev.winnow.index;

import java.lang.management.ManagementFactory;

/** Heap bytes allocated by the calling thread (HotSpot's per-thread counter), garbage included. */
final class Allocation {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** A call that may throw anything. */
  interface Call {
    void run() throws Throwable;
  }

  private Allocation() {}

  /** Bytes the current thread allocated while running {@code call}; its exception, if any, is rethrown. */
  static long of(Call call) throws Throwable {
    long before = THREADS.getCurrentThreadAllocatedBytes();
    call.run();
    return THREADS.getCurrentThreadAllocatedBytes() - before;
  }

  /** Like {@link #of}, but an exception ends the measurement instead of propagating; it is returned in {@code thrown[0]}. */
  static long ofAttempt(Call call, Throwable[] thrown) {
    long before = THREADS.getCurrentThreadAllocatedBytes();
    try {
      call.run();
    } catch (Throwable t) {
      thrown[0] = t;
    }
    return THREADS.getCurrentThreadAllocatedBytes() - before;
  }
}
