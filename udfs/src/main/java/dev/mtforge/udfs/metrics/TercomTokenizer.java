package dev.mtforge.udfs.metrics;

import dev.mtforge.udfs.tokenize.PythonText;
import dev.mtforge.udfs.tokenize.Tokenizer;
import java.util.regex.Pattern;

/**
 * sacreBLEU's TER pre-processing ({@code tok:tercom}): lower-cases unless case-sensitive, and
 * optionally normalizes (tercom's western/Asian rules) and removes punctuation.
 */
public final class TercomTokenizer implements Tokenizer {
  private static final long serialVersionUID = 1L;

  private static final Pattern SYMBOLS = Pattern.compile("([{-~\\[-` -&(-+:-@/])");
  private static final Pattern NON_DIGIT_PERIOD = Pattern.compile("([^0-9])([\\.,])");
  private static final Pattern PERIOD_NON_DIGIT = Pattern.compile("([\\.,])([^0-9])");
  private static final Pattern DIGIT_HYPHEN = Pattern.compile("([0-9])(-)");
  private static final Pattern[] ASIAN_SPLIT = {
    Pattern.compile("([\\u4e00-\\u9fff\\u3400-\\u4dbf])"),
    Pattern.compile("([\\u31c0-\\u31ef\\u2e80-\\u2eff])"),
    Pattern.compile("([\\u3300-\\u33ff\\uf900-\\ufaff\\ufe30-\\ufe4f])"),
    Pattern.compile("([\\u3200-\\u3f22])"),
  };
  // sacreBLEU's kana patterns: "^[...]" inside an alternation is an anchor followed by a class
  private static final Pattern[] KANA = {
    Pattern.compile("(^|^[\\u3040-\\u309f])([\\u3040-\\u309f]+)(?=$|^[\\u3040-\\u309f])", Pattern.UNIX_LINES),
    Pattern.compile("(^|^[\\u30a0-\\u30ff])([\\u30a0-\\u30ff]+)(?=$|^[\\u30a0-\\u30ff])", Pattern.UNIX_LINES),
    Pattern.compile("(^|^[\\u31f0-\\u31ff])([\\u31f0-\\u31ff]+)(?=$|^[\\u31f0-\\u31ff])", Pattern.UNIX_LINES),
  };
  private static final Pattern ASIAN_PUNCT =
      Pattern.compile("([\\u3001\\u3002\\u3008-\\u3011\\u3014-\\u301f\\uff61-\\uff65\\u30fb])");
  private static final Pattern FULL_WIDTH_PUNCT =
      Pattern.compile("([\\uff0e\\uff0c\\uff1f\\uff1a\\uff1b\\uff01\\uff02\\uff08\\uff09])");
  private static final Pattern PUNCT = Pattern.compile("[\\.,\\?:;!\"\\(\\)]");

  private final boolean normalized;
  private final boolean noPunct;
  private final boolean asianSupport;
  private final boolean caseSensitive;

  public TercomTokenizer(
      boolean normalized, boolean noPunct, boolean asianSupport, boolean caseSensitive) {
    this.normalized = normalized;
    this.noPunct = noPunct;
    this.asianSupport = asianSupport;
    this.caseSensitive = caseSensitive;
  }

  @Override
  public String tokenize(String line) {
    if (line.isEmpty()) {
      return "";
    }
    String s = caseSensitive ? line : PythonText.lower(line);
    if (normalized) {
      s = normalizeWestern(s);
      if (asianSupport) {
        s = normalizeAsian(s);
      }
    }
    if (noPunct) {
      s = PUNCT.matcher(s).replaceAll("");
      if (asianSupport) {
        s = ASIAN_PUNCT.matcher(s).replaceAll("");
        s = FULL_WIDTH_PUNCT.matcher(s).replaceAll("");
      }
    }
    return PythonText.normalizeSpace(s);
  }

  private static String normalizeWestern(String sent) {
    String s = sent.replace("\n-", "").replace("\n", " ");
    s = s.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
    s = " " + s + " ";
    s = SYMBOLS.matcher(s).replaceAll(" $1 ");
    s = s.replace("'s ", " 's ");
    if (s.endsWith("'s")) {
      // re.sub(r"'s$", ...): $ also matches before a final newline, which cannot remain here
      s = s.substring(0, s.length() - 2) + " 's";
    }
    s = NON_DIGIT_PERIOD.matcher(s).replaceAll("$1 $2 ");
    s = PERIOD_NON_DIGIT.matcher(s).replaceAll(" $1 $2");
    return DIGIT_HYPHEN.matcher(s).replaceAll("$1 $2 ");
  }

  private static String normalizeAsian(String sent) {
    String s = sent;
    for (Pattern p : ASIAN_SPLIT) {
      s = p.matcher(s).replaceAll(" $1 ");
    }
    for (Pattern p : KANA) {
      s = p.matcher(s).replaceAll("$1 $2 ");
    }
    s = ASIAN_PUNCT.matcher(s).replaceAll(" $1 ");
    return FULL_WIDTH_PUNCT.matcher(s).replaceAll(" $1 ");
  }

  @Override
  public String signature() {
    return "tercom";
  }
}
