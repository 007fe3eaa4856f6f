package dev.mtforge.udfs.tokenize;

/**
 * sacreBLEU's default {@code 13a} tokenizer (mteval-v13a.pl): unescapes four XML entities, then
 * splits ASCII punctuation and symbols off, and periods/commas unless they sit in a number. The
 * rules run as one fused pass ({@link Mteval13aScanner}).
 */
public final class Tokenizer13a implements Tokenizer {
  private static final long serialVersionUID = 1L;
  // the scanner holds per-line state; one per thread keeps the tokenizer thread-safe
  private static final ThreadLocal<Mteval13aScanner> SCANNER = ThreadLocal.withInitial(Mteval13aScanner::new);
  private static final ThreadLocal<Tokens> TOKENS = ThreadLocal.withInitial(Tokens::new);

  @Override
  public String tokenize(String line) {
    Tokens tokens = TOKENS.get();
    tokens.clear();
    tokenize(line, tokens);
    if (tokens.size() == 0) {
      return "";
    }
    StringBuilder out = new StringBuilder(tokens.end(tokens.size() - 1) + tokens.size());
    for (int i = 0; i < tokens.size(); i++) {
      if (i > 0) {
        out.append(' ');
      }
      out.append(tokens.chars(), tokens.start(i), tokens.end(i) - tokens.start(i));
    }
    return out.toString();
  }

  @Override
  public void tokenize(String line, Tokens out) {
    // the padding spaces the scanner adds let a sentence-final period be split off (as mteval);
    // unescaping is rare, so the scanner bails out on the characters it looks at (<, &, \n)
    Mteval13aScanner scanner = SCANNER.get();
    if (!scanner.scan(line, out, true)) {
      scanner.scan(unescape(line), out, false);
    }
  }

  /** 13a's language-independent part: drops {@code <skipped>} and joins lines, unescapes XML. */
  static String unescape(String line) {
    String s = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
    if (s.indexOf('&') >= 0) {
      s = s.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
    }
    return s;
  }

  @Override
  public String signature() {
    return "13a";
  }
}
