package dev.mtforge.udfs.langid;

import java.io.Serializable;
import java.util.Locale;

/**
 * When {@link LanguageIdentifier#check} lets lingua call a text another language. Lingua only
 * sees texts with at least {@code minLetters} letters (capitalized words shared with the other
 * side of a pair, names and titles, not counted), and rejects only when it prefers another
 * language by at least {@code minMargin}: lingua 1.2.2 gives the language it prefers confidence
 * 1.0 and the others values relative to it, so a margin of 0.1 means the expected language must
 * be at or below 0.9. Real wrong-language text is far below (Czech labelled English: 0.6 to 0.8);
 * close calls stay above (a short Russian quote that lingua leans Ukrainian on: 0.93).
 *
 * @param minLetters letters below which lingua is not asked (only the script check runs)
 * @param minMargin how far (0..1) below the detected language the expected one must be
 */
public record LanguageCheckSettings(int minLetters, double minMargin) implements Serializable {
  /**
   * Default of {@code prepare.language-min-letters}, chosen on NTREX-128 (docs/DATA.md, "Language
   * and script filters"): from 20 letters the recall on generated wrong pairs drops by 3 points,
   * below 12 one-word quotes ("Ach, ne.") start to fail.
   */
  public static final int MIN_LETTERS_DEFAULT = 12;

  /**
   * Default of {@code prepare.language-min-margin}, chosen on NTREX-128 (see
   * {@link #MIN_LETTERS_DEFAULT}): 0.05 lets name-heavy Ukrainian/Russian lines through.
   */
  public static final double MIN_MARGIN_DEFAULT = 0.1;

  public LanguageCheckSettings {
    if (minLetters < 0) {
      throw new IllegalArgumentException("Invalid value " + minLetters + " for minLetters: must be 0 or more");
    }
    if (!(minMargin >= 0.0 && minMargin <= 1.0)) {
      throw new IllegalArgumentException("Invalid value " + minMargin + " for minMargin: must be from 0 to 1");
    }
  }

  /** The settings of prepare's {@code wrong_language} filter. */
  public static LanguageCheckSettings defaults() {
    return new LanguageCheckSettings(MIN_LETTERS_DEFAULT, MIN_MARGIN_DEFAULT);
  }

  /**
   * The rule of translate's off-target flag (unchanged by issue 17): from 15 letters on, any
   * language lingua prefers to the expected one. Machine output that copies a short source is
   * off-target, and a flag drops nothing.
   */
  public static LanguageCheckSettings offTarget() {
    return new LanguageCheckSettings(15, 0.0);
  }

  /**
   * True when lingua's confidences (detected, expected) make the text another language: the
   * expected language is at most {@code 1 - minMargin} of the detected one.
   */
  public boolean rejects(double detectedConfidence, double expectedConfidence) {
    return detectedConfidence > 0 && expectedConfidence / detectedConfidence <= 1.0 - minMargin;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "lingua from %d letters, margin %.2f", minLetters, minMargin);
  }
}
