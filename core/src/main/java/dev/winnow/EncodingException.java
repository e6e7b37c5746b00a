package dev.winnow;

/**
 * The engine failed while running a model on valid input. Wraps the engine's exception as the cause.
 *
 * <p>Immutable once thrown; thread-safe.
 */
public class EncodingException extends WinnowException {
  private static final long serialVersionUID = 1L;

  public EncodingException(String message, Throwable cause) {
    super(message, cause);
  }
}
