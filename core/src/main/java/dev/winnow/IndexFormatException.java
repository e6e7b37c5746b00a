package dev.winnow;

/**
 * A saved index could not be read: wrong magic number, unsupported format version, checksum mismatch,
 * truncation, or content that breaks the format's rules. The message names the file and what is wrong. Reading
 * never deserializes Java objects, so a hostile file can only produce this exception.
 *
 * <p>Immutable once thrown; thread-safe.
 */
public class IndexFormatException extends WinnowException {
  private static final long serialVersionUID = 1L;

  public IndexFormatException(String message) {
    super(message);
  }

  public IndexFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
