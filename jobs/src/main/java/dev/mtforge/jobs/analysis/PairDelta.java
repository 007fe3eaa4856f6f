package dev.mtforge.jobs.analysis;

/**
 * A system against the baseline on one language pair of a test set, for one metric: both corpus
 * scores and the paired bootstrap p-value ({@code udfs.spark.PairedDeltas}).
 */
record PairDelta(
    String systemId,
    String dataset,
    String split,
    String srcLang,
    String tgtLang,
    String metric,
    double score,
    double baselineScore,
    double pValue,
    long segments) {

  double delta() {
    return score - baselineScore;
  }
}
