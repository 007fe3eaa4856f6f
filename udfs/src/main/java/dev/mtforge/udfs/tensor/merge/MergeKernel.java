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
    long k = MagnitudeSelect.keepRank(values.length, density, rule);
    if (density >= 1) {
      return new MagnitudeSelect.Selection(0f, Long.MAX_VALUE); // PEFT: density >= 1 prunes nothing
    }
    if (k == 0) {
      return new MagnitudeSelect.Selection(Float.POSITIVE_INFINITY, 0);
    }
    MagnitudeSelect.Selection selection = MagnitudeSelect.select(values, k);
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

  /**
   * Combines already-pruned inputs at positions {@code [offset, offset + length)} into {@code out}:
   * weighted sum, or (electSign) TIES' election and disjoint mean; then scales by λ.
   */
  public static void combine(
      float[][] inputs, int offset, int length, float[] weights, boolean electSign, SignVote vote,
      SignMethod method, DivideBy divideBy, SignTie tie, float lambda, float[] out, int outOffset, Stats stats) {
    int n = inputs.length;
    boolean weightedVote = vote == SignVote.WEIGHTED;
    boolean total = method == SignMethod.TOTAL;
    boolean byCount = divideBy == DivideBy.COUNT;
    float tieSign = tie == SignTie.POSITIVE ? 1f : -1f;
    long active = 0;
    long conflicts = 0;
    for (int j = 0; j < length; j++) {
      int p = offset + j;
      boolean positive = false;
      boolean negative = false;
      float sum = 0f;
      float ballot = 0f;
      for (int i = 0; i < n; i++) {
        float v = inputs[i][p];
        positive |= v > 0;
        negative |= v < 0;
        if (electSign) {
          float cast = weightedVote ? v * weights[i] : v;
          ballot += total ? cast : Math.signum(cast);
        } else {
          sum += v * weights[i];
        }
      }
      if (positive | negative) {
        active++;
        if (positive & negative) {
          conflicts++;
        }
      }
      float result;
      if (!electSign) {
        result = sum;
      } else if (!(positive | negative)) {
        result = 0f;
      } else {
        float elected = ballot > 0 ? 1f : ballot < 0 ? -1f : tieSign;
        float divisor = 0f;
        for (int i = 0; i < n; i++) {
          float v = inputs[i][p];
          if (v != 0f && (v > 0) == (elected > 0)) {
            sum += v * weights[i];
            divisor += byCount ? 1f : weights[i];
          }
        }
        // PEFT clamps the count to >= 1; mergekit replaces a zero weight sum by 1.
        result = sum / (divisor == 0f ? 1f : divisor);
      }
      out[outOffset + j] = lambda == 1f ? result : result * lambda;
    }
    stats.active += active;
    stats.conflicts += conflicts;
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
