package dev.mtforge.schemas;

/**
 * An option value mtforge refuses: a number out of range, an unknown key or choice. The CLI maps it
 * to exit code 2, like picocli's own usage errors, because the fix is in the command line or job
 * config, not in the data (exit 3) and not in a retry (exit 1).
 *
 * <p>It extends {@link IllegalArgumentException} so that library callers who validate settings
 * themselves keep catching what they caught before.
 */
public class InvalidOptionException extends IllegalArgumentException {
  public InvalidOptionException(String message) {
    super(message);
  }
}
