package dev.mtforge.udfs.filters;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The form sentences are compared in for the contamination check: NFKC, lower case (root locale),
 * everything but letters and digits dropped, whitespace collapsed. So "The bakery ... evening."
 * and "the bakery ... evening" match.
 */
public final class TextNormalizer {
  private TextNormalizer() {}

  public static String normalize(String text) {
    if (text == null) {
      return "";
    }
    String nfkc = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder(nfkc.length());
    boolean space = false;
    for (int i = 0; i < nfkc.length(); ) {
      int cp = nfkc.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isLetterOrDigit(cp) || Character.getType(cp) == Character.NON_SPACING_MARK
          || Character.getType(cp) == Character.COMBINING_SPACING_MARK) {
        if (space && out.length() > 0) {
          out.append(' ');
        }
        space = false;
        out.appendCodePoint(cp);
      } else if (Character.isWhitespace(cp)) {
        space = true;
      }
    }
    return out.toString();
  }
}
