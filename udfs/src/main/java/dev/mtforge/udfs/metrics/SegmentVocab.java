package dev.mtforge.udfs.metrics;

import dev.mtforge.udfs.tokenize.Tokens;
import java.util.Arrays;

/**
 * Dense ids for the distinct tokens of one segment (hypothesis and references), for
 * {@link ClippedNgramMatches}. An open-addressing table keyed by the tokens' hashes (which
 * {@link Tokens} computes while tokenizing) and characters, cleared in O(1) between segments by
 * bumping a generation stamp, so the hot path builds no strings and no {@code HashMap} entries.
 * Not thread-safe: one per thread.
 */
final class SegmentVocab {
  private int[] slotId = new int[256];
  private int[] slotGen = new int[256];
  private int[] slotHash = new int[256];
  private int gen = 1;
  private char[] pool = new char[1024];
  private int poolLength;
  private int[] starts = new int[128];
  private int[] ends = new int[128];
  private int[] hashes = new int[128];
  private int size;

  /** Forgets every token; ids start again at 0. */
  void clear() {
    gen++;
    if (gen == Integer.MAX_VALUE) {
      Arrays.fill(slotGen, 0);
      gen = 1;
    }
    size = 0;
    poolLength = 0;
  }

  /** The number of distinct tokens seen since {@link #clear()}. */
  int size() {
    return size;
  }

  /**
   * The ids of all of {@code tokens}, assigning new ones in order of first appearance, written to
   * {@code into} if it is long enough (else to a new array, which is returned).
   */
  int[] ids(Tokens tokens, int[] into) {
    int n = tokens.size();
    int[] ids = into.length >= n ? into : new int[Math.max(n, 2 * into.length)];
    char[] chars = tokens.chars();
    int from = 0;
    for (int i = 0; i < n; i++) {
      int to = tokens.end(i);
      ids[i] = id(chars, from, to, tokens.hash(i));
      from = to;
    }
    return ids;
  }

  /**
   * The ids of {@code tokens} that are already known, -1 for the others, written to {@code into}
   * if it is long enough (else to a new array, which is returned). Adds nothing.
   */
  int[] known(Tokens tokens, int[] into) {
    int n = tokens.size();
    int[] ids = into.length >= n ? into : new int[Math.max(n, 2 * into.length)];
    char[] chars = tokens.chars();
    int mask = slotId.length - 1;
    int from = 0;
    for (int i = 0; i < n; i++) {
      int to = tokens.end(i);
      int hash = tokens.hash(i);
      int slot = (hash ^ (hash >>> 16)) & mask;
      int id = -1;
      while (slotGen[slot] == gen) {
        if (slotHash[slot] == hash) {
          int candidate = slotId[slot];
          if (sameChars(chars, from, to, starts[candidate], ends[candidate])) {
            id = candidate;
            break;
          }
        }
        slot = (slot + 1) & mask;
      }
      ids[i] = id;
      from = to;
    }
    return ids;
  }

  private int id(char[] chars, int from, int to, int hash) {
    int mask = slotId.length - 1;
    int slot = (hash ^ (hash >>> 16)) & mask;
    while (slotGen[slot] == gen) {
      if (slotHash[slot] == hash) {
        int id = slotId[slot];
        if (sameChars(chars, from, to, starts[id], ends[id])) {
          return id;
        }
      }
      slot = (slot + 1) & mask;
    }
    int id = size++;
    add(id, chars, from, to, hash);
    slotGen[slot] = gen;
    slotId[slot] = id;
    slotHash[slot] = hash;
    if (size * 2 > slotId.length) {
      grow();
    }
    return id;
  }

  private boolean sameChars(char[] chars, int from, int to, int start, int end) {
    if (to - from != end - start) {
      return false;
    }
    char[] p = pool;
    for (int i = from, j = start; i < to; i++, j++) {
      if (chars[i] != p[j]) {
        return false;
      }
    }
    return true;
  }

  private void add(int id, char[] chars, int from, int to, int hash) {
    int len = to - from;
    if (poolLength + len > pool.length) {
      pool = Arrays.copyOf(pool, Math.max(pool.length * 2, poolLength + len));
    }
    System.arraycopy(chars, from, pool, poolLength, len);
    if (id == starts.length) {
      starts = Arrays.copyOf(starts, id * 2);
      ends = Arrays.copyOf(ends, id * 2);
      hashes = Arrays.copyOf(hashes, id * 2);
    }
    starts[id] = poolLength;
    poolLength += len;
    ends[id] = poolLength;
    hashes[id] = hash;
  }

  /** Doubles the table and re-inserts the current ids. */
  private void grow() {
    int[] newId = new int[slotId.length * 2];
    int[] newGen = new int[slotId.length * 2];
    int[] newHash = new int[slotId.length * 2];
    int mask = newId.length - 1;
    for (int id = 0; id < size; id++) {
      int h = hashes[id];
      int slot = (h ^ (h >>> 16)) & mask;
      while (newGen[slot] == gen) {
        slot = (slot + 1) & mask;
      }
      newGen[slot] = gen;
      newId[slot] = id;
      newHash[slot] = h;
    }
    slotId = newId;
    slotGen = newGen;
    slotHash = newHash;
  }
}
