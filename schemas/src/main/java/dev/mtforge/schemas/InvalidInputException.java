package dev.mtforge.schemas;

import java.util.Optional;

/**
 * Input data that mtforge refuses: a malformed file, an unknown language code, misaligned line
 * counts. The CLI maps it to exit code 3 so that a scheduler can tell "fix the data" from "retry".
 *
 * <p>{@link #location()} names the offending file (and line, when known) if there is one.
 */
public class InvalidInputException extends RuntimeException {
  private final String location;

  public InvalidInputException(String message) {
    this(message, null, null);
  }

  public InvalidInputException(String message, String location, Throwable cause) {
    super(message, cause);
    this.location = location;
  }

  /**
   * The input error that {@code e} is or was caused by (Spark wraps an executor's in its job
   * failure), or null when there is none.
   */
  public static InvalidInputException in(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InvalidInputException invalid) {
        return invalid;
      }
    }
    return null;
  }

  /** The file, or {@code file:line}, the error is about; empty when the input has no location. */
  public Optional<String> location() {
    return Optional.ofNullable(location);
  }
}
