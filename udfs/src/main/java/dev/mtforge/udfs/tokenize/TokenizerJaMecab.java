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
      // MeCab skips the characters of IPADIC's SPACE class (ASCII blanks) between morphemes,
      // Kuromoji returns them as tokens; U+3000 is a symbol for both
      if (isMecabSpace(surface)) {
        continue;
      }
      if (out.length() > 0) {
        out.append(' ');
      }
      out.append(surface);
    }
    return out.toString();
  }

  private static boolean isMecabSpace(String surface) {
    for (int i = 0; i < surface.length(); i++) {
      char c = surface.charAt(i);
      if (c != ' ' && c != '\t' && c != '\n' && c != 0x0b && c != '\r') {
        return false;
      }
    }
    return true;
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
