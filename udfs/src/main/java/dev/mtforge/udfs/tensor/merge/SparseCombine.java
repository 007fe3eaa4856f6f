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
      if (!electSign) {
        sum(inputs[i], kept[i], keptCount[i], weights[i], sum, signs);
      } else if (total) {
        voteTotal(inputs[i], kept[i], keptCount[i], weightedVote ? weights[i] : 1f, ballot, signs);
      } else {
        voteFrequency(inputs[i], kept[i], keptCount[i], weightedVote ? weights[i] : 1f, ballot, signs);
      }
    }
    if (electSign) {
      int tiePositive = tie == SignTie.POSITIVE ? 1 : 0;
      boolean byCount = divideBy == DivideBy.COUNT;
      for (int i = 0; i < n; i++) {
        float w = weights[i];
        disjointSums(inputs[i], kept[i], keptCount[i], w, byCount ? 1f : w, tiePositive, ballot, sum, divisor);
      }
    }
    long counts = finish(length, electSign, lambda, sum, divisor, signs, out);
    stats.active += counts >>> 32;
    stats.conflicts += counts & 0xffffffffL;
  }

  // one small method per loop: C2 compiles each far better than one method holding them all

  /** 1 for a value > 0, 2 for < 0, 0 for 0 (finite values). */
  private static int sign(int bits) {
    int abs = bits & 0x7fffffff;
    return ((abs | -abs) >>> 31) << (bits >>> 31);
  }

  private static void sum(float[] x, int[] at, int count, float w, float[] sum, byte[] signs) {
    for (int j = 0; j < count; j++) {
      int p = at[j];
      float v = x[p];
      signs[p] |= (byte) sign(Float.floatToRawIntBits(v));
      sum[p] += v * w;
    }
  }

  /** The vote by mass: w is the input's weight for a weighted vote, else 1 (v * 1 is v). */
  private static void voteTotal(float[] x, int[] at, int count, float w, float[] ballot, byte[] signs) {
    for (int j = 0; j < count; j++) {
      int p = at[j];
      float v = x[p];
      signs[p] |= (byte) sign(Float.floatToRawIntBits(v));
      ballot[p] += v * w;
    }
  }

  private static void voteFrequency(float[] x, int[] at, int count, float w, float[] ballot, byte[] signs) {
    for (int j = 0; j < count; j++) {
      int p = at[j];
      float v = x[p];
      signs[p] |= (byte) sign(Float.floatToRawIntBits(v));
      ballot[p] += Math.signum(v * w);
    }
  }

  /** Adds the input's values that have the elected sign, and their shares of the divisor. */
  private static void disjointSums(float[] x, int[] at, int count, float w, float share, int tiePositive,
      float[] ballot, float[] sum, float[] divisor) {
    int shareBits = Float.floatToRawIntBits(share);
    for (int j = 0; j < count; j++) {
      int p = at[j];
      float v = x[p];
      int bits = Float.floatToRawIntBits(v);
      int abs = bits & 0x7fffffff;
      int nonZero = (abs | -abs) >>> 31;
      // the elected sign: + where the vote is > 0, - where < 0, the tie rule where 0 (a vote
      // that starts at +0 is never -0; finite values give no NaN vote)
      int vote = Float.floatToRawIntBits(ballot[p]);
      int voteAbs = vote & 0x7fffffff;
      int voteNonZero = (voteAbs | -voteAbs) >>> 31;
      int electedPositive = (voteNonZero & ~(vote >>> 31)) | ((voteNonZero ^ 1) & tiePositive);
      int mask = -(nonZero & ~((bits >>> 31) ^ (electedPositive ^ 1)) & 1);
      sum[p] += Float.intBitsToFloat(Float.floatToRawIntBits(v * w) & mask);
      divisor[p] += Float.intBitsToFloat(shareBits & mask);
    }
  }

  /** Writes the results; returns (active positions << 32) | positions with a sign conflict. */
  private static long finish(int length, boolean electSign, float lambda, float[] sum, float[] divisor,
      byte[] signs, float[] out) {
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
    return (active << 32) | conflicts;
  }
}
