package dev.mtforge.udfs.filters;

import dev.mtforge.udfs.langid.LanguageCheck;
import dev.mtforge.udfs.langid.LanguageIdentifier;
import java.lang.Character.UnicodeScript;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-pair checks of training data, in the order they are reported: {@code empty},
 * {@code same_text}, {@code length_ratio}, {@code wrong_script}, {@code wrong_language}. Training
 * pairs with any problem are rejected with the first one as reason; test pairs only get them as
 * flags. (Duplicates and contamination need the whole data set and are found in Spark.)
 */
public final class PairFilters {
  public static final String EMPTY = "empty";
  public static final String SAME_TEXT = "same_text";
  public static final String LENGTH_RATIO = "length_ratio";
  public static final String WRONG_SCRIPT = "wrong_script";
  public static final String WRONG_LANGUAGE = "wrong_language";
  public static final String DUPLICATE = "duplicate";
  public static final String CONTAMINATION = "contamination";

  private PairFilters() {}

  /** A problem found: a reason from the constants above and a readable detail. */
  public record Problem(String reason, String detail) {}

  /**
   * Every problem of a pair, in report order; empty when the pair is clean. Each side's script and
   * language are checked with the other side as context (names both sides share do not count
   * against a side, see {@link LanguageIdentifier#check(String, String, String,
   * dev.mtforge.udfs.langid.LanguageCheckSettings)}), with {@code settings.language()}.
   */
  public static List<Problem> check(
      String src, String tgt, String srcLang, String tgtLang, FilterSettings settings, LanguageIdentifier id) {
    List<Problem> problems = new ArrayList<>();
    boolean srcEmpty = src == null || src.isBlank();
    boolean tgtEmpty = tgt == null || tgt.isBlank();
    if (srcEmpty || tgtEmpty) {
      problems.add(new Problem(EMPTY, srcEmpty && tgtEmpty ? "both sides" : (srcEmpty ? srcLang : tgtLang) + " side"));
      return problems;
    }
    if (src.strip().equals(tgt.strip())) {
      problems.add(new Problem(SAME_TEXT, "source equals target"));
    }
    int srcLength = weightedLength(src);
    int tgtLength = weightedLength(tgt);
    int longer = Math.max(srcLength, tgtLength);
    int shorter = Math.max(1, Math.min(srcLength, tgtLength));
    if (longer >= settings.minLengthForRatio() && (double) longer / shorter > settings.maxLengthRatio()) {
      problems.add(new Problem(LENGTH_RATIO,
          String.format(java.util.Locale.ROOT, "length %d vs %d (ratio %.2f > %.2f)", srcLength, tgtLength,
              (double) longer / shorter, settings.maxLengthRatio())));
    }
    for (String[] side : new String[][] {{src, srcLang, tgt}, {tgt, tgtLang, src}}) {
      LanguageCheck check = id.check(side[0], side[1], side[2], settings.language());
      if (check.verdict() == LanguageCheck.Verdict.WRONG_SCRIPT) {
        problems.add(new Problem(WRONG_SCRIPT, check.describe()));
      } else if (check.verdict() == LanguageCheck.Verdict.WRONG_LANGUAGE) {
        problems.add(new Problem(WRONG_LANGUAGE, check.describe()));
      }
    }
    return problems;
  }

  /**
   * Length for the ratio check: code points, with Han, kana and Hangul counting 3 each, since
   * one such character carries about as much as three Latin letters; whitespace does not count.
   */
  public static int weightedLength(String text) {
    int length = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isWhitespace(cp)) {
        continue;
      }
      UnicodeScript script = UnicodeScript.of(cp);
      length += script == UnicodeScript.HAN || script == UnicodeScript.HIRAGANA
          || script == UnicodeScript.KATAKANA || script == UnicodeScript.HANGUL ? 3 : 1;
    }
    return length;
  }
}
