package dev.mtforge.jobs.training;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Temperature sampling across languages, per direction: language l with n_l pairs (N = Σ n_l in
 * the direction) gets m_l pairs with m_l / M = p_l = (n_l/N)^(1/T) / Σ_k (n_k/N)^(1/T), where M is
 * the requested total or N. The m_l are whole numbers summing to M exactly (largest remainder).
 * T = 1 keeps the natural proportions, larger T flattens them towards uniform. A language gets
 * its pairs in the order of the seeded hash, repeated when m_l > n_l (low-resource upsampling):
 * every pair {@code floor(m_l/n_l)} times, the first {@code m_l mod n_l} once more.
 */
final class TemperatureSampling {
  private static final Logger LOG = LoggerFactory.getLogger(TemperatureSampling.class);

  private TemperatureSampling() {}

  /**
   * Pairs per language for one direction (the formula above); {@code counts} maps language to
   * n_l, the result has the same keys in the same order. Remainders are given out largest first,
   * ties by language order.
   */
  static Map<String, Long> targets(Map<String, Long> counts, double temperature, OptionalLong total) {
    long natural = counts.values().stream().mapToLong(Long::longValue).sum();
    long wanted = total.orElse(natural);
    Map<String, Double> weights = new LinkedHashMap<>();
    double sum = 0;
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      double w = Math.pow((double) e.getValue() / natural, 1.0 / temperature);
      weights.put(e.getKey(), w);
      sum += w;
    }
    Map<String, Long> targets = new LinkedHashMap<>();
    List<Map.Entry<String, Double>> remainders = new ArrayList<>();
    long given = 0;
    for (Map.Entry<String, Double> e : weights.entrySet()) {
      double exact = wanted * e.getValue() / sum;
      long floor = (long) Math.floor(exact);
      targets.put(e.getKey(), floor);
      remainders.add(Map.entry(e.getKey(), exact - floor));
      given += floor;
    }
    remainders.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()));
    for (int i = 0; i < wanted - given; i++) {
      targets.merge(remainders.get(i).getKey(), 1L, Long::sum);
    }
    return targets;
  }

  /**
   * Samples {@code pairs} (columns {@code direction}, {@code lang}) and adds {@code copy}
   * (1, 2, … for repeats of a pair). {@code order} ranks the pairs of a language (the seeded hash).
   */
  static Dataset<Row> apply(Dataset<Row> pairs, double temperature, OptionalLong total, Column order) {
    Map<String, Map<String, Long>> counts = new TreeMap<>();
    for (Row r : pairs.groupBy("direction", "lang").agg(count(lit(1))).orderBy("direction", "lang").collectAsList()) {
      counts.computeIfAbsent(r.getString(0), d -> new LinkedHashMap<>()).put(r.getString(1), r.getLong(2));
    }
    List<Row> plan = new ArrayList<>();
    for (Map.Entry<String, Map<String, Long>> direction : counts.entrySet()) {
      Map<String, Long> targets = targets(direction.getValue(), temperature, total);
      LOG.info("Temperature {} sampling, {}: pairs per language {} -> {}", temperature, direction.getKey(),
          direction.getValue(), targets);
      targets.forEach((lang, m) -> plan.add(RowFactory.create(direction.getKey(), lang, direction.getValue().get(lang), m)));
    }
    StructType schema = new StructType().add("direction", DataTypes.StringType).add("lang", DataTypes.StringType)
        .add("lang_pairs", DataTypes.LongType).add("lang_target", DataTypes.LongType);
    Dataset<Row> targets = pairs.sparkSession().createDataFrame(plan, schema);
    return pairs.join(targets, scala.collection.JavaConverters.asScalaBuffer(List.of("direction", "lang")).toSeq())
        .withColumn("lang_rank", row_number().over(Window.partitionBy("direction", "lang").orderBy(order)))
        .withColumn("copies", expr("lang_target div lang_pairs")
            .plus(when(col("lang_rank").leq(expr("lang_target % lang_pairs")), 1).otherwise(0)))
        .filter(col("copies").gt(0))
        .withColumn("copy", explode(sequence(lit(1L), col("copies"))))
        .drop("lang_pairs", "lang_target", "lang_rank", "copies");
  }
}
