package dev.winnow;

/**
 * A model could not be loaded: the path does not exist, a required file is missing, the configuration is
 * inconsistent, or the engine refused the model. The message names the path and what is wrong.
 *
 * <p>Immutable once thrown; thread-safe.
 */
public class ModelLoadException extends WinnowException {
  private static final long serialVersionUID = 1L;

  public ModelLoadException(String message) {
    super(message);
  }

  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
