package dev.mtforge.udfs.tokenize;

/**
 * sacreBLEU's default {@code 13a} tokenizer (mteval-v13a.pl): unescapes four XML entities, then
 * splits ASCII punctuation and symbols off, and periods/commas unless they sit in a number.
 */
public final class Tokenizer13a implements Tokenizer {
  private static final long serialVersionUID = 1L;

  @Override
  public String tokenize(String line) {
    String s = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
    if (s.indexOf('&') >= 0) {
      s = s.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
    }
    // the padding spaces let a sentence-final period be split off (mteval pads the same way)
    return MtevalRules.apply(" " + s + " ");
  }

  @Override
  public String signature() {
    return "13a";
  }
}
