package dev.mtforge.udfs.metrics;

import java.util.Arrays;

/**
 * BLEU's clipped n-gram matches for one segment, counted in a single open-addressing table of
 * packed n-gram keys (up to 4 per-segment token ids of 16 bits each, plus one so that orders never
 * collide). References are added first, keeping each n-gram's maximum count over them; then each
 * hypothesis n-gram occurrence counts as correct while its running count is within that maximum,
 * which is exactly {@code min(hyp_count, max_ref_count)} summed per order. No sorting and no
 * per-segment allocation beyond growth; cleared in O(1) between segments by a generation stamp.
 * Not thread-safe: one per thread.
 */
final class ClippedNgramMatches {
  /** Longest n-gram a packed key holds. */
  static final int MAX_ORDER = 4;
  /** Most distinct tokens a segment may have for its ids to fit in 16 bits. */
  static final int MAX_VOCAB = 65534;

  private long[] keys = new long[1024];
  private int[] gens = new int[1024];
  private int[] refMax = new int[1024];
  private int[] refCount = new int[1024];
  private int[] refSeen = new int[1024];
  private int[] hypCount = new int[1024];
  private int gen = 1;
  private int size;

  /** Forgets all n-grams. */
  void clear() {
    gen++;
    if (gen == Integer.MAX_VALUE) {
      Arrays.fill(gens, 0);
      gen = 1;
    }
    size = 0;
  }

  /** Adds reference number {@code ref} (0, 1, ... in turn after {@link #clear()}). */
  void addReference(int[] ids, int ref, int maxOrder) {
    int stamp = ref + 1;
    for (int i = 0; i < ids.length; i++) {
      long key = 0;
      for (int k = 0; k < maxOrder && i + k < ids.length; k++) {
        key = (key << 16) | (ids[i + k] + 1L);
        int slot = slot(key);
        if (refSeen[slot] != stamp) {
          refSeen[slot] = stamp;
          refCount[slot] = 0;
        }
        int c = ++refCount[slot];
        if (c > refMax[slot]) {
          refMax[slot] = c;
        }
      }
    }
  }

  /** Adds the hypothesis' correct and total n-gram counts to BLEU statistics (from index 2). */
  void countHypothesis(int[] ids, int maxOrder, long[] stats) {
    for (int i = 0; i < ids.length; i++) {
      long key = 0;
      for (int k = 0; k < maxOrder && i + k < ids.length; k++) {
        key = (key << 16) | (ids[i + k] + 1L);
        int slot = slot(key);
        if (++hypCount[slot] <= refMax[slot]) {
          stats[2 + k]++;
        }
        stats[2 + maxOrder + k]++;
      }
    }
  }

  /** The slot of {@code key}, inserted with zero counts if absent. */
  private int slot(long key) {
    int mask = keys.length - 1;
    int s = hash(key) & mask;
    while (gens[s] == gen) {
      if (keys[s] == key) {
        return s;
      }
      s = (s + 1) & mask;
    }
    if ((size + 1) * 2 > keys.length) {
      grow();
      return slot(key);
    }
    gens[s] = gen;
    keys[s] = key;
    refMax[s] = 0;
    refCount[s] = 0;
    refSeen[s] = 0;
    hypCount[s] = 0;
    size++;
    return s;
  }

  private static int hash(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }

  /** Doubles the table, keeping the current n-grams and their counts. */
  private void grow() {
    long[] oldKeys = keys;
    int[] oldGens = gens;
    int[] oldMax = refMax;
    int[] oldCount = refCount;
    int[] oldSeen = refSeen;
    int[] oldHyp = hypCount;
    int n = keys.length * 2;
    keys = new long[n];
    gens = new int[n];
    refMax = new int[n];
    refCount = new int[n];
    refSeen = new int[n];
    hypCount = new int[n];
    int mask = n - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldGens[i] != gen) {
        continue;
      }
      int s = hash(oldKeys[i]) & mask;
      while (gens[s] == gen) {
        s = (s + 1) & mask;
      }
      gens[s] = gen;
      keys[s] = oldKeys[i];
      refMax[s] = oldMax[i];
      refCount[s] = oldCount[i];
      refSeen[s] = oldSeen[i];
      hypCount[s] = oldHyp[i];
    }
  }
}
