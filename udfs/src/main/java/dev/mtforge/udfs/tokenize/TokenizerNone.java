package dev.mtforge.udfs.tokenize;

/** sacreBLEU's {@code none} tokenizer: the line as given (for already tokenized text). */
public final class TokenizerNone implements Tokenizer {
  private static final long serialVersionUID = 1L;

  @Override
  public String tokenize(String line) {
    return line;
  }

  @Override
  public String signature() {
    return "none";
  }
}
