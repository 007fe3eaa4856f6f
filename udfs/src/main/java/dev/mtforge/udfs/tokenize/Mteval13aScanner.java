package dev.mtforge.udfs.tokenize;

import static dev.mtforge.udfs.tokenize.MtevalRules.isDigit;
import static dev.mtforge.udfs.tokenize.MtevalRules.isPeriodComma;
import static dev.mtforge.udfs.tokenize.MtevalRules.isSymbol;

/**
 * sacreBLEU's four {@code 13a} regular expressions and its final {@code ' '.join(line.split())},
 * fused into one left-to-right pass that writes tokens straight into a {@link Tokens} buffer.
 *
 * <p>Each rule is a two-character pattern applied by {@code re.sub}: matches are leftmost and do
 * not overlap, and a later rule sees the spaces an earlier one inserted. Each rule is therefore a
 * stage that holds back at most one character (a possible first half of a match) and passes its
 * output to the next stage, so the tokens are exactly those of running the rules one after
 * another ({@link MtevalRules}). Every class involved is ASCII and every Python whitespace
 * character is in the BMP, so UTF-16 units can stand in for code points. Not thread-safe: use
 * one scanner per thread.
 */
final class Mteval13aScanner {
  private static final int NONE = -1;
  /**
   * ASCII characters no rule reacts to: neither symbol, digit, period, comma nor hyphen. Python
   * whitespace counts as quiet too (the space is a symbol, but padding a space with spaces changes
   * no token, and to the later rules any space is a non-digit like a letter), except the line
   * feed, which 13a's unescaping may remove, and {@code <} and {@code &}, where it may rewrite.
   */
  private static final boolean[] QUIET = new boolean[128];

  static {
    for (char c = 0; c < 128; c++) {
      boolean special = isSymbol(c) || isDigit(c) || isPeriodComma(c) || c == '-';
      QUIET[c] = (c == ' ' || !special) && c != '\n';
    }
  }

  private Tokens out;
  private int held2 = NONE;
  private int held3 = NONE;
  private int held4 = NONE;
  private char[] line = new char[256];

  /** Appends the tokens of {@code line}; adds 13a's padding spaces itself. */
  void scan(CharSequence line, Tokens tokens) {
    scan(line, tokens, false);
  }

  /**
   * Appends the tokens of {@code text}, or, when {@code bailOnEscapes} is set and the text holds
   * a character 13a's unescaping may rewrite ({@code <}, {@code &}, line feed), appends nothing
   * and returns false.
   */
  boolean scan(CharSequence text, Tokens tokens, boolean bailOnEscapes) {
    int n = text.length();
    if (line.length < n) {
      line = new char[Math.max(n, 2 * line.length)];
    }
    char[] s = line;
    if (text instanceof String str) {
      str.getChars(0, n, s, 0);
    } else {
      for (int i = 0; i < n; i++) {
        s[i] = text.charAt(i);
      }
    }
    int mark = tokens.size();
    out = tokens;
    held2 = ' '; // the leading padding space, as symbols(' ') leaves it
    held3 = NONE;
    held4 = NONE;
    int i = 0;
    while (i < n) {
      char c = s[i];
      int h = held2;
      if ((c >= 128 || QUIET[c]) && held3 == NONE && held4 == NONE && (h == NONE || h >= 128 || QUIET[h])) {
        // fast path: a run of quiet characters while no rule holds anything back that could
        // match. A quiet character passes every stage unchanged, so the held one goes straight
        // to the split and the run's last character is held in its place.
        if (h != NONE) {
          split((char) h);
        }
        int j = tokens.appendQuietRun(s, i, n, QUIET);
        held2 = s[j - 1];
        i = j;
        continue;
      }
      if (bailOnEscapes && (c == '<' || c == '&' || c == '\n')) {
        tokens.truncate(mark);
        out = null;
        return false;
      }
      symbols(c);
      i++;
    }
    symbols(' ');
    if (held2 != NONE) {
      periodCommaBefore((char) held2);
    }
    if (held3 != NONE) {
      digitHyphen((char) held3);
    }
    if (held4 != NONE) {
      split((char) held4);
    }
    out.endToken();
    out = null;
    return true;
  }

  /** {@code ([\{-\~\[-\` -\&\(-\+\:-\@\/])} to {@code " \1 "}. */
  private void symbols(char c) {
    if (isSymbol(c)) {
      periodCommaAfter(' ');
      periodCommaAfter(c);
      periodCommaAfter(' ');
    } else {
      periodCommaAfter(c);
    }
  }

  /** {@code ([^0-9])([\.,])} to {@code "\1 \2 "}; holds a non-digit back. */
  private void periodCommaAfter(char c) {
    if (held2 != NONE) {
      char h = (char) held2;
      held2 = NONE;
      if (isPeriodComma(c)) {
        periodCommaBefore(h);
        periodCommaBefore(' ');
        periodCommaBefore(c);
        periodCommaBefore(' ');
        return;
      }
      periodCommaBefore(h);
    }
    if (isDigit(c)) {
      periodCommaBefore(c);
    } else {
      held2 = c;
    }
  }

  /** {@code ([\.,])([^0-9])} to {@code " \1 \2"}; holds a period or comma back. */
  private void periodCommaBefore(char c) {
    if (held3 != NONE) {
      char h = (char) held3;
      held3 = NONE;
      if (!isDigit(c)) {
        digitHyphen(' ');
        digitHyphen(h);
        digitHyphen(' ');
        digitHyphen(c);
        return;
      }
      digitHyphen(h);
    }
    if (isPeriodComma(c)) {
      held3 = c;
    } else {
      digitHyphen(c);
    }
  }

  /** {@code ([0-9])(-)} to {@code "\1 \2 "}; holds a digit back. */
  private void digitHyphen(char c) {
    if (held4 != NONE) {
      char h = (char) held4;
      held4 = NONE;
      if (c == '-') {
        split(h);
        split(' ');
        split('-');
        split(' ');
        return;
      }
      split(h);
    }
    if (isDigit(c)) {
      held4 = c;
    } else {
      split(c);
    }
  }

  /** {@code line.split()}. */
  private void split(char c) {
    if (PythonText.isSpace(c)) {
      out.endToken();
    } else {
      out.append(c);
    }
  }
}
