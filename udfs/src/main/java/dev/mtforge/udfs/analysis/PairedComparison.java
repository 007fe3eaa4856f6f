package dev.mtforge.udfs.analysis;

import dev.mtforge.udfs.metrics.Bleu;
import dev.mtforge.udfs.metrics.Chrf;
import dev.mtforge.udfs.metrics.Metric;
import dev.mtforge.udfs.metrics.NumpyRandom;
import dev.mtforge.udfs.metrics.PairedTest;
import dev.mtforge.udfs.metrics.Ter;
import java.util.List;
import java.util.Optional;

/**
 * One system against a baseline on the same segments, with sacreBLEU's paired bootstrap
 * ({@code sacrebleu --paired-bs}): both systems are resampled with the same indices, drawn from
 * NumPy's generator seeded with {@code seed}, and the p-value is
 * {@code (1 + #{i : |s_i - b_i| - mean_j |s_j - b_j| > |S - B|}) / (1 + samples)}.
 *
 * <p>Metrics with sufficient statistics (the {@code metric} labels {@code evaluate} writes: BLEU,
 * spBLEU, chrF2, chrF2++, TER) go through {@link PairedTest} itself, so the p-value is the one
 * {@code mtforge score --paired-bs} prints for the same segments in the same order. A metric whose
 * corpus score is the mean of its segment scores (COMET) goes through the same procedure with the
 * mean as the corpus score, in double precision (sacreBLEU has no such metric to match).
 *
 * <pre>{@code
 * PairedComparison.Outcome o = PairedComparison.of(1000, 12345).onStatistics(bleu, systemStats, baselineStats);
 * }</pre>
 */
public final class PairedComparison {

  /**
   * The comparison's result.
   *
   * @param score the system's corpus score
   * @param baselineScore the baseline's
   * @param pValue the paired bootstrap p-value
   */
  public record Outcome(double score, double baselineScore, double pValue) {
    /** {@code score - baselineScore}. */
    public double delta() {
      return score - baselineScore;
    }
  }

  private final int samples;
  private final long seed;

  private PairedComparison(int samples, long seed) {
    if (samples < 1) {
      throw new IllegalArgumentException("Number of bootstrap samples must be >= 1, got " + samples);
    }
    new NumpyRandom(seed); // a seed NumPy would refuse fails here
    this.samples = samples;
    this.seed = seed;
  }

  /** {@code samples} resamples from NumPy's {@code default_rng(seed)} (sacreBLEU: 1000, 12345). */
  public static PairedComparison of(int samples, long seed) {
    return new PairedComparison(samples, seed);
  }

  /**
   * The metric that turns summed statistics into a score for a {@code metric} label of
   * {@code segment_scores}, or empty for metrics without statistics. Tokenizer and case do not
   * enter the score of statistics, so the defaults serve every evaluate setting.
   */
  public static Optional<Metric> statisticsMetric(String label) {
    return switch (label) {
      case "BLEU", "spBLEU" -> Optional.of(Bleu.builder().build());
      case "chrF2" -> Optional.of(Chrf.builder().build());
      case "chrF2++" -> Optional.of(Chrf.builder().wordOrder(2).build());
      case "TER" -> Optional.of(Ter.builder().build());
      default -> Optional.empty();
    };
  }

  /** False for error rates (TER), true for every other metric. */
  public static boolean higherIsBetter(String label) {
    return !"TER".equals(label);
  }

  /** The test on per-segment statistics, aligned (segment i of both is the same source). */
  public Outcome onStatistics(Metric metric, List<long[]> system, List<long[]> baseline) {
    requireAligned(system.size(), baseline.size());
    List<PairedTest.Result> r = PairedTest.bootstrap(samples, seed).run(metric, baseline, List.of(system));
    return new Outcome(r.get(1).score(), r.get(0).score(), r.get(1).pValue());
  }

  /** The test on per-segment scores of a metric whose corpus score is their mean. */
  public Outcome onScores(double[] system, double[] baseline) {
    int n = requireAligned(system.length, baseline.length);
    int[] idx = new NumpyRandom(seed).integers(n, samples * n); // rng.choice(n, (samples, n)), row-major
    double real = Math.abs(mean(system) - mean(baseline));
    double[] diffs = new double[samples];
    double sumDiffs = 0;
    for (int s = 0; s < samples; s++) {
      double sys = 0;
      double base = 0;
      for (int k = s * n; k < (s + 1) * n; k++) {
        sys += system[idx[k]];
        base += baseline[idx[k]];
      }
      diffs[s] = Math.abs(sys / n - base / n);
      sumDiffs += diffs[s];
    }
    double meanDiff = sumDiffs / samples;
    int count = 0;
    for (double d : diffs) {
      if (d - meanDiff > real) {
        count++;
      }
    }
    return new Outcome(mean(system), mean(baseline), (count + 1.0) / (samples + 1));
  }

  private static int requireAligned(int system, int baseline) {
    if (system != baseline || system == 0) {
      throw new IllegalArgumentException(
          "A paired test needs the same non-empty segments: the system has " + system + ", the baseline " + baseline);
    }
    return system;
  }

  private static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }
}
