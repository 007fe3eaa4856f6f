package dev.mtforge.jobs.evaluate;

import dev.mtforge.udfs.spark.CometSegmentScorer;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/** The accumulators of one evaluate run's COMET scoring, and their totals. */
final class CometCounters {
  private final LongAccumulator encoded;
  private final LongAccumulator tokens;
  private final LongAccumulator padded;
  private final LongAccumulator cpuNanos;

  CometCounters(SparkContext sc) {
    this.encoded = sc.longAccumulator("mtforge.comet-encoded");
    this.tokens = sc.longAccumulator("mtforge.comet-tokens");
    this.padded = sc.longAccumulator("mtforge.comet-padded-tokens");
    this.cpuNanos = sc.longAccumulator("mtforge.comet-cpu-nanos");
  }

  CometSegmentScorer.Counters counters() {
    return new CometSegmentScorer.Counters(encoded, tokens, padded, cpuNanos);
  }

  /** The totals, once the COMET rows have been computed (the pairs count them). */
  EvaluateTranslationsJob.CometStats stats(List<EvaluateTranslationsJob.PairScore> pairs) {
    long scores = 0;
    long unshared = 0;
    for (EvaluateTranslationsJob.PairScore p : pairs) {
      if (p.metric().equals("COMET")) {
        scores += p.segments();
        unshared += 3 * p.segments();
      } else if (p.metric().equals("CometKiwi")) {
        scores += p.segments();
        unshared += p.segments();
      }
    }
    return new EvaluateTranslationsJob.CometStats(scores, encoded.value(), unshared, tokens.value(), padded.value(),
        cpuNanos.value() / 1e9);
  }
}
