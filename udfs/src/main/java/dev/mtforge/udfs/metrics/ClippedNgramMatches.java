package dev.mtforge.udfs.metrics;

/**
 * BLEU's clipped n-gram matches for one segment: unigrams by token id, longer n-grams in a single
 * open-addressing table of packed keys (up to 4 per-segment token ids of 16 bits each, plus one so that orders never
 * collide). References are added first, keeping each n-gram's maximum count over them; then each
 * hypothesis n-gram occurrence counts as correct while its running count is within that maximum,
 * which is exactly {@code min(hyp_count, max_ref_count)} summed per order. A hypothesis n-gram
 * no reference has is never inserted, and neither are its extensions (every prefix of a
 * reference n-gram is one too), so the hypothesis only probes. No sorting and no per-segment
 * allocation beyond growth; cleared in O(1) between segments by a generation stamp. Each slot's
 * counters sit side by side ({@code meta}), and the probes are written out in the loops, which
 * keeps the code fast also where only the C1 compiler runs (a one-shot {@code mtforge score}).
 * Not thread-safe: one per thread.
 */
final class ClippedNgramMatches {
  /** Longest n-gram a packed key holds. */
  static final int MAX_ORDER = 4;
  /** Most distinct tokens a segment may have for its ids to fit in 16 bits. */
  static final int MAX_VOCAB = 65534;

  // meta[4 * slot + ...]: generation stamp, max count over references, running hypothesis count,
  // running count in the reference being added
  private static final int GEN = 0;
  private static final int REF_MAX = 1;
  private static final int HYP = 2;
  private static final int REF_COUNT = 3;

  private long[] keys = new long[1024];
  private int[] meta = new int[4 * 1024];
  /** The reference (1-based) whose count {@code REF_COUNT} holds; second and later references only. */
  private int[] refSeen = new int[1024];
  /** Unigram counters by token id, laid out as {@code meta}. */
  private int[] uni = new int[4 * 256];
  private int[] uniSeen = new int[256];
  private int gen = 1;
  private int size;

  /** Forgets all n-grams. */
  void clear() {
    gen++;
    if (gen == Integer.MAX_VALUE) {
      for (int s = 0; s < keys.length; s++) {
        meta[4 * s + GEN] = 0;
      }
      for (int id = 0; id < uniSeen.length; id++) {
        uni[4 * id + GEN] = 0;
      }
      gen = 1;
    }
    size = 0;
  }

  /** Adds reference number {@code ref} (0, 1, ... in turn after {@link #clear()}): ids[0, length). */
  void addReference(int[] ids, int length, int ref, int maxOrder) {
    int stamp = ref + 1;
    long[] k = keys;
    int[] m = meta;
    int mask = k.length - 1;
    int g = gen;
    for (int i = 0; i < length; i++) {
      // unigrams: counted by token id, no hashing
      int id = ids[i];
      if (4 * id >= uni.length) {
        growUnigrams(id);
      }
      int[] u = uni;
      int at = 4 * id;
      if (u[at + GEN] != g) {
        u[at + GEN] = g;
        u[at + REF_MAX] = 0;
        u[at + HYP] = 0;
        u[at + REF_COUNT] = 0;
        uniSeen[id] = 0;
      }
      if (ref == 0) {
        u[at + REF_MAX]++; // the first reference's count is the maximum so far
      } else {
        if (uniSeen[id] != stamp) {
          uniSeen[id] = stamp;
          u[at + REF_COUNT] = 0;
        }
        int c = ++u[at + REF_COUNT];
        if (c > u[at + REF_MAX]) {
          u[at + REF_MAX] = c;
        }
      }
      long key = id + 1L;
      int last = Math.min(maxOrder, length - i);
      for (int o = 1; o < last; o++) {
        key = (key << 16) | (ids[i + o] + 1L);
        int s = hash(key) & mask;
        while (true) {
          if (m[4 * s + GEN] != g) {
            s = insert(key, s);
            k = keys;
            m = meta;
            mask = k.length - 1;
            break;
          }
          if (k[s] == key) {
            break;
          }
          s = (s + 1) & mask;
        }
        at = 4 * s;
        if (ref == 0) {
          m[at + REF_MAX]++;
        } else {
          if (refSeen[s] != stamp) {
            refSeen[s] = stamp;
            m[at + REF_COUNT] = 0;
          }
          int c = ++m[at + REF_COUNT];
          if (c > m[at + REF_MAX]) {
            m[at + REF_MAX] = c;
          }
        }
      }
    }
  }

  /**
   * Adds the hypothesis' (ids[0, length); -1 for a token no reference has) correct and total
   * n-gram counts to BLEU statistics (from index 2).
   */
  void countHypothesis(int[] ids, int length, int maxOrder, long[] stats) {
    long[] k = keys;
    int[] m = meta;
    int[] u = uni;
    int mask = k.length - 1;
    int g = gen;
    for (int i = 0; i < length; i++) {
      int id = ids[i];
      int at = 4 * id;
      if (id < 0 || at >= u.length || u[at + GEN] != g) {
        continue; // no reference has this token (id -1: not even an id), nor an n-gram starting with it
      }
      if (++u[at + HYP] <= u[at + REF_MAX]) {
        stats[2]++;
      }
      long key = id + 1L;
      int last = Math.min(maxOrder, length - i);
      for (int o = 1; o < last; o++) {
        key = (key << 16) | (ids[i + o] + 1L);
        int s = hash(key) & mask;
        while (m[4 * s + GEN] == g && k[s] != key) {
          s = (s + 1) & mask;
        }
        if (m[4 * s + GEN] != g) {
          break; // no reference has this n-gram, nor any n-gram that extends it
        }
        if (++m[4 * s + HYP] <= m[4 * s + REF_MAX]) {
          stats[2 + o]++;
        }
      }
    }
    for (int o = 0; o < maxOrder; o++) {
      stats[2 + maxOrder + o] += Math.max(0, length - o);
    }
  }

  /** Makes room for unigram counters up to token id {@code id}. */
  private void growUnigrams(int id) {
    int n = Math.max(2 * uniSeen.length, id + 1);
    uni = java.util.Arrays.copyOf(uni, 4 * n);
    uniSeen = java.util.Arrays.copyOf(uniSeen, n);
  }

  /** Puts {@code key} at the free slot {@code s} (or, when the table must grow, where it lands); returns its slot. */
  private int insert(long key, int s) {
    if ((size + 1) * 2 > keys.length) {
      grow();
      int mask = keys.length - 1;
      s = hash(key) & mask;
      while (meta[4 * s + GEN] == gen) {
        s = (s + 1) & mask;
      }
    }
    keys[s] = key;
    int at = 4 * s;
    meta[at + GEN] = gen;
    meta[at + REF_MAX] = 0;
    meta[at + HYP] = 0;
    meta[at + REF_COUNT] = 0;
    refSeen[s] = 0;
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
    int[] oldMeta = meta;
    int[] oldSeen = refSeen;
    int n = keys.length * 2;
    keys = new long[n];
    meta = new int[4 * n];
    refSeen = new int[n];
    int mask = n - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldMeta[4 * i + GEN] != gen) {
        continue;
      }
      int s = hash(oldKeys[i]) & mask;
      while (meta[4 * s + GEN] == gen) {
        s = (s + 1) & mask;
      }
      keys[s] = oldKeys[i];
      System.arraycopy(oldMeta, 4 * i, meta, 4 * s, 4);
      refSeen[s] = oldSeen[i];
    }
  }
}
