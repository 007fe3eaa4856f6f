package dev.mtforge.udfs.metrics;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Word n-grams of orders 1..4 as packed {@code long} keys, for BLEU's hot path. Tokens get
 * per-segment ids (shared by the hypothesis and its references); an n-gram is its ids plus one,
 * 16 bits each, so different orders never collide. Counting is by sorting, with no string
 * building. Valid while a segment has fewer than 65535 distinct tokens and the order is at most
 * 4; {@link Bleu} falls back to string keys otherwise.
 */
final class PackedNgrams {
  static final int MAX_ORDER = 4;
  static final int MAX_VOCAB = 65534;

  /** Sorted distinct n-gram keys and their counts. */
  final long[] keys;
  final int[] counts;

  private PackedNgrams(long[] keys, int[] counts) {
    this.keys = keys;
    this.counts = counts;
  }

  /** Ids for the tokens, assigning new ones in {@code vocab}; null if the vocabulary overflows. */
  static int[] ids(List<String> tokens, Map<String, Integer> vocab) {
    int[] ids = new int[tokens.size()];
    for (int i = 0; i < ids.length; i++) {
      Integer id = vocab.get(tokens.get(i));
      if (id == null) {
        if (vocab.size() >= MAX_VOCAB) {
          return null;
        }
        id = vocab.size();
        vocab.put(tokens.get(i), id);
      }
      ids[i] = id;
    }
    return ids;
  }

  static PackedNgrams of(int[] ids, int maxOrder) {
    int n = ids.length;
    int total = 0;
    for (int k = 1; k <= maxOrder; k++) {
      total += Math.max(0, n - k + 1);
    }
    long[] all = new long[total];
    int t = 0;
    for (int i = 0; i < n; i++) {
      long key = 0;
      for (int k = 0; k < maxOrder && i + k < n; k++) {
        key = (key << 16) | (ids[i + k] + 1L);
        all[t++] = key;
      }
    }
    Arrays.sort(all);
    int distinct = 0;
    for (int i = 0; i < total; i++) {
      if (i == 0 || all[i] != all[i - 1]) {
        distinct++;
      }
    }
    long[] keys = new long[distinct];
    int[] counts = new int[distinct];
    int d = -1;
    for (int i = 0; i < total; i++) {
      if (i == 0 || all[i] != all[i - 1]) {
        keys[++d] = all[i];
      }
      counts[d]++;
    }
    return new PackedNgrams(keys, counts);
  }

  /** The order of a key: the number of non-zero 16-bit groups. */
  static int order(long key) {
    int bits = 64 - Long.numberOfLeadingZeros(key);
    return (bits + 15) / 16;
  }

  /** For each of this set's keys, the maximum count over {@code refs}. */
  int[] maxCounts(List<PackedNgrams> refs) {
    int[] max = new int[keys.length];
    for (PackedNgrams ref : refs) {
      int i = 0;
      int j = 0;
      while (i < keys.length && j < ref.keys.length) {
        // signed comparison is fine: both arrays were sorted the same way
        if (keys[i] == ref.keys[j]) {
          max[i] = Math.max(max[i], ref.counts[j]);
          i++;
          j++;
        } else if (keys[i] < ref.keys[j]) {
          i++;
        } else {
          j++;
        }
      }
    }
    return max;
  }
}
