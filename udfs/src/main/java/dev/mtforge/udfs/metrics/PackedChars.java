package dev.mtforge.udfs.metrics;

import dev.mtforge.udfs.tokenize.PythonText;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * chrF's character n-gram statistics with packed keys: code points get ids in the segment's
 * alphabet (hypothesis and references together, at most 1023 symbols), an n-gram of up to 6
 * characters is its ids in 10-bit groups, and matches are counted in one open-addressing table
 * per reference: the reference's n-grams with their counts, then each hypothesis occurrence
 * matches while its running count is within the reference's, which sums to
 * {@code min(hyp_count, ref_count)} per distinct n-gram. A hypothesis n-gram the reference lacks
 * is never inserted, nor probed beyond (its extensions are absent too). The counts are those of
 * sacreBLEU's {@code Counter}s over substrings. Per-thread buffers, cleared in O(1) between
 * segments by generation stamps.
 */
final class PackedChars {
  private static final int BITS = 10;
  private static final int MAX_ALPHABET = (1 << BITS) - 1;
  private static final int MAX_ORDER = 6;
  private static final ThreadLocal<Counter> SCRATCH = ThreadLocal.withInitial(Counter::new);

  private PackedChars() {}

  /**
   * {@code [hyp, ref, match]} triples for orders 1..maxOrder, one array per reference, of the
   * texts with Python whitespace removed first when {@code removeSpace} is set; null when packing
   * does not apply (order above 6, or too many distinct characters).
   */
  static long[][] stats(String hyp, List<String> refs, int maxOrder, boolean removeSpace) {
    if (maxOrder > MAX_ORDER) {
      return null;
    }
    return SCRATCH.get().stats(hyp, refs, maxOrder, removeSpace);
  }

  /** One thread's alphabet, id buffers and n-gram table. */
  private static final class Counter {
    // alphabet: ids of BMP characters by a stamped direct table; astral code points in a map
    private final int[] bmpId = new int[1 << 16];
    private final int[] bmpGen = new int[1 << 16];
    private final Map<Integer, Integer> astralIds = new HashMap<>();
    private int alphabetGen;
    private int alphabetSize;
    private int[] hypIds = new int[256];
    private int[] refIds = new int[256];
    // unigrams by id: [gen, ref count, hyp running count]
    private final int[] uni = new int[3 * (MAX_ALPHABET + 1)];
    // longer n-grams: keys, and [gen, ref count, hyp running count] per slot
    private long[] keys = new long[2048];
    private int[] meta = new int[3 * 2048];
    private int gen;
    private int size;

    long[][] stats(String hyp, List<String> refs, int maxOrder, boolean removeSpace) {
      alphabetGen++;
      if (alphabetGen == Integer.MAX_VALUE) {
        Arrays.fill(bmpGen, 0);
        alphabetGen = 1;
      }
      alphabetSize = 0;
      astralIds.clear();
      int hypLen = ids(hyp, removeSpace, true);
      if (hypLen < 0) {
        return null;
      }
      long[][] out = new long[refs.size()][3 * maxOrder];
      for (int k = 0; k < refs.size(); k++) {
        int refLen = ids(refs.get(k), removeSpace, false);
        if (refLen < 0) {
          return null;
        }
        count(refLen, hypLen, maxOrder, out[k]);
      }
      return out;
    }

    /** Converts a text to alphabet ids in hypIds or refIds; its length, or -1 past the alphabet limit. */
    private int ids(String text, boolean removeSpace, boolean hypothesis) {
      int n = text.length();
      int[] ids = hypothesis ? hypIds : refIds;
      if (ids.length < n) {
        ids = new int[Math.max(n, 2 * ids.length)];
        if (hypothesis) {
          hypIds = ids;
        } else {
          refIds = ids;
        }
      }
      int g = alphabetGen;
      int len = 0;
      for (int i = 0; i < n; i++) {
        char c = text.charAt(i);
        int id;
        if (Character.isSurrogate(c)) {
          // a code point, as Python indexes strings (no Python space is outside the BMP)
          int cp = text.codePointAt(i);
          if (Character.isSupplementaryCodePoint(cp)) {
            i++;
          }
          Integer known = astralIds.get(cp);
          if (known == null) {
            known = ++alphabetSize;
            astralIds.put(cp, known);
          }
          id = known;
        } else {
          if (removeSpace && (c <= ' ' || c >= 0x85) && PythonText.isSpace(c)) {
            continue;
          }
          if (bmpGen[c] != g) {
            bmpGen[c] = g;
            bmpId[c] = ++alphabetSize;
          }
          id = bmpId[c];
        }
        ids[len++] = id;
      }
      return alphabetSize > MAX_ALPHABET ? -1 : len;
    }

    /** Fills one reference's triples: its n-grams (refIds) against the hypothesis' (hypIds). */
    private void count(int refLen, int hypLen, int maxOrder, long[] out) {
      gen++;
      if (gen == Integer.MAX_VALUE) {
        Arrays.fill(uni, 0);
        Arrays.fill(meta, 0);
        gen = 1;
      }
      size = 0;
      int g = gen;
      int[] r = refIds;
      int[] u = uni;
      for (int i = 0; i < refLen; i++) {
        int at = 3 * r[i];
        if (u[at] != g) {
          u[at] = g;
          u[at + 1] = 0;
          u[at + 2] = 0;
        }
        u[at + 1]++;
        long key = r[i];
        int last = Math.min(maxOrder, refLen - i);
        for (int o = 1; o < last; o++) {
          key = (key << BITS) | r[i + o];
          int s = find(key);
          if (meta[3 * s] != g) {
            s = insert(key, s);
          }
          meta[3 * s + 1]++;
        }
      }
      int[] h = hypIds;
      long[] k = keys;
      int[] m = meta;
      int mask = k.length - 1;
      for (int i = 0; i < hypLen; i++) {
        int at = 3 * h[i];
        if (u[at] != g) {
          continue; // the reference lacks this character, so every n-gram starting here
        }
        if (++u[at + 2] <= u[at + 1]) {
          out[2]++;
        }
        long key = h[i];
        int last = Math.min(maxOrder, hypLen - i);
        for (int o = 1; o < last; o++) {
          key = (key << BITS) | h[i + o];
          int s = hash(key) & mask;
          while (m[3 * s] == g && k[s] != key) {
            s = (s + 1) & mask;
          }
          if (m[3 * s] != g) {
            break;
          }
          if (++m[3 * s + 2] <= m[3 * s + 1]) {
            out[3 * o + 2]++;
          }
        }
      }
      for (int o = 0; o < maxOrder; o++) {
        long refTotal = Math.max(0, refLen - o);
        // sacreBLEU counts no hypothesis n-grams for an order the reference lacks entirely
        out[3 * o] = refTotal == 0 ? 0 : Math.max(0, hypLen - o);
        out[3 * o + 1] = refTotal;
      }
    }

    /** The slot holding {@code key}, or the free slot where it would go. */
    private int find(long key) {
      long[] k = keys;
      int[] m = meta;
      int mask = k.length - 1;
      int s = hash(key) & mask;
      while (m[3 * s] == gen && k[s] != key) {
        s = (s + 1) & mask;
      }
      return s;
    }

    private int insert(long key, int s) {
      if ((size + 1) * 2 > keys.length) {
        grow();
        s = find(key);
      }
      keys[s] = key;
      meta[3 * s] = gen;
      meta[3 * s + 1] = 0;
      meta[3 * s + 2] = 0;
      size++;
      return s;
    }

    private void grow() {
      long[] oldKeys = keys;
      int[] oldMeta = meta;
      keys = new long[oldKeys.length * 2];
      meta = new int[3 * keys.length];
      for (int i = 0; i < oldKeys.length; i++) {
        if (oldMeta[3 * i] == gen) {
          int s = find(oldKeys[i]);
          keys[s] = oldKeys[i];
          System.arraycopy(oldMeta, 3 * i, meta, 3 * s, 3);
        }
      }
    }

    private static int hash(long key) {
      long h = key * 0x9E3779B97F4A7C15L;
      return (int) (h ^ (h >>> 32));
    }
  }
}
