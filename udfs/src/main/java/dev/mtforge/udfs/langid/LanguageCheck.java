package dev.mtforge.udfs.langid;

import java.io.Serializable;
import java.util.Locale;

/**
 * The verdict of {@link LanguageIdentifier#check}: whether a text is in the expected language.
 *
 * @param verdict {@link Verdict#OK}, {@link Verdict#WRONG_SCRIPT} or {@link Verdict#WRONG_LANGUAGE}
 * @param expected registry code that was expected
 * @param detected registry code lingua chose, or the script found ({@code Cyrl}) for a script
 *     mismatch; {@code null} when the text passed
 * @param method {@code script} or {@code lingua}: which test decided
 * @param detectedConfidence lingua's confidence (0..1) in the detected language; null unless
 *     lingua rejected the text
 * @param expectedConfidence lingua's confidence in the expected language; null unless lingua
 *     rejected the text
 */
public record LanguageCheck(
    Verdict verdict, String expected, String detected, String method, Double detectedConfidence,
    Double expectedConfidence)
    implements Serializable {

  /** A verdict without lingua confidences (script checks, passes). */
  public LanguageCheck(Verdict verdict, String expected, String detected, String method) {
    this(verdict, expected, detected, method, null, null);
  }

  /** Outcome of a check. */
  public enum Verdict {
    OK,
    WRONG_SCRIPT,
    WRONG_LANGUAGE
  }

  public boolean ok() {
    return verdict == Verdict.OK;
  }

  /**
   * A short reason for tables: {@code expected cs, found script Cyrl} or
   * {@code expected ru, detected uk (lingua 0.93 vs 0.07)}.
   */
  public String describe() {
    return switch (verdict) {
      case OK -> "ok";
      case WRONG_SCRIPT -> "expected " + expected + ", found script " + detected;
      case WRONG_LANGUAGE -> "expected " + expected + ", detected " + detected + " (" + method
          + (detectedConfidence == null ? ""
              : String.format(Locale.ROOT, " %.2f vs %.2f", detectedConfidence, expectedConfidence)) + ")";
    };
  }
}
