package dev.mtforge.udfs.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtforge.udfs.tokenize.PythonText;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The packed, table-based n-gram counts of chrF and BLEU against plain counting of substrings and
 * token tuples ({@code Counter} semantics) on seeded random segments: small alphabets (many
 * repeats, so clipping matters), Python whitespace other than the space, astral characters, several
 * references, empty sides, and tables that must grow.
 */
class PackedNgramCountsTest {
  private static final String POOL = "abcab  \t\u00a0\u3000é\u0301.,-1\ud83d\ude00\ud800\udc00xyz";

  @Test
  void chrfCharacterCountsEqualSubstringCounting() {
    SplittableRandom rng = new SplittableRandom(7);
    for (int round = 0; round < 3000; round++) {
      String hyp = randomText(rng, round % 50 == 0 ? 2000 : 40);
      List<String> refs = new ArrayList<>();
      for (int k = rng.nextInt(3) + 1; k > 0; k--) {
        refs.add(randomText(rng, round % 50 == 1 ? 2000 : 40));
      }
      boolean removeSpace = rng.nextBoolean();
      long[][] packed = PackedChars.stats(hyp, refs, 6, removeSpace);
      for (int k = 0; k < refs.size(); k++) {
        assertThat(packed[k]).as("%s | %s (remove space %s)", hyp, refs.get(k), removeSpace)
            .containsExactly(naiveChrf(hyp, refs.get(k), 6, removeSpace));
      }
    }
  }

  @Test
  void bleuCountsEqualTupleCounting() {
    SplittableRandom rng = new SplittableRandom(11);
    Bleu bleu = Bleu.builder().build();
    String[] words = {"a", "b", "c", "the", "cat", "é", "\ud83d\ude00", "1", "x"};
    for (int round = 0; round < 3000; round++) {
      String hyp = randomWords(rng, words, round % 100 == 0 ? 3000 : 15);
      List<String> refs = new ArrayList<>();
      for (int k = rng.nextInt(3) + 1; k > 0; k--) {
        refs.add(randomWords(rng, words, round % 100 == 1 ? 3000 : 15));
      }
      assertThat(bleu.segmentStats(hyp, refs)).as("%s | %s", hyp, refs).containsExactly(naiveBleu(hyp, refs));
    }
  }

  private static String randomText(SplittableRandom rng, int maxLength) {
    StringBuilder out = new StringBuilder();
    for (int n = rng.nextInt(maxLength + 1); n > 0; n--) {
      int at = rng.nextInt(POOL.length());
      char c = POOL.charAt(at);
      if (Character.isHighSurrogate(c)) {
        out.append(c).append(POOL.charAt(at + 1));
      } else if (!Character.isLowSurrogate(c)) {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String randomWords(SplittableRandom rng, String[] words, int maxLength) {
    StringBuilder out = new StringBuilder();
    for (int n = rng.nextInt(maxLength + 1); n > 0; n--) {
      out.append(words[rng.nextInt(words.length)]).append(' ');
    }
    return out.toString();
  }

  private static long[] naiveChrf(String hyp, String ref, int maxOrder, boolean removeSpace) {
    int[] h = (removeSpace ? PythonText.removeSpace(hyp) : hyp).codePoints().toArray();
    int[] r = (removeSpace ? PythonText.removeSpace(ref) : ref).codePoints().toArray();
    long[] out = new long[3 * maxOrder];
    for (int n = 1; n <= maxOrder; n++) {
      Map<String, Integer> hc = counts(h, n);
      Map<String, Integer> rc = counts(r, n);
      long match = 0;
      for (Map.Entry<String, Integer> e : hc.entrySet()) {
        match += Math.min(e.getValue(), rc.getOrDefault(e.getKey(), 0));
      }
      long refTotal = Math.max(0, r.length - n + 1);
      out[3 * (n - 1)] = refTotal == 0 ? 0 : Math.max(0, h.length - n + 1);
      out[3 * (n - 1) + 1] = refTotal;
      out[3 * (n - 1) + 2] = match;
    }
    return out;
  }

  private static Map<String, Integer> counts(int[] cps, int n) {
    Map<String, Integer> out = new HashMap<>();
    for (int i = 0; i + n <= cps.length; i++) {
      out.merge(new String(cps, i, n), 1, Integer::sum);
    }
    return out;
  }

  private static long[] naiveBleu(String hyp, List<String> refs) {
    List<String> h = PythonText.split(Bleu.builder().build().preprocess(hyp));
    long[] stats = new long[10];
    stats[0] = h.size();
    Map<List<String>, Integer> maxRef = new HashMap<>();
    List<Integer> refLens = new ArrayList<>();
    for (String ref : refs) {
      List<String> r = PythonText.split(Bleu.builder().build().preprocess(ref));
      refLens.add(r.size());
      tupleCounts(r).forEach((k, v) -> maxRef.merge(k, v, Math::max));
    }
    stats[1] = Bleu.closestRefLength(h.size(), refLens);
    tupleCounts(h).forEach((k, v) -> {
      stats[2 + k.size() - 1] += Math.min(v, maxRef.getOrDefault(k, 0));
      stats[6 + k.size() - 1] += v;
    });
    return stats;
  }

  private static Map<List<String>, Integer> tupleCounts(List<String> tokens) {
    Map<List<String>, Integer> out = new HashMap<>();
    for (int i = 0; i < tokens.size(); i++) {
      for (int n = 1; n <= 4 && i + n <= tokens.size(); n++) {
        out.merge(List.copyOf(tokens.subList(i, i + n)), 1, Integer::sum);
      }
    }
    return out;
  }
}
