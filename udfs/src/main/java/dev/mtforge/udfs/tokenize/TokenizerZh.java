package dev.mtforge.udfs.tokenize;

/**
 * sacreBLEU's {@code zh} tokenizer: puts spaces around every character it takes for Chinese,
 * then applies the {@code 13a} rules (without 13a's padding and entity unescaping).
 *
 * <p>The ranges reproduce sacreBLEU's behaviour, not its comments. Two of its range bounds are
 * written {@code u'\u20000'}, {@code u'\u2a6d6'}, {@code u'\u2f800'} and {@code u'\u2fa1d'}:
 * Python reads each as a BMP character followed by a digit, and compares one character against
 * these two-character strings lexicographically. The effective ranges are therefore
 * U+2001..U+2A6D (general punctuation, currency, arrows, maths, box drawing, ...) and
 * U+2F81..U+2FA1, while CJK Extension B (U+20000..) is not treated as Chinese at all.
 */
public final class TokenizerZh implements Tokenizer {
  private static final long serialVersionUID = 1L;

  /** Inclusive code point ranges, in sacreBLEU's order. */
  private static final int[][] RANGES = {
    {0x3400, 0x4db5},
    {0x4e00, 0x9fa5},
    {0x9fa6, 0x9fbb},
    {0xf900, 0xfa2d},
    {0xfa30, 0xfa6a},
    {0xfa70, 0xfad9},
    {0x2001, 0x2a6d}, // written (u'\u20000', u'\u2a6d6'), see the class comment
    {0x2f81, 0x2fa1}, // written (u'\u2f800', u'\u2fa1d')
    {0xff00, 0xffef},
    {0x2e80, 0x2eff},
    {0x3000, 0x303f},
    {0x31c0, 0x31ef},
    {0x2f00, 0x2fdf},
    {0x2ff0, 0x2fff},
    {0x3100, 0x312f},
    {0x31a0, 0x31bf},
    {0xfe10, 0xfe1f},
    {0xfe30, 0xfe4f},
    {0x2600, 0x26ff},
    {0x2700, 0x27bf},
    {0x3200, 0x32ff},
    {0x3300, 0x33ff},
  };

  /** Whether sacreBLEU's {@code zh} tokenizer treats this code point as a Chinese character. */
  public static boolean isChinese(int codePoint) {
    for (int[] range : RANGES) {
      if (codePoint >= range[0] && codePoint <= range[1]) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String tokenize(String line) {
    String s = PythonText.strip(line);
    StringBuilder out = new StringBuilder(s.length() * 2);
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      if (isChinese(cp)) {
        out.append(' ').appendCodePoint(cp).append(' ');
      } else {
        out.appendCodePoint(cp);
      }
      i += Character.charCount(cp);
    }
    return MtevalRules.apply(out.toString());
  }

  @Override
  public String signature() {
    return "zh";
  }
}
