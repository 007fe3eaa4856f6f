package dev.mtforge.udfs.tokenize;

/** sacreBLEU's {@code char} tokenizer: every code point (spaces included) becomes a token. */
public final class TokenizerChar implements Tokenizer {
  private static final long serialVersionUID = 1L;

  @Override
  public String tokenize(String line) {
    StringBuilder out = new StringBuilder(line.length() * 2);
    for (int i = 0; i < line.length(); ) {
      int cp = line.codePointAt(i);
      if (i > 0) {
        out.append(' ');
      }
      out.appendCodePoint(cp);
      i += Character.charCount(cp);
    }
    return out.toString();
  }

  @Override
  public String signature() {
    return "char";
  }
}
