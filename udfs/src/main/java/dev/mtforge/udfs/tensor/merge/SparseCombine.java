package dev.mtforge.udfs.tensor.merge;

import dev.mtforge.udfs.tensor.merge.MergeOptions.DivideBy;
import dev.mtforge.udfs.tensor.merge.MergeOptions.SignMethod;
import dev.mtforge.udfs.tensor.merge.MergeOptions.SignTie;
import dev.mtforge.udfs.tensor.merge.MergeOptions.SignVote;
import java.util.Arrays;

/**
 * {@link MergeKernel#combine} for inputs given as lists of the positions that survived pruning
 * (the rest count as 0): after a top-k cut at density 0.2 a fifth of the values, so the vote and
 * the disjoint sums touch a fifth of the memory. Per position, the float32 operations are those of
 * the dense loop in the same input order; a pruned value's term is skipped instead of added, which
 * changes nothing (a pruned 0 adds ±0 to a vote or sum that starts at +0 and so is never -0, and
 * it never matches the elected sign).
 */
final class SparseCombine {
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private SparseCombine() {}

  private static final class Scratch {
    float[] ballot = new float[0];
    float[] sum = new float[0];
    float[] divisor = new float[0];
    byte[] signs = new byte[0];

    void ensure(int length) {
      if (ballot.length < length) {
        ballot = new float[length];
        sum = new float[length];
        divisor = new float[length];
        signs = new byte[length];
      }
    }
  }

  /**
   * Combines {@code inputs[i][kept[i][0, keptCount[i])]} over positions {@code [0, length)} into
   * {@code out[0, length)}; the arrays' other values are ignored (pruned). The kept values must be
   * finite (the dense kernel has the rules for infinities and NaN), which lets every per-value
   * decision be a bit operation instead of a branch on a coin flip.
   */
  static void combine(
      float[][] inputs, int[][] kept, int[] keptCount, int length, float[] weights, boolean electSign,
      SignVote vote, SignMethod method, DivideBy divideBy, SignTie tie, float lambda, float[] out,
      MergeKernel.Stats stats) {
    int n = inputs.length;
    Scratch scratch = SCRATCH.get();
    scratch.ensure(length);
    float[] ballot = scratch.ballot;
    float[] sum = scratch.sum;
    float[] divisor = scratch.divisor;
    byte[] signs = scratch.signs;
    Arrays.fill(ballot, 0, length, 0f);
    Arrays.fill(sum, 0, length, 0f);
    Arrays.fill(divisor, 0, length, 0f);
    Arrays.fill(signs, 0, length, (byte) 0);
    boolean weightedVote = vote == SignVote.WEIGHTED;
    boolean total = method == SignMethod.TOTAL;
    for (int i = 0; i < n; i++) {
      float[] x = inputs[i];
      int[] at = kept[i];
      float w = weights[i];
      for (int j = 0, m = keptCount[i]; j < m; j++) {
        int p = at[j];
        float v = x[p];
        int bits = Float.floatToRawIntBits(v);
        int abs = bits & 0x7fffffff;
        signs[p] |= (byte) (((abs | -abs) >>> 31) << (bits >>> 31)); // 1: a value > 0, 2: < 0
        if (!electSign) {
          sum[p] += v * w;
        } else if (total) {
          ballot[p] += weightedVote ? v * w : v;
        } else {
          ballot[p] += Math.signum(weightedVote ? v * w : v);
        }
      }
    }
    if (electSign) {
      int tiePositive = tie == SignTie.POSITIVE ? 1 : 0;
      boolean byCount = divideBy == DivideBy.COUNT;
      for (int i = 0; i < n; i++) {
        float[] x = inputs[i];
        int[] at = kept[i];
        float w = weights[i];
        int share = Float.floatToRawIntBits(byCount ? 1f : w);
        for (int j = 0, m = keptCount[i]; j < m; j++) {
          int p = at[j];
          float v = x[p];
          int bits = Float.floatToRawIntBits(v);
          int abs = bits & 0x7fffffff;
          int nonZero = (abs | -abs) >>> 31;
          // the elected sign: + where the vote is > 0, - where < 0, the tie rule where 0 (a vote
          // that starts at +0 is never -0; finite values give no NaN vote)
          int vote1 = Float.floatToRawIntBits(ballot[p]);
          int voteNonZero = ((vote1 & 0x7fffffff) | -(vote1 & 0x7fffffff)) >>> 31;
          int electedPositive = (voteNonZero & ~(vote1 >>> 31)) | ((voteNonZero ^ 1) & tiePositive);
          int matches = nonZero & ~((bits >>> 31) ^ (electedPositive ^ 1)) & 1;
          int mask = -matches;
          sum[p] += Float.intBitsToFloat(Float.floatToRawIntBits(v * w) & mask);
          divisor[p] += Float.intBitsToFloat(share & mask);
        }
      }
    }
    long active = 0;
    long conflicts = 0;
    for (int p = 0; p < length; p++) {
      int s = signs[p];
      active += (s | -s) >>> 31;
      conflicts += ((s ^ 3) - 1) >>> 31;
      float result = sum[p];
      if (electSign) {
        // PEFT clamps the count to >= 1; mergekit replaces a zero weight sum by 1. Where no value
        // was kept, sum and divisor are +0: 0 / 1 is the 0 the dense kernel writes.
        int d = Float.floatToRawIntBits(divisor[p]);
        result /= Float.intBitsToFloat(d | ((((d | -d) >>> 31) ^ 1) * 0x3f800000));
      }
      out[p] = lambda == 1f ? result : result * lambda;
    }
    stats.active += active;
    stats.conflicts += conflicts;
  }
}
