package dev.winnow.eval;

import dev.winnow.WinnowException;
import java.nio.file.Path;

/**
 * A data set file has a malformed line; the message names the file and the 1-based line number.
 *
 * <p>Immutable once thrown; thread-safe.
 */
public class DatasetFormatException extends WinnowException {
  private static final long serialVersionUID = 1L;

  public DatasetFormatException(Path file, int line, String problem) {
    super(file + ":" + line + ": " + problem);
  }

  public DatasetFormatException(Path file, int line, String problem, Throwable cause) {
    super(file + ":" + line + ": " + problem, cause);
  }
}
