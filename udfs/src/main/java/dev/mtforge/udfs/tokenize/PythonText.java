package dev.mtforge.udfs.tokenize;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The few Python {@code str} operations sacreBLEU relies on, with Python 3 semantics: whitespace
 * is what {@code str.isspace()} accepts (wider than {@link Character#isWhitespace}: it includes
 * U+00A0, U+2007, U+202F, and U+0085), and lengths count code points, not UTF-16 units.
 */
public final class PythonText {

  private PythonText() {}

  /** Python's {@code str.isspace()} for one code point (all such code points are in the BMP). */
  public static boolean isSpace(int c) {
    if (c <= 0x20) {
      return c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
    }
    if (c < 0x85) {
      return false;
    }
    return c == 0x85
        || c == 0xa0
        || c == 0x1680
        || (c >= 0x2000 && c <= 0x200a)
        || c == 0x2028
        || c == 0x2029
        || c == 0x202f
        || c == 0x205f
        || c == 0x3000;
  }

  /** {@code line.split()}: the non-empty runs between Python whitespace. */
  public static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    int n = line.length();
    int start = -1;
    for (int i = 0; i < n; i++) {
      // every Python space is a single BMP char, so scanning UTF-16 units is exact
      if (isSpace(line.charAt(i))) {
        if (start >= 0) {
          out.add(line.substring(start, i));
          start = -1;
        }
      } else if (start < 0) {
        start = i;
      }
    }
    if (start >= 0) {
      out.add(line.substring(start));
    }
    return out;
  }

  /** {@code ' '.join(line.split())}: collapses whitespace runs to one space and trims. */
  public static String normalizeSpace(CharSequence line) {
    int n = line.length();
    StringBuilder out = new StringBuilder(n);
    boolean pendingSpace = false;
    for (int i = 0; i < n; i++) {
      char c = line.charAt(i);
      if (isSpace(c)) {
        pendingSpace = out.length() > 0;
      } else {
        if (pendingSpace) {
          out.append(' ');
          pendingSpace = false;
        }
        out.append(c);
      }
    }
    return out.toString();
  }

  /** {@code ''.join(line.split())}: removes all Python whitespace. */
  public static String removeSpace(String line) {
    StringBuilder out = null;
    int n = line.length();
    for (int i = 0; i < n; i++) {
      char c = line.charAt(i);
      if (isSpace(c)) {
        if (out == null) {
          out = new StringBuilder(n);
          out.append(line, 0, i);
        }
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? line : out.toString();
  }

  /** {@code line.rstrip()}. */
  public static String rstrip(String line) {
    int end = line.length();
    while (end > 0 && isSpace(line.charAt(end - 1))) {
      end--;
    }
    return end == line.length() ? line : line.substring(0, end);
  }

  /** {@code line.strip()}. */
  public static String strip(String line) {
    String right = rstrip(line);
    int start = 0;
    while (start < right.length() && isSpace(right.charAt(start))) {
      start++;
    }
    return start == 0 ? right : right.substring(start);
  }

  /**
   * {@code line.lower()}: full Unicode lower-casing, independent of the default locale. Java and
   * Python disagree on when a capital sigma is word-final (Java looks at word boundaries, Python
   * at Unicode's Final_Sigma context), so sigmas are lowered by Python's rule.
   */
  public static String lower(String line) {
    if (line.indexOf('\u03a3') < 0) {
      return line.toLowerCase(Locale.ROOT);
    }
    StringBuilder out = new StringBuilder(line.length());
    for (int i = 0; i < line.length(); ) {
      int cp = line.codePointAt(i);
      if (cp == 0x03a3) {
        out.append(isFinalSigma(line, i) ? '\u03c2' : '\u03c3');
      } else {
        out.append(new String(Character.toChars(cp)).toLowerCase(Locale.ROOT));
      }
      i += Character.charCount(cp);
    }
    return out.toString();
  }

  /** Final_Sigma: {@code \p{cased} \p{case-ignorable}* SIGMA !(\p{case-ignorable}* \p{cased})}. */
  private static boolean isFinalSigma(String s, int at) {
    int j = at;
    int before = -1;
    while (j > 0) {
      int c = s.codePointBefore(j);
      j -= Character.charCount(c);
      if (!isCaseIgnorable(c)) {
        before = c;
        break;
      }
    }
    if (before < 0 || !isCased(before)) {
      return false;
    }
    j = at + 1;
    while (j < s.length()) {
      int c = s.codePointAt(j);
      j += Character.charCount(c);
      if (!isCaseIgnorable(c)) {
        return !isCased(c);
      }
    }
    return true;
  }

  private static boolean isCased(int c) {
    return Character.isLowerCase(c) || Character.isUpperCase(c) || Character.isTitleCase(c);
  }

  private static boolean isCaseIgnorable(int c) {
    switch (Character.getType(c)) {
      case Character.NON_SPACING_MARK:
      case Character.ENCLOSING_MARK:
      case Character.FORMAT:
      case Character.MODIFIER_LETTER:
      case Character.MODIFIER_SYMBOL:
        return true;
      default:
        // Word_Break MidLetter, MidNumLet and Single_Quote
        return c == 0x27 || c == 0x2e || c == 0x3a || c == 0xb7 || c == 0x387 || c == 0x55f
            || c == 0x5f4 || c == 0x2018 || c == 0x2019 || c == 0x2024 || c == 0x2027
            || c == 0xfe13 || c == 0xfe52 || c == 0xfe55 || c == 0xff07 || c == 0xff0e
            || c == 0xff1a;
    }
  }

  /** The number of code points, as Python's {@code len(str)}. */
  public static int length(String s) {
    return s.codePointCount(0, s.length());
  }
}
