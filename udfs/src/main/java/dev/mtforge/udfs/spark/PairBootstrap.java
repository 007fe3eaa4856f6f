package dev.mtforge.udfs.spark;

import dev.mtforge.udfs.metrics.BootstrapConfidence;
import dev.mtforge.udfs.metrics.MetricSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The bootstrap confidence interval of one system's corpus score on one language pair, on an
 * executor: the input row holds the pair's key and the list of its segments' {@code (doc_id,
 * seg_id, stats)}. Segments are put in key order first ({@code doc_id} nulls first, then
 * {@code seg_id}), so the resamples, and the interval, do not depend on how Spark partitioned or
 * collected them, and equal {@code sacrebleu -ci} on files written in that order.
 *
 * <p>Input columns: the pair key {@code system_id, dataset, split, src_lang, tgt_lang, metric}
 * and {@code segments}. Output: {@link #OUTPUT}.
 */
public final class PairBootstrap implements MapFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  /** The pair key with the interval's bounds ({@code mean ∓ half width}). */
  public static final StructType OUTPUT =
      new StructType()
          .add("system_id", DataTypes.StringType, false)
          .add("dataset", DataTypes.StringType, false)
          .add("split", DataTypes.StringType, false)
          .add("src_lang", DataTypes.StringType, false)
          .add("tgt_lang", DataTypes.StringType, false)
          .add("metric", DataTypes.StringType, false)
          .add("ci_low", DataTypes.DoubleType, false)
          .add("ci_high", DataTypes.DoubleType, false);

  private static final Comparator<Row> SEGMENT_ORDER =
      Comparator.comparing((Row r) -> r.isNullAt(0) ? null : r.getString(0), Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparingInt(r -> r.getInt(1));

  private final ArrayList<MetricSpec> specs;
  private final int samples;
  private final long seed;

  public PairBootstrap(List<MetricSpec> specs, int samples, long seed) {
    this.specs = new ArrayList<>(specs);
    this.samples = samples;
    this.seed = seed;
    BootstrapConfidence.of(samples, seed); // checks the sample count on the driver
  }

  @Override
  public Row call(Row pair) {
    Map<String, MetricSpec> byLabel = new HashMap<>();
    specs.forEach(s -> byLabel.put(s.label(), s));
    String tgt = pair.getString(pair.fieldIndex("tgt_lang"));
    String label = pair.getString(pair.fieldIndex("metric"));
    List<Row> segments = new ArrayList<>(pair.getList(pair.fieldIndex("segments")));
    segments.sort(SEGMENT_ORDER);
    List<long[]> stats = new ArrayList<>(segments.size());
    for (Row s : segments) {
      List<Long> values = s.getList(2);
      long[] a = new long[values.size()];
      for (int i = 0; i < a.length; i++) {
        a[i] = values.get(i);
      }
      stats.add(a);
    }
    BootstrapConfidence.Interval ci =
        BootstrapConfidence.of(samples, seed).estimate(byLabel.get(label).corpus(tgt), stats);
    return RowFactory.create(pair.getString(pair.fieldIndex("system_id")), pair.getString(pair.fieldIndex("dataset")),
        pair.getString(pair.fieldIndex("split")), pair.getString(pair.fieldIndex("src_lang")), tgt, label,
        ci.low(), ci.high());
  }
}
