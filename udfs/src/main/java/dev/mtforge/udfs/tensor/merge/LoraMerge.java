package dev.mtforge.udfs.tensor.merge;

import dev.mtforge.udfs.tensor.merge.MergeMethod.Pruning;
import dev.mtforge.udfs.tensor.merge.MergeOptions.LoraMode;

/**
 * Merges one LoRA module of several adapters: the unit of work of a Spark task. Pure: inputs are
 * the modules' A [r, in] and B [out, r] arrays and PEFT scalings; output the merged A and B, with
 * merged scaling 1 (the merged adapter's {@code lora_alpha} equals its rank).
 *
 * <ul>
 *   <li>{@link LoraMode#FACTORS} (PEFT's non-svd methods): A and B are merged separately, input i
 *       weighted by {@code ±√|wᵢ·sᵢ|} on A and {@code √|wᵢ·sᵢ|} on B.
 *   <li>{@link LoraMode#DELTA} (every {@code _svd} method, mergekit, ties-paper): {@code ΔWᵢ = sᵢ·Bᵢ·Aᵢ}
 *       merged with weight wᵢ (scaled once: PEFT's ties_svd multiplies the scaling in twice, which we
 *       do not copy), then factored to rank r by SVD.
 *   <li>{@link MergeMethod#CAT}: A rows {@code (Aᵢ·wᵢ)·sᵢ} and B columns stacked.
 * </ul>
 */
public final class LoraMerge {
  private LoraMerge() {}

  /** A merged module. */
  public record Result(float[] a, float[] b, int rank, MergeKernel.Stats stats) {}

  /**
   * Merges one module. The {@code a} and {@code b} arrays are pruned in place (pass copies to keep them).
   *
   * @param module module name (seeds DARE; tensors are {@code module.lora_A.weight} …)
   * @param a inputs' A arrays, row-major [rᵢ, in]
   * @param b inputs' B arrays, row-major [out, rᵢ]
   * @param ranks inputs' ranks
   * @param scalings inputs' PEFT scalings
   * @param in in_features
   * @param out out_features
   * @param thresholds per-input magnitude thresholds for whole-model top-k, or null (per tensor);
   *     index 0 for A (or ΔW), 1 for B: {@code thresholds[tensor][input]}
   */
  public static Result merge(
      String module, float[][] a, float[][] b, int[] ranks, double[] scalings, int in, int out,
      MergeOptions options, double[] weights, float[][] thresholds) {
    int n = a.length;
    MergeKernel.Stats stats = new MergeKernel.Stats();
    if (options.method() == MergeMethod.CAT) {
      int total = 0;
      for (int r : ranks) {
        total += r;
      }
      float[] mergedA = new float[total * in];
      float[] mergedB = new float[out * total];
      int row = 0;
      for (int i = 0; i < n; i++) {
        float w = (float) weights[i];
        float s = (float) scalings[i];
        for (int k = 0; k < ranks[i] * in; k++) {
          mergedA[row * in + k] = a[i][k] * w * s;
        }
        for (int o = 0; o < out; o++) {
          System.arraycopy(b[i], o * ranks[i], mergedB, o * total + row, ranks[i]);
        }
        row += ranks[i];
      }
      return new Result(mergedA, mergedB, total, stats);
    }
    if (options.loraMode() == LoraMode.FACTORS) {
      float[] wa = new float[n];
      float[] wb = new float[n];
      for (int i = 0; i < n; i++) {
        double ws = weights[i] * scalings[i];
        double root = Math.sqrt(Math.abs(ws));
        wa[i] = (float) (ws >= 0 ? root : -root); // the sign goes on one side only
        wb[i] = (float) root;
      }
      // the arrays may be longer than the factors (reused buffers): the shapes give the lengths
      float[] mergedA = mergeInPlace(module + ".lora_A.weight", a, ranks[0] * in, wa, options,
          thresholds == null ? null : thresholds[0], stats);
      float[] mergedB = mergeInPlace(module + ".lora_B.weight", b, out * ranks[0], wb, options,
          thresholds == null ? null : thresholds[1], stats);
      return new Result(mergedA, mergedB, ranks[0], stats);
    }
    float[][] deltas = new float[n][];
    float[] w = new float[n];
    int maxRank = 0;
    for (int i = 0; i < n; i++) {
      deltas[i] = LowRankFactor.product(b[i], a[i], out, ranks[i], in, scalings[i]);
      w[i] = (float) weights[i];
      maxRank = Math.max(maxRank, ranks[i]);
    }
    float[] delta = mergeInPlace(module + ".delta", deltas, w, options,
        thresholds == null ? null : thresholds[0], stats);
    int rank = options.svdRank() > 0 ? options.svdRank() : maxRank;
    LowRankFactor.Factors factors = LowRankFactor.factor(delta, out, in, rank);
    return new Result(factors.a(), factors.b(), rank, stats);
  }

  /** The update ΔWᵢ = sᵢ·Bᵢ·Aᵢ a delta-mode merge prunes (for whole-model thresholds). */
  public static float[] delta(float[] a, float[] b, int rank, double scaling, int in, int out) {
    return LowRankFactor.product(b, a, out, rank, in, scaling);
  }

  /**
   * Merges whole tensors (copies; inputs are left as they are): prune each input, combine, λ.
   *
   * @param thresholds per-input magnitude thresholds, or null to rank within this tensor
   */
  public static float[] mergeTensor(
      String name, float[][] inputs, float[] weights, MergeOptions options, float[] thresholds,
      MergeKernel.Stats stats) {
    float[][] copies = new float[inputs.length][];
    for (int i = 0; i < inputs.length; i++) {
      copies[i] = inputs[i].clone();
    }
    return mergeInPlace(name, copies, weights, options, thresholds, stats);
  }

  /** {@link #mergeTensor} that prunes the input arrays in place (the caller owns them). */
  static float[] mergeInPlace(
      String name, float[][] pruned, float[] weights, MergeOptions options, float[] thresholds,
      MergeKernel.Stats stats) {
    return mergeInPlace(name, pruned, pruned[0].length, weights, options, thresholds, stats);
  }

  /**
   * {@link #mergeInPlace} of the first {@code length} values of each array. A per-tensor magnitude
   * cut (PEFT's and mergekit's scope) is not applied to the arrays: the positions it keeps go to
   * {@link SparseCombine}, and the arrays are left as they are.
   */
  static float[] mergeInPlace(
      String name, float[][] pruned, int length, float[] weights, MergeOptions options, float[] thresholds,
      MergeKernel.Stats stats) {
    int n = pruned.length;
    Pruning pruning = options.method().pruning();
    if (pruning == Pruning.MAGNITUDE && options.density() < 1 && thresholds == null) {
      float[] out = mergeKept(pruned, length, weights, options, stats);
      if (out != null) {
        return out;
      }
    }
    for (int i = 0; i < n; i++) {
      stats.total += length;
      if (pruning == Pruning.MAGNITUDE && options.density() < 1) {
        // Whole-model cuts keep every tie at the threshold (see MergeOptions.TopkScope).
        MagnitudeSelect.Selection cut = thresholds != null
            ? new MagnitudeSelect.Selection(thresholds[i], Long.MAX_VALUE)
            : MergeKernel.tensorSelection(pruned[i], length, options.density(), options.keepCount());
        stats.kept += MergeKernel.pruneMagnitude(pruned[i], 0, length, cut);
      } else if (pruning == Pruning.RANDOM && options.density() < 1) {
        stats.kept += MergeKernel.pruneRandom(pruned[i], 0, length, 0, options.density(), options.dareRescale(),
            options.seed(), name, i);
      } else {
        stats.kept += nonZero(pruned[i], length);
      }
    }
    float[] out = new float[length];
    MergeKernel.combine(pruned, 0, length, weights, options.method().electsSign(), options.signVote(),
        options.signMethod(), options.divideBy(), options.signTie(), (float) options.lambda(), out, 0, stats);
    return out;
  }

  private static final ThreadLocal<int[][]> KEPT = ThreadLocal.withInitial(() -> new int[0][]);

  /** Per-tensor top-k cuts as kept positions, combined sparsely; null when a value is not finite. */
  private static float[] mergeKept(float[][] values, int length, float[] weights, MergeOptions options,
      MergeKernel.Stats stats) {
    int n = values.length;
    int[][] kept = KEPT.get();
    if (kept.length != n || kept[0].length < length) {
      kept = new int[n][Math.max(length, kept.length == n ? kept[0].length : 0)];
      KEPT.set(kept);
    }
    int[] counts = new int[n];
    long k = MagnitudeSelect.keepRank(length, options.density(), options.keepCount());
    boolean allTies = options.keepCount() == MergeOptions.KeepCount.KTHVALUE;
    long nonZero = 0;
    for (int i = 0; i < n && k > 0; i++) {
      TopK.Kept cut = TopK.keep(values[i], length, k, allTies, kept[i]);
      if (cut == null) {
        return null;
      }
      counts[i] = cut.count();
      nonZero += cut.nonZero();
    }
    stats.total += (long) n * length;
    stats.kept += nonZero;
    float[] out = new float[length];
    SparseCombine.combine(values, kept, counts, length, weights, options.method().electsSign(), options.signVote(),
        options.signMethod(), options.divideBy(), options.signTie(), (float) options.lambda(), out, stats);
    return out;
  }

  private static long nonZero(float[] values, int length) {
    long count = 0;
    for (int i = 0; i < length; i++) {
      if (values[i] != 0f) {
        count++;
      }
    }
    return count;
  }
}
