package dev.mtforge.udfs.tensor.merge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtforge.udfs.tensor.merge.MergeOptions.DivideBy;
import dev.mtforge.udfs.tensor.merge.MergeOptions.SignMethod;
import dev.mtforge.udfs.tensor.merge.MergeOptions.SignTie;
import dev.mtforge.udfs.tensor.merge.MergeOptions.SignVote;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The sparse local TIES path against plain oracles on seeded random tensors: {@link TopK}'s kept
 * positions against a sort by (magnitude descending, index ascending), and
 * {@link SparseCombine} (and the chunked dense {@link MergeKernel#combine}) against the
 * position-at-a-time loop the merge had before, bit for bit, over every combination of sign vote,
 * sign method, divisor, tie rule and λ, with negative and zero weights. The tensors have ties,
 * zeros, negative zeros and subnormals, and sizes from 1 to past the bucket histograms' use.
 */
class SparseMergeTest {

  @Test
  void keptPositionsAreTheTopKByMagnitudeThenIndex() {
    SplittableRandom random = new SplittableRandom(3);
    int checked = 0;
    for (int length : new int[] {1, 2, 7, 100, 5_000, 70_000}) {
      for (int shape = 0; shape < 4; shape++) {
        float[] values = tensor(random, length, shape);
        for (long k : new long[] {1, Math.max(1, length / 5), Math.max(1, length - 1), length}) {
          for (boolean allTies : new boolean[] {false, true}) {
            int[] into = new int[length];
            TopK.Kept kept = TopK.keep(values, length, k, allTies, into);
            TreeSet<Integer> expected = expectedKept(values, k, allTies);
            TreeSet<Integer> got = new TreeSet<>();
            for (int j = 0; j < kept.count(); j++) {
              got.add(into[j]);
            }
            assertThat(got).as("length %d, shape %d, k %d, all ties %s", length, shape, k, allTies)
                .isEqualTo(expected);
            assertThat(kept.count()).isEqualTo(expected.size());
            assertThat(kept.nonZero()).isEqualTo(expected.stream().filter(p -> values[p] != 0f).count());
            checked++;
          }
        }
      }
    }
    assertThat(checked).isEqualTo(6 * 4 * 4 * 2);
  }

  @Test
  void nonFiniteValuesAreLeftToTheDensePath() {
    float[] values = {1f, Float.NaN, 3f, -2f};
    assertThat(TopK.keep(values, 4, 2, false, new int[4])).isNull();
    values[1] = Float.NEGATIVE_INFINITY;
    assertThat(TopK.keep(values, 4, 2, false, new int[4])).isNull();
  }

  @Test
  void sparseAndChunkedCombinesEqualThePositionAtATimeLoop() {
    SplittableRandom random = new SplittableRandom(5);
    int checked = 0;
    for (int round = 0; round < 24; round++) {
      int n = 2 + random.nextInt(7);
      int length = round % 6 == 0 ? 1 + random.nextInt(5) : 500 + random.nextInt(5000);
      float[][] inputs = new float[n][];
      float[][] pruned = new float[n][];
      int[][] kept = new int[n][];
      int[] counts = new int[n];
      long k = Math.max(1, (long) (length * (0.1 + 0.8 * random.nextDouble())));
      for (int i = 0; i < n; i++) {
        inputs[i] = tensor(random, length, random.nextInt(4));
        kept[i] = new int[length];
        counts[i] = TopK.keep(inputs[i], length, k, random.nextBoolean(), kept[i]).count();
        pruned[i] = new float[length];
        for (int j = 0; j < counts[i]; j++) {
          pruned[i][kept[i][j]] = inputs[i][kept[i][j]];
        }
      }
      float[] weights = new float[n];
      for (int i = 0; i < n; i++) {
        weights[i] = switch (random.nextInt(4)) {
          case 0 -> 1f;
          case 1 -> 0f;
          case 2 -> -0.75f;
          default -> (float) random.nextDouble() * 2;
        };
      }
      for (boolean electSign : new boolean[] {true, false}) {
        for (SignVote vote : SignVote.values()) {
          for (SignMethod method : SignMethod.values()) {
            for (DivideBy divideBy : DivideBy.values()) {
              for (SignTie tie : SignTie.values()) {
                float lambda = random.nextBoolean() ? 1f : 0.5f;
                float[] expected = new float[length];
                MergeKernel.Stats expectedStats = new MergeKernel.Stats();
                oracle(pruned, length, weights, electSign, vote, method, divideBy, tie, lambda, expected,
                    expectedStats);
                float[] sparse = new float[length];
                MergeKernel.Stats sparseStats = new MergeKernel.Stats();
                SparseCombine.combine(inputs, kept, counts, length, weights, electSign, vote, method, divideBy,
                    tie, lambda, sparse, sparseStats);
                float[] dense = new float[length];
                MergeKernel.Stats denseStats = new MergeKernel.Stats();
                MergeKernel.combine(pruned, 0, length, weights, electSign, vote, method, divideBy, tie, lambda,
                    dense, 0, denseStats);
                String what = String.format("round %d: elect %s, %s, %s, %s, %s, λ %s", round, electSign, vote,
                    method, divideBy, tie, lambda);
                assertThat(bits(sparse)).as("sparse, " + what).containsExactly(bits(expected));
                assertThat(bits(dense)).as("dense, " + what).containsExactly(bits(expected));
                assertThat(new long[] {sparseStats.active, sparseStats.conflicts, denseStats.active,
                    denseStats.conflicts}).as(what).containsExactly(expectedStats.active, expectedStats.conflicts,
                    expectedStats.active, expectedStats.conflicts);
                checked++;
              }
            }
          }
        }
      }
    }
    assertThat(checked).isEqualTo(24 * 2 * 16);
  }

  /** Random tensors: 0 uniform, 1 few distinct values (ties), 2 mostly zeros (±0), 3 subnormals. */
  private static float[] tensor(SplittableRandom random, int length, int shape) {
    float[] values = new float[length];
    for (int i = 0; i < length; i++) {
      values[i] = switch (shape) {
        case 0 -> (float) (random.nextDouble() - 0.5) * 0.02f;
        case 1 -> (random.nextInt(7) - 3) * 0.25f;
        case 2 -> random.nextInt(5) == 0 ? (float) random.nextGaussian() : (random.nextBoolean() ? 0f : -0f);
        default -> Float.MIN_VALUE * (random.nextInt(41) - 20);
      };
    }
    return values;
  }

  private static TreeSet<Integer> expectedKept(float[] values, long k, boolean allTies) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingDouble((Integer i) -> -Math.abs(values[i])).thenComparingInt(i -> i));
    float threshold = Math.abs(values[order.get((int) k - 1)]);
    TreeSet<Integer> out = new TreeSet<>();
    for (int j = 0; j < order.size(); j++) {
      float magnitude = Math.abs(values[order.get(j)]);
      if (j < k || (allTies && magnitude == threshold)) {
        out.add(order.get(j));
      }
    }
    return out;
  }

  private static int[] bits(float[] values) {
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Float.floatToRawIntBits(values[i]);
    }
    return out;
  }

  /** The merge's combine step as it was written before the sparse and chunked kernels. */
  private static void oracle(float[][] inputs, int length, float[] weights, boolean electSign, SignVote vote,
      SignMethod method, DivideBy divideBy, SignTie tie, float lambda, float[] out, MergeKernel.Stats stats) {
    int n = inputs.length;
    boolean weightedVote = vote == SignVote.WEIGHTED;
    boolean total = method == SignMethod.TOTAL;
    boolean byCount = divideBy == DivideBy.COUNT;
    float tieSign = tie == SignTie.POSITIVE ? 1f : -1f;
    for (int p = 0; p < length; p++) {
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
        stats.active++;
        if (positive & negative) {
          stats.conflicts++;
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
        result = sum / (divisor == 0f ? 1f : divisor);
      }
      out[p] = lambda == 1f ? result : result * lambda;
    }
  }
}
