package dev.mtforge.jobs.report;

/**
 * One bar of a score chart: a system's score on one category (a language pair, or a direction and
 * group), with its confidence interval when evaluate estimated one.
 *
 * @param ciLow lower bound of the 95% interval, or {@code null}
 * @param ciHigh upper bound of the 95% interval, or {@code null}
 */
public record ScoreBar(String system, String category, double score, Double ciLow, Double ciHigh) {
  /** Whether an interval is attached. */
  public boolean hasInterval() {
    return ciLow != null && ciHigh != null;
  }
}
