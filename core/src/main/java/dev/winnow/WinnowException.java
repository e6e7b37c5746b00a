package dev.winnow;

/**
 * Root of Winnow's exceptions: unchecked, so library code never forces {@code throws} clauses on callers.
 * Checked exceptions from engines (DJL's {@code ModelException}, {@code TranslateException}) are wrapped with
 * their cause. Bad arguments are {@link IllegalArgumentException}, wrong lifecycle state is
 * {@link IllegalStateException}; those are not subclasses of this type.
 *
 * <p>Immutable once thrown; thread-safe.
 */
public class WinnowException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public WinnowException(String message) {
    super(message);
  }

  public WinnowException(String message, Throwable cause) {
    super(message, cause);
  }
}
