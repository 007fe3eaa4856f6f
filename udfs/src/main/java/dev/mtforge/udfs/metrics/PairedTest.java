package dev.mtforge.udfs.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * sacreBLEU's paired significance tests of systems against a baseline ({@code --paired-bs},
 * {@code --paired-ar}), from per-segment statistics. With the same seed (sacreBLEU's default
 * {@code SACREBLEU_SEED=12345}) the resamples and coin flips are NumPy's, so p-values, means and
 * intervals match sacreBLEU 2.6 run under NumPy 2.
 *
 * <pre>{@code
 * List<PairedTest.Result> r = PairedTest.bootstrap(1000, 12345)
 *     .run(bleu, baselineSegmentStats, List.of(systemSegmentStats));
 * }</pre>
 */
public final class PairedTest {

  /** sacreBLEU's default seed ({@code SACREBLEU_SEED}). */
  public static final long SEED_DEFAULT = 12345;
  /** Default resamples of the paired bootstrap. */
  public static final int BOOTSTRAP_SAMPLES_DEFAULT = 1000;
  /** Default trials of approximate randomization. */
  public static final int AR_TRIALS_DEFAULT = 10000;

  /** Which test. */
  public enum Kind {
    /** Paired bootstrap resampling (Koehn, 2004), signature key {@code bs}. */
    BOOTSTRAP("bs"),
    /** Approximate randomization (Riezler and Maxwell, 2005), signature key {@code ar}. */
    APPROXIMATE_RANDOMIZATION("ar");

    private final String key;

    Kind(String key) {
      this.key = key;
    }

    /** The signature key sacreBLEU uses for the number of samples. */
    public String key() {
      return key;
    }
  }

  /**
   * One system's result.
   *
   * @param score the system's actual score
   * @param pValue the p-value against the baseline (null for the baseline)
   * @param mean the bootstrap mean (null when not estimated)
   * @param ci half the width of the 95% interval around the mean (null when not estimated)
   */
  public record Result(double score, Double pValue, Double mean, Double ci) {}

  private final Kind kind;
  private final int samples;
  private final long seed;

  private PairedTest(Kind kind, int samples, long seed) {
    if (samples < 1) {
      throw new IllegalArgumentException("Number of samples must be >= 1, got " + samples);
    }
    this.kind = kind;
    this.samples = samples;
    this.seed = seed;
  }

  /** Paired bootstrap resampling with {@code samples} resamples. */
  public static PairedTest bootstrap(int samples, long seed) {
    return new PairedTest(Kind.BOOTSTRAP, samples, seed);
  }

  /** Approximate randomization with {@code trials} trials. */
  public static PairedTest approximateRandomization(int trials, long seed) {
    return new PairedTest(Kind.APPROXIMATE_RANDOMIZATION, trials, seed);
  }

  public Kind kind() {
    return kind;
  }

  public int samples() {
    return samples;
  }

  /** The metric's signature with this test's {@code bs}/{@code ar} and {@code seed} fields. */
  public Signature signature(Metric metric, int numRefs) {
    return metric.signature(numRefs).with("seed", Long.toString(seed)).with(kind.key(), Integer.toString(samples));
  }

  /**
   * Runs the test: the baseline's result first, then one per system, in order.
   *
   * @param baseline the baseline's per-segment statistics
   * @param systems each system's per-segment statistics, aligned with the baseline's
   */
  public List<Result> run(Metric metric, List<long[]> baseline, List<List<long[]>> systems) {
    int n = baseline.size();
    for (List<long[]> s : systems) {
      if (s.size() != n) {
        throw new IllegalArgumentException(
            "Paired test needs aligned systems: baseline has " + n + " segments, a system has " + s.size());
      }
    }
    List<Result> out = new ArrayList<>();
    long[] blTotals = Metric.sum(baseline, metric.statsSize());
    double blScore = metric.score(blTotals).score();
    if (kind == Kind.BOOTSTRAP) {
      int[][] idxs = draws(n);
      double[] blScores = bootstrapScores(metric, baseline, idxs);
      double[] blCi = estimateCi(blScores, metric.bootstrapScoresAreFloat32());
      out.add(new Result(blScore, null, blCi[0], blCi[1]));
      for (List<long[]> system : systems) {
        double sysScore = metric.score(Metric.sum(system, metric.statsSize())).score();
        double[] sysScores = bootstrapScores(metric, system, idxs);
        double[] sysCi = estimateCi(sysScores, metric.bootstrapScoresAreFloat32());
        boolean f32 = metric.bootstrapScoresAreFloat32();
        double[] diffs = new double[samples];
        for (int i = 0; i < samples; i++) {
          diffs[i] = f32 ? Math.abs((float) sysScores[i] - (float) blScores[i]) : Math.abs(sysScores[i] - blScores[i]);
        }
        double meanDiff = mean(diffs, f32);
        double real = Math.abs(blScore - sysScore);
        int count = 0;
        for (double d : diffs) {
          boolean greater = f32 ? (float) ((float) d - (float) meanDiff) > (float) real : d - meanDiff > real;
          if (greater) {
            count++;
          }
        }
        out.add(new Result(sysScore, (count + 1.0) / (samples + 1), sysCi[0], sysCi[1]));
      }
    } else {
      out.add(new Result(blScore, null, null, null));
      for (List<long[]> system : systems) {
        double sysScore = metric.score(Metric.sum(system, metric.statsSize())).score();
        double real = Math.abs(blScore - sysScore);
        // one fresh generator per system, as sacreBLEU seeds each system's test
        NumpyRandom rng = new NumpyRandom(seed);
        boolean[] pos = rng.booleans(samples * n);
        int size = metric.statsSize();
        int count = 0;
        for (int t = 0; t < samples; t++) {
          long[] a = new long[size];
          long[] b = new long[size];
          for (int j = 0; j < n; j++) {
            boolean swap = pos[t * n + j];
            Metric.add(a, swap ? baseline.get(j) : system.get(j));
            Metric.add(b, swap ? system.get(j) : baseline.get(j));
          }
          if (Math.abs(metric.score(a).score() - metric.score(b).score()) > real) {
            count++;
          }
        }
        out.add(new Result(sysScore, (count + 1.0) / (samples + 1), null, null));
      }
    }
    return out;
  }

  /** {@code rng.choice(n, size=(samples, n))} from a fresh generator. */
  private int[][] draws(int n) {
    NumpyRandom rng = new NumpyRandom(seed);
    int[] flat = rng.integers(n, samples * n);
    int[][] idxs = new int[samples][];
    for (int i = 0; i < samples; i++) {
      idxs[i] = Arrays.copyOfRange(flat, i * n, (i + 1) * n);
    }
    return idxs;
  }

  private static double[] bootstrapScores(Metric metric, List<long[]> stats, int[][] idxs) {
    int size = metric.statsSize();
    float[][] rows = new float[stats.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = metric.bootstrapStats(stats.get(i));
    }
    double[] scores = new double[idxs.length];
    for (int s = 0; s < idxs.length; s++) {
      float[] totals = new float[size];
      for (int idx : idxs[s]) {
        float[] row = rows[idx];
        for (int k = 0; k < size; k++) {
          totals[k] += row[k];
        }
      }
      scores[s] = metric.bootstrapScore(totals);
    }
    return scores;
  }

  /** sacreBLEU's {@code estimate_ci}: NumPy mean, and half the central 95% range. */
  static double[] estimateCi(double[] scores, boolean float32) {
    double[] sorted = scores.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    int lower = n / 40;
    int upper = n - lower - 1;
    double ci = float32 ? 0.5f * ((float) sorted[upper] - (float) sorted[lower]) : 0.5 * (sorted[upper] - sorted[lower]);
    // sacreBLEU takes the mean of the sorted array, which fixes the pairwise summation order
    return new double[] {mean(sorted, float32), ci};
  }

  /** {@code np.mean}: NumPy's pairwise summation in the array's precision, then a division. */
  static double mean(double[] values, boolean float32) {
    if (float32) {
      float[] f = new float[values.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) values[i];
      }
      return pairwiseSum(f, 0, f.length) / (float) values.length;
    }
    return pairwiseSum(values, 0, values.length) / values.length;
  }

  private static double pairwiseSum(double[] a, int from, int n) {
    if (n < 8) {
      double res = 0.;
      for (int i = 0; i < n; i++) {
        res += a[from + i];
      }
      return res;
    } else if (n <= 128) {
      double[] r = new double[8];
      System.arraycopy(a, from, r, 0, 8);
      int i;
      for (i = 8; i < n - (n % 8); i += 8) {
        for (int j = 0; j < 8; j++) {
          r[j] += a[from + i + j];
        }
      }
      double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
      for (; i < n; i++) {
        res += a[from + i];
      }
      return res;
    }
    int n2 = n / 2;
    n2 -= n2 % 8;
    return pairwiseSum(a, from, n2) + pairwiseSum(a, from + n2, n - n2);
  }

  private static float pairwiseSum(float[] a, int from, int n) {
    if (n < 8) {
      float res = 0f;
      for (int i = 0; i < n; i++) {
        res += a[from + i];
      }
      return res;
    } else if (n <= 128) {
      float[] r = new float[8];
      System.arraycopy(a, from, r, 0, 8);
      int i;
      for (i = 8; i < n - (n % 8); i += 8) {
        for (int j = 0; j < 8; j++) {
          r[j] += a[from + i + j];
        }
      }
      float res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
      for (; i < n; i++) {
        res += a[from + i];
      }
      return res;
    }
    int n2 = n / 2;
    n2 -= n2 % 8;
    return pairwiseSum(a, from, n2) + pairwiseSum(a, from + n2, n - n2);
  }
}
