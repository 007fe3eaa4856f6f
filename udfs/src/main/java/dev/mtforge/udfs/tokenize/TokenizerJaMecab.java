package dev.mtforge.udfs.tokenize;

import com.atilika.kuromoji.ipadic.Token;
import java.util.List;

/**
 * Japanese word segmentation for BLEU, standing in for sacreBLEU's {@code ja-mecab} (MeCab 0.996
 * with IPADIC, {@code -Owakati}): Kuromoji's IPADIC analyzer in normal mode, which runs in the
 * JVM. It uses the same dictionary and a Viterbi search over the same costs, but it is not MeCab:
 * segmentations differ on some inputs (unknown-word handling above all), so the signature says
 * {@code ja-kuromoji-0.9.0-IPA}, not sacreBLEU's {@code ja-mecab-0.996-IPA}.
 */
public final class TokenizerJaMecab implements Tokenizer {
  private static final long serialVersionUID = 1L;

  @Override
  public String tokenize(String line) {
    String s = PythonText.strip(line);
    List<Token> tokens = Holder.TOKENIZER.tokenize(s);
    StringBuilder out = new StringBuilder(s.length() * 2);
    for (Token t : tokens) {
      String surface = t.getSurface();
      // MeCab skips whitespace between morphemes; Kuromoji returns it as tokens
      if (PythonText.normalizeSpace(surface).isEmpty()) {
        continue;
      }
      if (out.length() > 0) {
        out.append(' ');
      }
      out.append(surface);
    }
    return out.toString();
  }

  @Override
  public String signature() {
    return "ja-kuromoji-0.9.0-IPA";
  }

  /** Loads the dictionary (about a second) once per JVM, on first use. */
  private static final class Holder {
    static final com.atilika.kuromoji.ipadic.Tokenizer TOKENIZER =
        new com.atilika.kuromoji.ipadic.Tokenizer();
  }
}
