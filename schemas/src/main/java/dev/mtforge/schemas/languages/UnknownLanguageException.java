package dev.mtforge.schemas.languages;

import dev.mtforge.schemas.InvalidInputException;
import java.util.Collection;

/** A language code that the registry does not know. The message lists the known codes. */
public final class UnknownLanguageException extends InvalidInputException {
  private final String code;

  UnknownLanguageException(String kind, String code, Collection<String> known) {
    super("Unknown " + kind + " '" + code + "'; known: " + String.join(", ", known));
    this.code = code;
  }

  /** The code that was asked for. */
  public String code() {
    return code;
  }
}
