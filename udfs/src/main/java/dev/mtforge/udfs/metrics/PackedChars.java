package dev.mtforge.udfs.metrics;

import java.util.Arrays;
import java.util.List;

/**
 * chrF's character n-gram statistics with packed keys: code points get ids in the segment's
 * alphabet (hypothesis and references together, at most 1023 symbols), an n-gram of up to 6
 * characters is its ids in 10-bit groups, and matches are counted by merging sorted key arrays.
 * The counts are those of sacreBLEU's {@code Counter}s over substrings.
 */
final class PackedChars {
  private static final int BITS = 10;
  private static final int MAX_ALPHABET = (1 << BITS) - 1;
  private static final int MAX_ORDER = 6;

  private PackedChars() {}

  /**
   * {@code [hyp, ref, match]} triples for orders 1..maxOrder, one array per reference; null when
   * packing does not apply (order above 6, or too many distinct characters).
   */
  static long[][] stats(String hyp, List<String> refs, int maxOrder) {
    if (maxOrder > MAX_ORDER) {
      return null;
    }
    int[] h = hyp.codePoints().toArray();
    int[][] r = new int[refs.size()][];
    int total = h.length;
    for (int k = 0; k < r.length; k++) {
      r[k] = refs.get(k).codePoints().toArray();
      total += r[k].length;
    }
    int[] alphabet = new int[total];
    System.arraycopy(h, 0, alphabet, 0, h.length);
    int at = h.length;
    for (int[] ref : r) {
      System.arraycopy(ref, 0, alphabet, at, ref.length);
      at += ref.length;
    }
    Arrays.sort(alphabet);
    int distinct = 0;
    for (int i = 0; i < alphabet.length; i++) {
      if (i == 0 || alphabet[i] != alphabet[i - 1]) {
        alphabet[distinct++] = alphabet[i];
      }
    }
    if (distinct > MAX_ALPHABET) {
      return null;
    }
    int[] alpha = Arrays.copyOf(alphabet, distinct);
    toIds(h, alpha);
    for (int[] ref : r) {
      toIds(ref, alpha);
    }
    long[][] out = new long[r.length][3 * maxOrder];
    for (int n = 1; n <= maxOrder; n++) {
      long[] hk = keys(h, n);
      for (int k = 0; k < r.length; k++) {
        long[] rk = keys(r[k], n);
        int o = 3 * (n - 1);
        out[k][o] = rk.length == 0 ? 0 : hk.length;
        out[k][o + 1] = rk.length;
        out[k][o + 2] = matches(hk, rk);
      }
    }
    return out;
  }

  private static void toIds(int[] cps, int[] alpha) {
    for (int i = 0; i < cps.length; i++) {
      cps[i] = Arrays.binarySearch(alpha, cps[i]) + 1;
    }
  }

  private static long[] keys(int[] ids, int n) {
    int count = Math.max(0, ids.length - n + 1);
    long[] keys = new long[count];
    for (int i = 0; i < count; i++) {
      long key = 0;
      for (int j = 0; j < n; j++) {
        key = (key << BITS) | ids[i + j];
      }
      keys[i] = key;
    }
    Arrays.sort(keys);
    return keys;
  }

  /** Sum over distinct keys of min(count in a, count in b); both arrays sorted. */
  private static long matches(long[] a, long[] b) {
    long match = 0;
    int i = 0;
    int j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] < b[j]) {
        i++;
      } else if (a[i] > b[j]) {
        j++;
      } else {
        long key = a[i];
        int ca = 0;
        int cb = 0;
        while (i < a.length && a[i] == key) {
          ca++;
          i++;
        }
        while (j < b.length && b[j] == key) {
          cb++;
          j++;
        }
        match += Math.min(ca, cb);
      }
    }
    return match;
  }
}
