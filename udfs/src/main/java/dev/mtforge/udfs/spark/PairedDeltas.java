package dev.mtforge.udfs.spark;

import dev.mtforge.udfs.analysis.PairedComparison;
import dev.mtforge.udfs.metrics.Metric;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The paired bootstrap of one system against the baseline on one language pair and metric, on an
 * executor. The input row holds, in this order, the key ({@code system_id, dataset, split,
 * src_lang, tgt_lang, metric}) and {@code segments}: a list of {@code (doc_id, seg_id, stats,
 * score, base_stats, base_score)}, one per segment both systems were scored on. Segments are put in key order first
 * ({@code doc_id} nulls first, then {@code seg_id}), as {@link PairBootstrap} does, so the
 * p-value equals {@code mtforge score --paired-bs} (and sacreBLEU's) on files written in that
 * order, whatever Spark's partitioning.
 */
public final class PairedDeltas implements MapFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  /** Column names of the input's key, in order. */
  public static final List<String> KEY = List.of("system_id", "dataset", "split", "src_lang", "tgt_lang", "metric");

  /** The key, both corpus scores, the p-value and the segment count. */
  public static final StructType OUTPUT =
      new StructType()
          .add("system_id", DataTypes.StringType, false)
          .add("dataset", DataTypes.StringType, false)
          .add("split", DataTypes.StringType, false)
          .add("src_lang", DataTypes.StringType, false)
          .add("tgt_lang", DataTypes.StringType, false)
          .add("metric", DataTypes.StringType, false)
          .add("score", DataTypes.DoubleType, false)
          .add("baseline_score", DataTypes.DoubleType, false)
          .add("p_value", DataTypes.DoubleType, false)
          .add("segments", DataTypes.LongType, false);

  private static final Comparator<Row> SEGMENT_ORDER =
      Comparator.comparing((Row r) -> r.isNullAt(0) ? null : r.getString(0), Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparingInt(r -> r.getInt(1));

  private final int samples;
  private final long seed;

  public PairedDeltas(int samples, long seed) {
    PairedComparison.of(samples, seed); // checks both on the driver
    this.samples = samples;
    this.seed = seed;
  }

  @Override
  public Row call(Row pair) {
    String label = pair.getString(KEY.indexOf("metric"));
    List<Row> segments = new ArrayList<>(pair.getList(KEY.size()));
    segments.sort(SEGMENT_ORDER);
    PairedComparison test = PairedComparison.of(samples, seed);
    Optional<Metric> metric = PairedComparison.statisticsMetric(label);
    boolean withStats = metric.isPresent() && segments.stream().noneMatch(s -> s.isNullAt(2) || s.isNullAt(4));
    PairedComparison.Outcome outcome;
    if (withStats) {
      List<long[]> system = new ArrayList<>(segments.size());
      List<long[]> baseline = new ArrayList<>(segments.size());
      for (Row s : segments) {
        system.add(longs(s.getList(2)));
        baseline.add(longs(s.getList(4)));
      }
      outcome = test.onStatistics(metric.get(), system, baseline);
    } else {
      double[] system = new double[segments.size()];
      double[] baseline = new double[segments.size()];
      for (int i = 0; i < system.length; i++) {
        system[i] = segments.get(i).getDouble(3);
        baseline[i] = segments.get(i).getDouble(5);
      }
      outcome = test.onScores(system, baseline);
    }
    Object[] values = new Object[OUTPUT.size()];
    for (int i = 0; i < KEY.size(); i++) {
      values[i] = pair.get(i);
    }
    values[6] = outcome.score();
    values[7] = outcome.baselineScore();
    values[8] = outcome.pValue();
    values[9] = (long) segments.size();
    return RowFactory.create(values);
  }

  private static long[] longs(List<Long> values) {
    long[] out = new long[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }
}
