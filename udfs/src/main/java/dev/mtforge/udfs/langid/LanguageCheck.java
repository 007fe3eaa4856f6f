package dev.mtforge.udfs.langid;

import java.io.Serializable;

/**
 * The verdict of {@link LanguageIdentifier#check}: whether a text is in the expected language.
 *
 * @param verdict {@link Verdict#OK}, {@link Verdict#WRONG_SCRIPT} or {@link Verdict#WRONG_LANGUAGE}
 * @param expected registry code that was expected
 * @param detected registry code lingua chose, or the script found ({@code Cyrl}) for a script
 *     mismatch; {@code null} when the text passed
 * @param method {@code script} or {@code lingua}: which test decided
 */
public record LanguageCheck(Verdict verdict, String expected, String detected, String method)
    implements Serializable {

  /** Outcome of a check. */
  public enum Verdict {
    OK,
    WRONG_SCRIPT,
    WRONG_LANGUAGE
  }

  public boolean ok() {
    return verdict == Verdict.OK;
  }

  /** A short reason for tables: {@code expected cs (Latn), found script Cyrl}. */
  public String describe() {
    return switch (verdict) {
      case OK -> "ok";
      case WRONG_SCRIPT -> "expected " + expected + ", found script " + detected;
      case WRONG_LANGUAGE -> "expected " + expected + ", detected " + detected + " (" + method + ")";
    };
  }
}
