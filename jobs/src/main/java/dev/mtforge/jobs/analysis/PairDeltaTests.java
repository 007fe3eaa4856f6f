package dev.mtforge.jobs.analysis;

import static org.apache.spark.sql.functions.col;

import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.udfs.spark.PairedDeltas;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The paired bootstrap of each system against the baseline, per test set, language pair and
 * metric, from {@code segment_scores}: the driver picks, per pair and metric, the signature both
 * were scored with and checks that both have the same segments; executors gather each pair's
 * segments and run {@link PairedDeltas}. Pairs the baseline was not scored on are skipped.
 */
final class PairDeltaTests {

  /**
   * @param deltas the comparisons, ordered by system, test set, pair and metric
   * @param skipped pairs of a system without baseline scores ({@code system dataset/split src-tgt metric})
   */
  record Outcome(List<PairDelta> deltas, List<String> skipped) {}

  private PairDeltaTests() {}

  static Outcome run(Warehouse warehouse, String baselineId, List<String> systemIds, List<String> metrics,
      int samples, long seed) {
    List<String> ids = new ArrayList<>(systemIds);
    ids.add(baselineId);
    Dataset<Row> segments =
        warehouse.read(Tables.SEGMENT_SCORES)
            .where(col("system_id").isin(ids.toArray()).and(col("metric").isin(metrics.toArray())));
    // (dataset, split, src, tgt, metric) -> signature -> segments, for the baseline and per system
    Map<List<String>, Map<String, Long>> baseline = new HashMap<>();
    Map<String, Map<List<String>, Map<String, Long>>> systems = new TreeMap<>();
    for (Row r : segments.groupBy("system_id", "dataset", "split", "src_lang", "tgt_lang", "metric", "signature")
        .count().collectAsList()) {
      List<String> pair = List.of(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5));
      Map<List<String>, Map<String, Long>> target =
          r.getString(0).equals(baselineId) ? baseline : systems.computeIfAbsent(r.getString(0), k -> new TreeMap<>(PairDeltaTests::compare));
      target.computeIfAbsent(pair, k -> new TreeMap<>()).put(r.getString(6), r.getLong(7));
    }
    List<String> skipped = new ArrayList<>();
    List<Row> chosen = new ArrayList<>();
    Map<List<String>, long[]> expected = new TreeMap<>(PairDeltaTests::compare);
    for (Map.Entry<String, Map<List<String>, Map<String, Long>>> system : systems.entrySet()) {
      String id = system.getKey();
      for (Map.Entry<List<String>, Map<String, Long>> pair : system.getValue().entrySet()) {
        List<String> p = pair.getKey();
        Map<String, Long> base = baseline.get(p);
        if (base == null) {
          skipped.add(id + " " + p.get(0) + "/" + p.get(1) + " " + p.get(2) + "-" + p.get(3) + " " + p.get(4));
          continue;
        }
        Set<String> shared = new TreeSet<>(pair.getValue().keySet());
        shared.retainAll(base.keySet());
        if (shared.size() != 1) {
          throw new InvalidInputException(
              "Cannot compare system " + id + " with baseline " + baselineId + " on " + where(p) + ": "
                  + (shared.isEmpty() ? "they were scored with different signatures (" + id + ": "
                      + pair.getValue().keySet() + "; " + baselineId + ": " + base.keySet() + ")"
                      : "both were scored with several signatures " + shared)
                  + " in table segment_scores; evaluate both with the same settings");
        }
        String signature = shared.iterator().next();
        chosen.add(RowFactory.create(id, p.get(0), p.get(1), p.get(2), p.get(3), p.get(4), signature));
        List<String> key = new ArrayList<>(List.of(id));
        key.addAll(p);
        expected.put(key, new long[] {pair.getValue().get(signature), base.get(signature)});
      }
    }
    if (chosen.isEmpty()) {
      return new Outcome(List.of(), skipped);
    }
    StructType chosenSchema = new StructType();
    for (String c : List.of("system_id", "dataset", "split", "src_lang", "tgt_lang", "metric", "signature")) {
      chosenSchema = chosenSchema.add(c, DataTypes.StringType);
    }
    Dataset<Row> picks = functions.broadcast(warehouse.spark().createDataFrame(chosen, chosenSchema));
    Dataset<Row> system = segments.join(picks, scala.collection.JavaConverters.asScalaBuffer(
        List.of("system_id", "dataset", "split", "src_lang", "tgt_lang", "metric", "signature")).toSeq());
    Dataset<Row> base =
        segments.where(col("system_id").equalTo(baselineId))
            .select(col("dataset").as("b_dataset"), col("split").as("b_split"), col("src_lang").as("b_src"),
                col("tgt_lang").as("b_tgt"), col("metric").as("b_metric"), col("signature").as("b_signature"),
                col("doc_id").as("b_doc"), col("seg_id").as("b_seg"), col("stats").as("b_stats"),
                col("score").as("b_score"));
    Column on = col("dataset").equalTo(col("b_dataset")).and(col("split").equalTo(col("b_split")))
        .and(col("src_lang").equalTo(col("b_src"))).and(col("tgt_lang").equalTo(col("b_tgt")))
        .and(col("metric").equalTo(col("b_metric"))).and(col("signature").equalTo(col("b_signature")))
        .and(col("doc_id").eqNullSafe(col("b_doc"))).and(col("seg_id").equalTo(col("b_seg")));
    Dataset<Row> grouped =
        system.join(base, on)
            .groupBy(col("system_id"), col("dataset"), col("split"), col("src_lang"), col("tgt_lang"), col("metric"))
            .agg(functions.collect_list(functions.struct(col("doc_id"), col("seg_id"), col("stats"), col("score"),
                col("b_stats"), col("b_score"))).as("segments"))
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Map<List<String>, Long> matched = new HashMap<>();
      for (Row r : grouped.select(col("system_id"), col("dataset"), col("split"), col("src_lang"), col("tgt_lang"),
          col("metric"), functions.size(col("segments"))).collectAsList()) {
        matched.put(List.of(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4),
            r.getString(5)), (long) r.getInt(6));
      }
      for (Map.Entry<List<String>, long[]> e : expected.entrySet()) {
        long same = matched.getOrDefault(e.getKey(), 0L);
        long[] counts = e.getValue();
        if (same != counts[0] || same != counts[1]) {
          List<String> k = e.getKey();
          throw new InvalidInputException(
              "Cannot compare system " + k.get(0) + " with baseline " + baselineId + " on " + where(k.subList(1, 6))
                  + ": " + k.get(0) + " has " + counts[0] + " scored segments, " + baselineId + " has " + counts[1]
                  + ", and " + same + " of them are the same segments; translate and evaluate both on the same"
                  + " test segments");
        }
      }
      List<PairDelta> deltas = new ArrayList<>();
      for (Row r : grouped.map(new PairedDeltas(samples, seed), Encoders.row(PairedDeltas.OUTPUT))
          .orderBy("system_id", "dataset", "split", "src_lang", "tgt_lang", "metric").collectAsList()) {
        deltas.add(new PairDelta(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4),
            r.getString(5), r.getDouble(6), r.getDouble(7), r.getDouble(8), r.getLong(9)));
      }
      return new Outcome(deltas, skipped);
    } finally {
      grouped.unpersist();
    }
  }

  private static String where(List<String> pair) {
    return pair.get(0) + "/" + pair.get(1) + " " + pair.get(2) + "-" + pair.get(3) + " (" + pair.get(4) + ")";
  }

  private static int compare(List<String> a, List<String> b) {
    return String.join("\u0000", a).compareTo(String.join("\u0000", b));
  }
}
