package dev.mtforge.udfs.tokenize;

/**
 * The four regular expressions sacreBLEU's {@code 13a} and {@code zh} tokenizers apply in turn
 * (its {@code TokenizerRegexp}), written as single left-to-right scans with the same
 * non-overlapping match semantics as {@code re.sub}. Every class involved is ASCII, so scanning
 * UTF-16 units gives the same output as scanning code points.
 */
final class MtevalRules {

  private MtevalRules() {}

  static String apply(String line) {
    return PythonText.normalizeSpace(digitHyphen(periodCommaBefore(periodCommaAfter(symbols(line)))));
  }

  /** {@code ([\{-\~\[-\` -\&\(-\+\:-\@\/])} to {@code " \1 "}. */
  private static StringBuilder symbols(String s) {
    int n = s.length();
    StringBuilder out = new StringBuilder(n + 16);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (isSymbol(c)) {
        out.append(' ').append(c).append(' ');
      } else {
        out.append(c);
      }
    }
    return out;
  }

  /** {@code ([^0-9])([\.,])} to {@code "\1 \2 "}. */
  private static StringBuilder periodCommaAfter(CharSequence s) {
    int n = s.length();
    StringBuilder out = new StringBuilder(n + 16);
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (i + 1 < n && !isDigit(c) && isPeriodComma(s.charAt(i + 1))) {
        out.append(c).append(' ').append(s.charAt(i + 1)).append(' ');
        i += 2;
      } else {
        out.append(c);
        i++;
      }
    }
    return out;
  }

  /** {@code ([\.,])([^0-9])} to {@code " \1 \2"}. */
  private static StringBuilder periodCommaBefore(CharSequence s) {
    int n = s.length();
    StringBuilder out = new StringBuilder(n + 16);
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (i + 1 < n && isPeriodComma(c) && !isDigit(s.charAt(i + 1))) {
        out.append(' ').append(c).append(' ').append(s.charAt(i + 1));
        i += 2;
      } else {
        out.append(c);
        i++;
      }
    }
    return out;
  }

  /** {@code ([0-9])(-)} to {@code "\1 \2 "}. */
  private static StringBuilder digitHyphen(CharSequence s) {
    int n = s.length();
    StringBuilder out = new StringBuilder(n + 16);
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (i + 1 < n && isDigit(c) && s.charAt(i + 1) == '-') {
        out.append(c).append(" - ");
        i += 2;
      } else {
        out.append(c);
        i++;
      }
    }
    return out;
  }

  // shared with Mteval13aScanner: one definition of the rules' character classes
  static boolean isSymbol(char c) {
    return (c >= '{' && c <= '~')
        || (c >= '[' && c <= '`')
        || (c >= ' ' && c <= '&')
        || (c >= '(' && c <= '+')
        || (c >= ':' && c <= '@')
        || c == '/';
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean isPeriodComma(char c) {
    return c == '.' || c == ',';
  }
}
