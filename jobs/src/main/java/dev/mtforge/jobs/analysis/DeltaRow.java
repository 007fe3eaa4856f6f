package dev.mtforge.jobs.analysis;

import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * A row of {@code analysis_deltas} (see {@code Tables.ANALYSIS_DELTAS}): a pair row, or a mean of
 * pair rows per group, resource level or direction.
 */
public record DeltaRow(
    String baselineId,
    String systemId,
    String dataset,
    String split,
    String metric,
    String scope,
    String direction,
    String srcLang,
    String tgtLang,
    String language,
    Integer groupId,
    String resourceLevel,
    double score,
    double baselineScore,
    double delta,
    Double pValue,
    Boolean significant,
    String reading,
    int pairs,
    int wins,
    int losses,
    long segments,
    boolean higherIsBetter,
    int samples,
    long seed) {

  /** The row in the column order of {@code Tables.ANALYSIS_DELTAS.dataSchema()}. */
  Row toRow() {
    return RowFactory.create(baselineId, systemId, dataset, split, metric, scope, direction, srcLang, tgtLang,
        language, groupId, resourceLevel, score, baselineScore, delta, pValue, significant, reading, pairs, wins,
        losses, segments, higherIsBetter, samples, seed);
  }

  @Override
  public String toString() {
    String where = switch (scope) {
      case "pair" -> srcLang + "-" + tgtLang;
      case "group" -> direction + " group " + groupId;
      case "resource" -> direction + " " + resourceLevel;
      default -> direction;
    };
    return String.format(Locale.ROOT, "%s vs %s %s/%s %s %s: delta %s (%d pairs, %d wins, %d losses)", systemId,
        baselineId, dataset, split, metric, where, formattedDelta(), pairs, wins, losses);
  }

  /** The delta with 4 decimals on a 0-1 scale (COMET), else 2 (BLEU, chrF points). */
  public String formattedDelta() {
    boolean unitScale = Math.max(Math.abs(score), Math.abs(baselineScore)) <= 1.0;
    return String.format(Locale.ROOT, unitScale ? "%+.4f" : "%+.2f", delta);
  }
}
