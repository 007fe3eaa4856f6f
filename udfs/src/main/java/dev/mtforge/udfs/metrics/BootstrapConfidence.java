package dev.mtforge.udfs.metrics;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.List;

/**
 * sacreBLEU's confidence interval for one system ({@code sacrebleu -ci}): {@code samples}
 * bootstrap resamples of the segments, drawn with NumPy's generator from {@code seed}, each
 * scored from its float32-summed statistics; the result is the resamples' mean and half the
 * width of their central 95% range (sacreBLEU prints {@code μ = mean ± halfWidth}). With the
 * same seed and segments in the same order the numbers equal sacreBLEU 2.6's under NumPy 2.
 *
 * <pre>{@code
 * BootstrapConfidence.Interval ci = BootstrapConfidence.of(1000, 12345).estimate(bleu, segmentStats);
 * }</pre>
 */
public final class BootstrapConfidence {
  /** sacreBLEU's default number of resamples ({@code --confidence-n}). */
  public static final int SAMPLES_DEFAULT = 1000;

  /**
   * A bootstrap estimate.
   *
   * @param mean the mean of the resampled scores
   * @param halfWidth half the width of their central 95% range
   */
  public record Interval(double mean, double halfWidth) {
    /** {@code mean - halfWidth}. */
    public double low() {
      return mean - halfWidth;
    }

    /** {@code mean + halfWidth}. */
    public double high() {
      return mean + halfWidth;
    }
  }

  private final int samples;
  private final long seed;

  private BootstrapConfidence(int samples, long seed) {
    if (samples < 1) {
      throw new IllegalArgumentException("Number of bootstrap samples must be >= 1, got " + samples);
    }
    this.samples = samples;
    this.seed = seed;
  }

  /** {@code samples} resamples from NumPy's {@code default_rng(seed)}. */
  public static BootstrapConfidence of(int samples, long seed) {
    return new BootstrapConfidence(samples, seed);
  }

  public int samples() {
    return samples;
  }

  public long seed() {
    return seed;
  }

  /** The metric's signature with sacreBLEU's {@code bs} and {@code seed} fields. */
  public Signature signature(Metric metric, int numRefs) {
    return metric.signature(numRefs).with("bs", Integer.toString(samples)).with("seed", Long.toString(seed));
  }

  /** The estimate from the segments' statistics, in the order sacreBLEU would read them. */
  public Interval estimate(Metric metric, List<long[]> segmentStats) {
    int n = segmentStats.size();
    if (n == 0) {
      throw new IllegalArgumentException("Cannot bootstrap an empty set of segments");
    }
    int size = metric.statsSize();
    float[][] rows = new float[n][];
    for (int i = 0; i < n; i++) {
      rows[i] = metric.bootstrapStats(segmentStats.get(i));
    }
    // rng.choice(n, size=(samples, n)) row by row: the generator's state carries over, so this
    // draws the same indices as one call without holding samples * n of them
    NumpyRandom rng = new NumpyRandom(seed);
    double[] scores = new double[samples];
    float[] totals = new float[size];
    for (int s = 0; s < samples; s++) {
      Arrays.fill(totals, 0f);
      for (int idx : rng.integers(n, n)) {
        float[] row = rows[idx];
        for (int k = 0; k < size; k++) {
          totals[k] += row[k];
        }
      }
      scores[s] = metric.bootstrapScore(totals);
    }
    return interval(scores, metric.bootstrapScoresAreFloat32());
  }

  /**
   * sacreBLEU's {@code Score.estimate_ci}: sorts the scores, takes half the distance between the
   * {@code n // 40}-th values from each end, and {@code statistics.mean} (exact, rounded once).
   */
  static Interval interval(double[] scores, boolean float32) {
    double[] sorted = scores.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    int lower = n / 40;
    int upper = n - lower - 1;
    BigDecimal sum = BigDecimal.ZERO;
    for (double v : sorted) {
      sum = sum.add(new BigDecimal(float32 ? (float) v : v));
    }
    double mean = sum.divide(BigDecimal.valueOf(n), new MathContext(80)).doubleValue();
    if (float32) {
      float half = 0.5f * ((float) sorted[upper] - (float) sorted[lower]);
      return new Interval((float) mean, half);
    }
    return new Interval(mean, 0.5 * (sorted[upper] - sorted[lower]));
  }
}
