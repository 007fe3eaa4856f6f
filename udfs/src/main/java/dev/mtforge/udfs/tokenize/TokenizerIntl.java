package dev.mtforge.udfs.tokenize;

import java.util.regex.Pattern;

/**
 * sacreBLEU's {@code intl} tokenizer (mteval-v14 international): splits Unicode punctuation off
 * unless it sits between digits, and every Unicode symbol. Character classes come from the JVM's
 * Unicode tables (Java 17: Unicode 13), sacreBLEU's from the {@code regex} module's, so code
 * points assigned after Unicode 13 may be classified differently.
 */
public final class TokenizerIntl implements Tokenizer {
  private static final long serialVersionUID = 1L;
  private static final Pattern NON_DIGIT_PUNCT = Pattern.compile("(\\P{N})(\\p{P})");
  private static final Pattern PUNCT_NON_DIGIT = Pattern.compile("(\\p{P})(\\P{N})");
  private static final Pattern SYMBOL = Pattern.compile("(\\p{S})");

  @Override
  public String tokenize(String line) {
    String s = NON_DIGIT_PUNCT.matcher(line).replaceAll("$1 $2 ");
    s = PUNCT_NON_DIGIT.matcher(s).replaceAll(" $1 $2");
    s = SYMBOL.matcher(s).replaceAll(" $1 ");
    return PythonText.normalizeSpace(s);
  }

  @Override
  public String signature() {
    return "intl";
  }
}
