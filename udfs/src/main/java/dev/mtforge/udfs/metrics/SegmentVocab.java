package dev.mtforge.udfs.metrics;

import dev.mtforge.udfs.tokenize.Tokens;
import java.util.Arrays;

/**
 * Dense ids for the distinct tokens of one segment (hypothesis and references), for
 * {@link ClippedNgramMatches}. An open-addressing table over the tokens' characters, cleared in O(1)
 * between segments by bumping a generation stamp, so the hot path builds no strings and no
 * {@code HashMap} entries. Not thread-safe: one per thread.
 */
final class SegmentVocab {
  private int[] slotId = new int[256];
  private int[] slotGen = new int[256];
  private int gen = 1;
  private char[] pool = new char[1024];
  private int poolLength;
  private int[] starts = new int[128];
  private int[] ends = new int[128];
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

  /** The ids of all of {@code tokens}, assigning new ones in order of first appearance. */
  int[] ids(Tokens tokens) {
    int[] ids = new int[tokens.size()];
    char[] chars = tokens.chars();
    for (int i = 0; i < ids.length; i++) {
      ids[i] = id(chars, tokens.start(i), tokens.end(i));
    }
    return ids;
  }

  private int id(char[] chars, int from, int to) {
    int h = 0;
    for (int i = from; i < to; i++) {
      h = 31 * h + chars[i];
    }
    h ^= h >>> 16;
    int mask = slotId.length - 1;
    int slot = h & mask;
    while (slotGen[slot] == gen) {
      int id = slotId[slot];
      if (Arrays.equals(pool, starts[id], ends[id], chars, from, to)) {
        return id;
      }
      slot = (slot + 1) & mask;
    }
    int id = size++;
    add(id, chars, from, to);
    slotGen[slot] = gen;
    slotId[slot] = id;
    if (size * 2 > slotId.length) {
      grow();
    }
    return id;
  }

  private void add(int id, char[] chars, int from, int to) {
    int len = to - from;
    if (poolLength + len > pool.length) {
      pool = Arrays.copyOf(pool, Math.max(pool.length * 2, poolLength + len));
    }
    System.arraycopy(chars, from, pool, poolLength, len);
    if (id == starts.length) {
      starts = Arrays.copyOf(starts, id * 2);
      ends = Arrays.copyOf(ends, id * 2);
    }
    starts[id] = poolLength;
    poolLength += len;
    ends[id] = poolLength;
  }

  /** Doubles the table and re-inserts the current ids. */
  private void grow() {
    int[] newId = new int[slotId.length * 2];
    int[] newGen = new int[slotId.length * 2];
    int mask = newId.length - 1;
    for (int id = 0; id < size; id++) {
      int h = 0;
      for (int i = starts[id]; i < ends[id]; i++) {
        h = 31 * h + pool[i];
      }
      h ^= h >>> 16;
      int slot = h & mask;
      while (newGen[slot] == gen) {
        slot = (slot + 1) & mask;
      }
      newGen[slot] = gen;
      newId[slot] = id;
    }
    slotId = newId;
    slotGen = newGen;
  }
}
