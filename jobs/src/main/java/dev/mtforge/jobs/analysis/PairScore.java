package dev.mtforge.jobs.analysis;

/** A pair score of {@code system_scores} (the latest evaluation of the pair and metric). */
record PairScore(String systemId, String dataset, String split, String srcLang, String tgtLang, String metric,
    double score) {

  String pair() {
    return srcLang + "-" + tgtLang;
  }
}
