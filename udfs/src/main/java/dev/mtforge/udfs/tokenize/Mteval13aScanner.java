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
  private static final byte PLAIN = 0;
  private static final byte SPECIAL = 1;
  /** ASCII characters some rule looks at: symbols, digits, period, comma and hyphen. */
  private static final byte[] CLASS = new byte[128];

  static {
    for (char c = 0; c < 128; c++) {
      CLASS[c] = isSymbol(c) || isDigit(c) || isPeriodComma(c) || c == '-' ? SPECIAL : PLAIN;
    }
  }

  private Tokens out;
  private int held2 = NONE;
  private int held3 = NONE;
  private int held4 = NONE;

  /** Appends the tokens of {@code line}; adds 13a's padding spaces itself. */
  void scan(CharSequence line, Tokens tokens) {
    out = tokens;
    held2 = NONE;
    held3 = NONE;
    held4 = NONE;
    symbols(' ');
    for (int i = 0, n = line.length(); i < n; i++) {
      char c = line.charAt(i);
      // fast path for the common case, a character no rule looks at while no rule holds
      // anything back that could match: the held character leaves every stage unchanged
      if (c >= 128 || CLASS[c] == PLAIN) {
        int h = held2;
        if (held3 == NONE && held4 == NONE && (h == NONE || h >= 128 || CLASS[h] == PLAIN)) {
          if (h != NONE) {
            split((char) h);
          }
          held2 = c;
          continue;
        }
      }
      symbols(c);
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
