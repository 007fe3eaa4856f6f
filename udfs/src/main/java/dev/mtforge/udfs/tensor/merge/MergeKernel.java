package dev.mtforge.udfs.tensor.merge;

import dev.mtforge.udfs.tensor.merge.MergeOptions.DareRescale;
import dev.mtforge.udfs.tensor.merge.MergeOptions.DivideBy;
import dev.mtforge.udfs.tensor.merge.MergeOptions.SignMethod;
import dev.mtforge.udfs.tensor.merge.MergeOptions.SignTie;
import dev.mtforge.udfs.tensor.merge.MergeOptions.SignVote;
import java.nio.charset.StandardCharsets;

/**
 * The merge arithmetic as small pure functions over {@code float[]} blocks: pruning (magnitude
 * by threshold, DARE's seeded random drop), then the combine step (weighted sum, or TIES' sign
 * election and disjoint mean), then λ. Arithmetic is float32 in input order, as PyTorch does it,
 * so PEFT's numbers come out to the last bit or within an ulp.
 *
 * <p>A block is any contiguous range of a tensor's elements; {@code firstElement} is its offset in
 * the tensor, which is all DARE's random mask depends on (with seed, tensor name and input), so
 * row-block partitioning never changes a bit of the result.
 */
public final class MergeKernel {
  private MergeKernel() {}

  /**
   * Zeroes, in place, every value with {@code |x| < threshold}; returns how many stay non-zero.
   * A threshold of +∞ prunes everything.
   */
  public static long pruneMagnitude(float[] values, int offset, int length, float threshold) {
    long kept = 0;
    boolean all = threshold == Float.POSITIVE_INFINITY;
    for (int i = offset; i < offset + length; i++) {
      if (all || Math.abs(values[i]) < threshold) {
        values[i] = 0f;
      } else if (values[i] != 0f) {
        kept++;
      }
    }
    return kept;
  }

  /** The magnitude pruning threshold of one whole tensor (per-tensor top-k scope). */
  public static float tensorThreshold(float[] values, double density, MergeOptions.KeepCount rule) {
    return tensorSelection(values, density, rule).threshold();
  }

  /**
   * The per-tensor top-k cut. With {@code floor} (PEFT's and mergekit's {@code topk}) exactly k
   * values stay: magnitudes tied at the threshold are kept in index order until k is reached
   * (torch.topk leaves that order unspecified). With {@code kthvalue} (the TIES code's
   * {@code >= kthvalue}) every tie stays.
   */
  public static MagnitudeSelect.Selection tensorSelection(float[] values, double density, MergeOptions.KeepCount rule) {
    return tensorSelection(values, values.length, density, rule);
  }

  /** {@link #tensorSelection} of {@code values[0, length)}. */
  static MagnitudeSelect.Selection tensorSelection(
      float[] values, int length, double density, MergeOptions.KeepCount rule) {
    long k = MagnitudeSelect.keepRank(length, density, rule);
    if (density >= 1) {
      return new MagnitudeSelect.Selection(0f, Long.MAX_VALUE); // PEFT: density >= 1 prunes nothing
    }
    if (k == 0) {
      return new MagnitudeSelect.Selection(Float.POSITIVE_INFINITY, 0);
    }
    MagnitudeSelect.Selection selection = MagnitudeSelect.select(values, length, k);
    return rule == MergeOptions.KeepCount.FLOOR
        ? selection
        : new MagnitudeSelect.Selection(selection.threshold(), Long.MAX_VALUE);
  }

  /** Prunes in place to a top-k cut of this block; returns how many stay non-zero. */
  public static long pruneMagnitude(float[] values, int offset, int length, MagnitudeSelect.Selection cut) {
    if (cut.ties() == Long.MAX_VALUE) {
      return pruneMagnitude(values, offset, length, cut.threshold());
    }
    long kept = 0;
    long ties = 0;
    boolean all = cut.threshold() == Float.POSITIVE_INFINITY;
    for (int i = offset; i < offset + length; i++) {
      float magnitude = Math.abs(values[i]);
      boolean keep = !all && (magnitude > cut.threshold() || (magnitude == cut.threshold() && ties++ < cut.ties()));
      if (!keep) {
        values[i] = 0f;
      } else if (values[i] != 0f) {
        kept++;
      }
    }
    return kept;
  }

  /**
   * DARE: drops each value with probability {@code 1 - density} and rescales what stays, in place.
   * The draw of element {@code firstElement + j} of input {@code input} of tensor {@code tensor}
   * is a hash of (seed, tensor, input, element), not a stream, so it does not depend on blocks.
   */
  public static long pruneRandom(
      float[] values, int offset, int length, long firstElement, double density, DareRescale rescale,
      long seed, String tensor, int input) {
    long base = mix(seed ^ mix(fnv64(tensor) + 0x9E3779B97F4A7C15L * (input + 1)));
    long kept = 0;
    double l1Before = 0;
    double l1After = 0;
    for (int j = 0; j < length; j++) {
      int i = offset + j;
      float v = values[i];
      l1Before += Math.abs(v);
      double u = (mix(base + 0xD1B54A32D192ED03L * (firstElement + j)) >>> 40) * 0x1.0p-24;
      if (u >= density) {
        values[i] = 0f;
      } else {
        if (rescale == DareRescale.INVERSE_DENSITY) {
          values[i] = v / (float) density;
        }
        l1After += Math.abs(values[i]);
        if (v != 0f) {
          kept++;
        }
      }
    }
    if (rescale == DareRescale.L1 && l1After > 0) {
      float factor = (float) (l1Before / l1After);
      for (int i = offset; i < offset + length; i++) {
        values[i] *= factor;
      }
    }
    return kept;
  }

  /** Statistics of one combine call, summed over blocks by the caller. */
  public static final class Stats {
    /** Positions where some input is non-zero. */
    public long active;
    /** Active positions where non-zero inputs disagree in sign. */
    public long conflicts;
    /** Input values that survived pruning (non-zero). */
    public long kept;
    /** Input values seen (inputs × positions). */
    public long total;

    public void add(Stats other) {
      active += other.active;
      conflicts += other.conflicts;
      kept += other.kept;
      total += other.total;
    }

    /** Share of input values kept by pruning. */
    public double keptFraction() {
      return total == 0 ? 0 : (double) kept / total;
    }

    /** Share of active positions with a sign conflict. */
    public double signConflictRate() {
      return active == 0 ? 0 : (double) conflicts / active;
    }
  }

  /** Positions combined per chunk: the chunk's running sums stay in the first-level cache. */
  private static final int CHUNK = 1024;

  /**
   * Combines already-pruned inputs at positions {@code [offset, offset + length)} into {@code out}:
   * weighted sum, or (electSign) TIES' election and disjoint mean; then scales by λ.
   *
   * <p>The work runs a chunk of positions at a time, one input after the other: the sign vote in
   * input order, then the disjoint sums in input order, so every position sees exactly the
   * float32 operations of a position-at-a-time loop (adding +0 for a non-matching input changes
   * nothing, since a sum that starts at +0 never becomes -0). The per-value decisions (sign,
   * matches the elected sign) are bit masks rather than branches: on real task vectors they are
   * coin flips that a branch predictor cannot learn.
   */
  public static void combine(
      float[][] inputs, int offset, int length, float[] weights, boolean electSign, SignVote vote,
      SignMethod method, DivideBy divideBy, SignTie tie, float lambda, float[] out, int outOffset, Stats stats) {
    int n = inputs.length;
    boolean weightedVote = vote == SignVote.WEIGHTED;
    boolean total = method == SignMethod.TOTAL;
    boolean byCount = divideBy == DivideBy.COUNT;
    int tiePositive = tie == SignTie.POSITIVE ? 1 : 0;
    float[] ballot = new float[CHUNK];
    float[] sum = new float[CHUNK];
    float[] divisor = new float[CHUNK];
    int[] signs = new int[CHUNK];
    int[] elected = new int[CHUNK];
    long active = 0;
    long conflicts = 0;
    for (int from = 0; from < length; from += CHUNK) {
      int c = Math.min(CHUNK, length - from);
      java.util.Arrays.fill(ballot, 0, c, 0f);
      java.util.Arrays.fill(sum, 0, c, 0f);
      java.util.Arrays.fill(divisor, 0, c, 0f);
      java.util.Arrays.fill(signs, 0, c, 0);
      int base = offset + from;
      for (int i = 0; i < n; i++) {
        float[] x = inputs[i];
        float w = weights[i];
        for (int p = 0; p < c; p++) {
          float v = x[base + p];
          signs[p] |= signBits(Float.floatToRawIntBits(v));
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
        for (int p = 0; p < c; p++) {
          float b = ballot[p];
          elected[p] = b > 0 ? 1 : b < 0 ? 0 : tiePositive; // 1: the positive sign is elected
        }
        for (int i = 0; i < n; i++) {
          float[] x = inputs[i];
          float w = weights[i];
          int share = Float.floatToRawIntBits(byCount ? 1f : w);
          for (int p = 0; p < c; p++) {
            int bits = Float.floatToRawIntBits(x[base + p]);
            int abs = bits & 0x7fffffff;
            int nonZero = (abs | -abs) >>> 31;
            // v > 0: non-zero, not NaN, sign bit clear; a NaN (never > 0) matches a negative election
            int positive = nonZero & ((abs - 0x7f800001) >>> 31) & ~(bits >>> 31);
            int mask = -(nonZero & ~(positive ^ elected[p]));
            sum[p] += Float.intBitsToFloat(Float.floatToRawIntBits(Float.intBitsToFloat(bits) * w) & mask);
            divisor[p] += Float.intBitsToFloat(share & mask);
          }
        }
      }
      for (int p = 0; p < c; p++) {
        int s = signs[p];
        active += s != 0 ? 1 : 0;
        conflicts += s == 3 ? 1 : 0;
        float result;
        if (!electSign) {
          result = sum[p];
        } else if (s == 0) {
          result = 0f;
        } else {
          // PEFT clamps the count to >= 1; mergekit replaces a zero weight sum by 1.
          float d = divisor[p];
          result = sum[p] / (d == 0f ? 1f : d);
        }
        out[outOffset + from + p] = lambda == 1f ? result : result * lambda;
      }
    }
    stats.active += active;
    stats.conflicts += conflicts;
  }

  /** 1 when the value is > 0, 2 when < 0, 0 for zeros and NaN (no branch). */
  private static int signBits(int bits) {
    int abs = bits & 0x7fffffff;
    int number = ((abs | -abs) >>> 31) & ((abs - 0x7f800001) >>> 31);
    return number << (bits >>> 31);
  }

  /** 64-bit FNV-1a of a string's UTF-8 bytes: a seed part stable across JVMs. */
  static long fnv64(String text) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x100000001b3L;
    }
    return hash;
  }

  /** SplitMix64's finaliser. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
