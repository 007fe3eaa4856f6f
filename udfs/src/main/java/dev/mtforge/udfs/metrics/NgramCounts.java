package dev.mtforge.udfs.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** N-gram counting shared by BLEU and chrF; keys are the n-grams' text, as in sacreBLEU. */
final class NgramCounts {

  private NgramCounts() {}

  /** Word n-grams of orders {@code 1..maxOrder}, keyed by the space-joined words. */
  static Map<String, Integer> words(List<String> tokens, int minOrder, int maxOrder) {
    Map<String, Integer> counts = new HashMap<>(tokens.size() * maxOrder * 2);
    StringBuilder key = new StringBuilder();
    for (int n = minOrder; n <= maxOrder; n++) {
      for (int i = 0; i + n <= tokens.size(); i++) {
        key.setLength(0);
        for (int k = 0; k < n; k++) {
          if (k > 0) {
            key.append(' ');
          }
          key.append(tokens.get(i + k));
        }
        counts.merge(key.toString(), 1, Integer::sum);
      }
    }
    return counts;
  }

  /** Character n-grams of one order; {@code offsets} are the UTF-16 offsets of each code point. */
  static Map<String, Integer> chars(String line, int[] offsets, int n) {
    int length = offsets.length - 1;
    Map<String, Integer> counts = new HashMap<>(Math.max(16, length * 2));
    for (int i = 0; i + n <= length; i++) {
      counts.merge(line.substring(offsets[i], offsets[i + n]), 1, Integer::sum);
    }
    return counts;
  }

  /** The UTF-16 offset of each code point of {@code s}, plus {@code s.length()} at the end. */
  static int[] codePointOffsets(String s) {
    int count = s.codePointCount(0, s.length());
    int[] offsets = new int[count + 1];
    int i = 0;
    for (int k = 0; k < count; k++) {
      offsets[k] = i;
      i += Character.charCount(s.codePointAt(i));
    }
    offsets[count] = s.length();
    return offsets;
  }

  /** The total of all counts. */
  static long total(Map<String, Integer> counts) {
    long total = 0;
    for (int c : counts.values()) {
      total += c;
    }
    return total;
  }
}
