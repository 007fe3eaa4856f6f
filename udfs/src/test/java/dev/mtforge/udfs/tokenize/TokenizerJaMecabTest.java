package dev.mtforge.udfs.tokenize;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Kuromoji (IPADIC) segmentation against MeCab 0.996 with Debian's mecab-ipadic-utf8
 * (2.7.0-20070801), the analyzer sacreBLEU's {@code ja-mecab} wraps. Expected segmentations:
 * {@code mecab -Owakati < ja/sentences.txt} (80 sentences we wrote: news, conversation, loanwords, brand names, emoji, half-width kana,
 * full-width Latin and digits, quotes). The counts are what we measured (79/80 identical; the one difference is 令和, which
 * MeCab keeps whole and Kuromoji splits); a change to either side
 * shows up here.
 */
class TokenizerJaMecabTest {

  @Test
  void agreesWithMecabOnMostSentences() throws IOException {
    List<String> sentences = lines("/ja/sentences.txt");
    List<String> mecab = lines("/ja/mecab-ipadic-wakati.txt");
    assertThat(sentences).hasSize(80).hasSameSizeAs(mecab);
    Tokenizer ja = Tokenizers.create("ja-mecab");
    int sameSentences = 0;
    long sameTokens = 0;
    long mecabTokens = 0;
    long ourTokens = 0;
    for (int i = 0; i < sentences.size(); i++) {
      String ours = ja.tokenize(sentences.get(i));
      if (ours.equals(mecab.get(i))) {
        sameSentences++;
      }
      List<String> a = PythonText.split(ours);
      List<String> b = PythonText.split(mecab.get(i));
      mecabTokens += b.size();
      ourTokens += a.size();
      sameTokens += common(a, b);
    }
    double tokenF1 = 2.0 * sameTokens / (mecabTokens + ourTokens);
    System.out.printf(
        "ja-mecab agreement: %d/%d sentences identical, token F1 %.4f%n",
        sameSentences, sentences.size(), tokenF1);
    assertThat(sameSentences).isEqualTo(EXPECTED_SAME_SENTENCES);
    assertThat(tokenF1).isGreaterThan(0.99);
  }

  private static final int EXPECTED_SAME_SENTENCES = 79;

  @Test
  void signatureSaysWhatRanIt() {
    assertThat(Tokenizers.create("ja-mecab").signature()).isEqualTo("ja-kuromoji-0.9.0-IPA");
    assertThat(Tokenizers.create("ja-mecab").tokenize("  今日は晴れ。 ")).isEqualTo("今日 は 晴れ 。");
  }

  /** Multiset intersection size. */
  private static long common(List<String> a, List<String> b) {
    Map<String, Integer> counts = new HashMap<>();
    a.forEach(t -> counts.merge(t, 1, Integer::sum));
    long n = 0;
    for (String t : b) {
      Integer c = counts.get(t);
      if (c != null && c > 0) {
        counts.put(t, c - 1);
        n++;
      }
    }
    return n;
  }

  private static List<String> lines(String resource) throws IOException {
    try (InputStream in = TokenizerJaMecabTest.class.getResourceAsStream(resource)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      List<String> out = new ArrayList<>(List.of(text.split("\n", -1)));
      if (out.get(out.size() - 1).isEmpty()) {
        out.remove(out.size() - 1);
      }
      return out;
    }
  }
}
