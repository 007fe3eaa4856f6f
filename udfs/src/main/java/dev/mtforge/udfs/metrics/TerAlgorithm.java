package dev.mtforge.udfs.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The edit counting of sacreBLEU's TER ({@code metrics/lib_ter.py}): greedy block shifts chosen
 * by tercom's ranking, then a beam-limited Levenshtein distance. The limits, tie-breaking and
 * beam are sacreBLEU's, so the counts match it also where they differ from tercom's.
 */
final class TerAlgorithm {
  private static final int MAX_SHIFT_SIZE = 10;
  private static final int MAX_SHIFT_DIST = 50;
  private static final int BEAM_WIDTH = 25;
  private static final int MAX_CACHE_SIZE = 10000;
  private static final int MAX_SHIFT_CANDIDATES = 1000;
  private static final long INFINITY = 10_000_000_000_000_000L;

  private static final byte OP_NOP = ' ';
  private static final byte OP_SUB = 's';
  private static final byte OP_INS = 'i';
  private static final byte OP_DEL = 'd';
  private static final byte OP_UNDEF = 'x';

  private TerAlgorithm() {}

  /** {@code [number of edits, reference length]}. */
  static long[] editRate(String[] hyp, String[] ref) {
    if (ref.length == 0) {
      return new long[] {hyp.length, 0};
    }
    BeamEditDistance ed = new BeamEditDistance(ref);
    int shifts = 0;
    String[] input = hyp;
    int[] checked = {0};
    while (true) {
      Object[] result = shift(input, ref, ed, checked);
      long delta = (Long) result[0];
      if (checked[0] >= MAX_SHIFT_CANDIDATES || delta <= 0) {
        break;
      }
      shifts++;
      input = (String[]) result[1];
    }
    long distance = ed.distance(input).cost;
    return new long[] {shifts + distance, ref.length};
  }

  /** Returns {best score delta, shifted words}; updates the candidate counter. */
  private static Object[] shift(String[] h, String[] r, BeamEditDistance ed, int[] checked) {
    Result pre = ed.distance(h);
    // flip: we pretend to rewrite the reference into the hypothesis
    byte[] trace = pre.trace.clone();
    for (int i = 0; i < trace.length; i++) {
      if (trace[i] == OP_INS) {
        trace[i] = OP_DEL;
      } else if (trace[i] == OP_DEL) {
        trace[i] = OP_INS;
      }
    }
    Map<Integer, Integer> align = new HashMap<>();
    List<Integer> refErr = new ArrayList<>();
    List<Integer> hypErr = new ArrayList<>();
    int posHyp = -1;
    int posRef = -1;
    for (byte op : trace) {
      switch (op) {
        case OP_NOP -> {
          posHyp++;
          posRef++;
          align.put(posRef, posHyp);
          hypErr.add(0);
          refErr.add(0);
        }
        case OP_SUB -> {
          posHyp++;
          posRef++;
          align.put(posRef, posHyp);
          hypErr.add(1);
          refErr.add(1);
        }
        case OP_INS -> {
          posHyp++;
          hypErr.add(1);
        }
        case OP_DEL -> {
          posRef++;
          align.put(posRef, posHyp);
          refErr.add(1);
        }
        default -> throw new IllegalStateException("unknown TER operation " + (char) op);
      }
    }
    long bestScore = 0;
    int bestLength = 0;
    int bestStart = 0;
    int bestIdx = 0;
    String[] bestWords = null;
    outer:
    for (int startH = 0; startH < h.length; startH++) {
      for (int startR = 0; startR < r.length; startR++) {
        if (Math.abs(startR - startH) > MAX_SHIFT_DIST) {
          continue;
        }
        int length = 0;
        while (h[startH + length].equals(r[startR + length]) && length < MAX_SHIFT_SIZE) {
          length++;
          // one candidate (startH, startR, length)
          if (sum(hypErr, startH, length) != 0
              && sum(refErr, startR, length) != 0
              && !(startH <= align.get(startR) && align.get(startR) < startH + length)) {
            int prevIdx = -1;
            for (int offset = -1; offset < length; offset++) {
              int idx;
              if (startR + offset == -1) {
                idx = 0;
              } else if (align.containsKey(startR + offset)) {
                idx = align.get(startR + offset) + 1;
              } else {
                break;
              }
              if (idx == prevIdx) {
                continue;
              }
              prevIdx = idx;
              String[] shifted = performShift(h, startH, length, idx);
              long score = pre.cost - ed.distance(shifted).cost;
              checked[0]++;
              // tercom's ranking: best gain, then longest, then earliest start, then earliest target
              if (bestWords == null
                  || compare(score, length, -startH, -idx, bestScore, bestLength, -bestStart, -bestIdx) > 0) {
                bestScore = score;
                bestLength = length;
                bestStart = startH;
                bestIdx = idx;
                bestWords = shifted;
              }
            }
          }
          if (checked[0] >= MAX_SHIFT_CANDIDATES) {
            break outer;
          }
          if (h.length == startH + length || r.length == startR + length) {
            break;
          }
        }
      }
    }
    if (bestWords == null) {
      return new Object[] {0L, h};
    }
    return new Object[] {bestScore, bestWords};
  }

  private static int compare(long a0, int a1, int a2, int a3, long b0, int b1, int b2, int b3) {
    int c = Long.compare(a0, b0);
    if (c == 0) {
      c = Integer.compare(a1, b1);
    }
    if (c == 0) {
      c = Integer.compare(a2, b2);
    }
    if (c == 0) {
      c = Integer.compare(a3, b3);
    }
    return c;
  }

  private static int sum(List<Integer> errs, int start, int length) {
    int s = 0;
    for (int i = start; i < Math.min(errs.size(), start + length); i++) {
      s += errs.get(i);
    }
    return s;
  }

  static String[] performShift(String[] words, int start, int length, int target) {
    List<String> out = new ArrayList<>(words.length);
    if (target < start) {
      addRange(out, words, 0, target);
      addRange(out, words, start, start + length);
      addRange(out, words, target, start);
      addRange(out, words, start + length, words.length);
    } else if (target > start + length) {
      addRange(out, words, 0, start);
      addRange(out, words, start + length, target);
      addRange(out, words, start, start + length);
      addRange(out, words, target, words.length);
    } else {
      addRange(out, words, 0, start);
      addRange(out, words, start + length, length + target);
      addRange(out, words, start, start + length);
      addRange(out, words, length + target, words.length);
    }
    return out.toArray(new String[0]);
  }

  /** Python slice semantics: bounds are clamped to [0, len]. */
  private static void addRange(List<String> out, String[] words, int from, int to) {
    int f = Math.max(0, Math.min(from, words.length));
    int t = Math.max(0, Math.min(to, words.length));
    for (int i = f; i < t; i++) {
      out.add(words[i]);
    }
  }

  private record Result(long cost, byte[] trace) {}

  /** Levenshtein distance to a fixed reference, beam-limited, with a prefix cache of rows. */
  private static final class BeamEditDistance {
    private final String[] ref;
    private final long[] initialCost;
    private final byte[] initialOps;
    private final Node cache = new Node();
    private int cacheSize;

    BeamEditDistance(String[] ref) {
      this.ref = ref;
      this.initialCost = new long[ref.length + 1];
      this.initialOps = new byte[ref.length + 1];
      for (int i = 0; i <= ref.length; i++) {
        initialCost[i] = i;
        initialOps[i] = OP_INS;
      }
    }

    Result distance(String[] hyp) {
      // rows already known for the longest cached prefix of hyp
      List<long[]> costs = new ArrayList<>(hyp.length + 1);
      List<byte[]> ops = new ArrayList<>(hyp.length + 1);
      costs.add(initialCost);
      ops.add(initialOps);
      Node node = cache;
      int start = 0;
      for (String word : hyp) {
        Node next = node.children.get(word);
        if (next == null) {
          break;
        }
        start++;
        node = next;
        costs.add(next.cost);
        ops.add(next.ops);
      }
      int nRef = ref.length;
      int nHyp = hyp.length;
      for (int i = start; i < nHyp; i++) {
        long[] c = new long[nRef + 1];
        byte[] o = new byte[nRef + 1];
        Arrays.fill(c, INFINITY);
        Arrays.fill(o, OP_UNDEF);
        costs.add(c);
        ops.add(o);
      }
      double lengthRatio = nHyp > 0 ? (double) nRef / nHyp : 1;
      int beamWidth =
          BEAM_WIDTH < lengthRatio / 2 ? (int) Math.ceil(lengthRatio / 2 + BEAM_WIDTH) : BEAM_WIDTH;
      for (int i = start + 1; i <= nHyp; i++) {
        int pseudoDiag = (int) Math.floor(i * lengthRatio);
        int minJ = Math.max(0, pseudoDiag - beamWidth);
        int maxJ = Math.min(nRef + 1, pseudoDiag + beamWidth);
        if (i == nHyp) {
          maxJ = nRef + 1;
        }
        long[] prevC = costs.get(i - 1);
        long[] c = costs.get(i);
        byte[] o = ops.get(i);
        for (int j = minJ; j < maxJ; j++) {
          if (j == 0) {
            c[j] = prevC[j] + 1;
            o[j] = OP_DEL;
          } else {
            boolean same = hyp[i - 1].equals(ref[j - 1]);
            long sub = prevC[j - 1] + (same ? 0 : 1);
            // preference order: no-op/substitution, deletion, insertion (strict improvements)
            if (c[j] > sub) {
              c[j] = sub;
              o[j] = same ? OP_NOP : OP_SUB;
            }
            long del = prevC[j] + 1;
            if (c[j] > del) {
              c[j] = del;
              o[j] = OP_DEL;
            }
            long ins = c[j - 1] + 1;
            if (c[j] > ins) {
              c[j] = ins;
              o[j] = OP_INS;
            }
          }
        }
      }
      // trace back
      byte[] traceRev = new byte[nHyp + nRef];
      int t = 0;
      int i = nHyp;
      int j = nRef;
      while (i > 0 || j > 0) {
        byte op = ops.get(i)[j];
        traceRev[t++] = op;
        if (op == OP_SUB || op == OP_NOP) {
          i--;
          j--;
        } else if (op == OP_INS) {
          j--;
        } else if (op == OP_DEL) {
          i--;
        } else {
          throw new IllegalStateException("unknown TER operation " + (char) op);
        }
      }
      byte[] trace = new byte[t];
      for (int k = 0; k < t; k++) {
        trace[k] = traceRev[t - 1 - k];
      }
      addToCache(hyp, costs, ops, start);
      return new Result(costs.get(nHyp)[nRef], trace);
    }

    private void addToCache(String[] hyp, List<long[]> costs, List<byte[]> ops, int start) {
      if (cacheSize >= MAX_CACHE_SIZE) {
        return;
      }
      Node node = cache;
      for (int i = 0; i < start; i++) {
        node = node.children.get(hyp[i]);
      }
      for (int i = start; i < hyp.length; i++) {
        Node next = node.children.get(hyp[i]);
        if (next == null) {
          next = new Node(costs.get(i + 1), ops.get(i + 1));
          node.children.put(hyp[i], next);
          cacheSize++;
        }
        node = next;
      }
    }
  }

  private static final class Node {
    final Map<String, Node> children = new HashMap<>();
    final long[] cost;
    final byte[] ops;

    Node() {
      this(null, null);
    }

    Node(long[] cost, byte[] ops) {
      this.cost = cost;
      this.ops = ops;
    }
  }
}
