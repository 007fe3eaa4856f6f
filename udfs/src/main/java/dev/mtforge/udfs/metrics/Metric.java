package dev.mtforge.udfs.metrics;

import java.io.Serializable;
import java.util.List;

/**
 * A sacreBLEU metric split the way Spark wants it: per-segment sufficient statistics that add up,
 * and a score computed from the summed statistics.
 *
 * <pre>{@code
 * Metric bleu = Bleu.builder().build();
 * long[] totals = new long[bleu.statsSize()];
 * for (int i = 0; i < hyps.size(); i++) {
 *   Metric.add(totals, bleu.segmentStats(hyps.get(i), refs.get(i)));
 * }
 * Score corpus = bleu.score(totals);
 * }</pre>
 *
 * <p>Because the corpus score is a function of the summed statistics, it does not depend on the
 * order or partitioning in which segments are summed. Implementations are immutable and
 * serializable; they may be shared between threads.
 */
public interface Metric extends Serializable {

  /** sacreBLEU's key for the metric in CLI output: {@code BLEU}, {@code chrF2++}, {@code TER}. */
  String name();

  /** The number of statistics per segment. */
  int statsSize();

  /**
   * The statistics of one hypothesis against its references (pre-processing included).
   *
   * @param hypothesis the system output, as read (sacreBLEU strips trailing whitespace on read)
   * @param references one or more references; null entries are absent references (as in
   *     sacreBLEU's API, where they allow a varying number of references per segment)
   */
  long[] segmentStats(String hypothesis, List<String> references);

  /** The score of summed statistics (a corpus), or of one segment's statistics. */
  Score score(long[] stats);

  /** The signature, for a run with {@code numRefs} references per segment (-1 if it varies). */
  Signature signature(int numRefs);

  /**
   * The score sacreBLEU's bootstrap resampling computes from statistics it summed as float32
   * (its {@code np.array(stats, dtype='float32')}), with NumPy 2's float32 arithmetic where
   * sacreBLEU's code mixes NumPy scalars and Python floats. Used by {@link PairedTest} only.
   */
  double bootstrapScore(float[] totals);

  /** One segment's statistics as the float32 row sacreBLEU's bootstrap sums. */
  default float[] bootstrapStats(long[] stats) {
    float[] out = new float[stats.length];
    for (int i = 0; i < stats.length; i++) {
      out[i] = stats[i];
    }
    return out;
  }

  /** Whether {@link #bootstrapScore} values are float32 in sacreBLEU (chrF, TER) or float64 (BLEU). */
  boolean bootstrapScoresAreFloat32();

  /** Adds {@code stats} into {@code totals}. */
  static void add(long[] totals, long[] stats) {
    for (int i = 0; i < totals.length; i++) {
      totals[i] += stats[i];
    }
  }

  /** The sum of many segments' statistics. */
  static long[] sum(List<long[]> stats, int size) {
    long[] totals = new long[size];
    for (long[] s : stats) {
      add(totals, s);
    }
    return totals;
  }
}
