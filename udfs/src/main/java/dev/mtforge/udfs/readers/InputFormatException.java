package dev.mtforge.udfs.readers;

import dev.mtforge.schemas.InvalidInputException;
import java.util.OptionalLong;

/**
 * A raw input file that a reader refuses. {@link #path()} names the file and {@link #line()} the
 * 1-based line when there is one; the message says what is wrong. Built by {@link ReaderErrors}.
 */
public final class InputFormatException extends InvalidInputException {
  private final String path;
  private final long line;

  InputFormatException(String message, String path, long line, Throwable cause) {
    super(message, line > 0 ? path + ":" + line : path, cause);
    this.path = path;
    this.line = line;
  }

  /** The file the problem is in. */
  public String path() {
    return path;
  }

  /** The 1-based line, when the problem has one. */
  public OptionalLong line() {
    return line > 0 ? OptionalLong.of(line) : OptionalLong.empty();
  }
}
