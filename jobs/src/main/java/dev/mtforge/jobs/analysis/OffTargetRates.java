package dev.mtforge.jobs.analysis;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.tables.Tables;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * {@code analysis_off_target} rows from {@code translations}: per system and language pair, how
 * many outputs had a language verdict ({@code off_target} not null) and how many were in another
 * language, and which language was detected most often instead (ties: the first code).
 */
final class OffTargetRates {
  private static final String[] PAIR = {"system_id", "dataset", "split", "src_lang", "tgt_lang"};

  private OffTargetRates() {}

  static List<Row> rows(Warehouse warehouse, List<String> systemIds) {
    Dataset<Row> translations = warehouse.read(Tables.TRANSLATIONS).where(col("system_id").isin(systemIds.toArray()));
    List<Row> counts =
        translations.groupBy(col("system_id"), col("dataset"), col("split"), col("src_lang"), col("tgt_lang"))
            .agg(max("direction"), count(lit(1)), count(col("off_target")),
                sum(when(col("off_target"), 1L).otherwise(0L)))
            .orderBy(PAIR[0], PAIR[1], PAIR[2], PAIR[3], PAIR[4])
            .collectAsList();
    Map<List<String>, String> topWrong = new HashMap<>();
    Map<List<String>, Long> topCount = new HashMap<>();
    for (Row r : translations.where(col("off_target").and(col("detected_lang").isNotNull()))
        .groupBy(col("system_id"), col("dataset"), col("split"), col("src_lang"), col("tgt_lang"), col("detected_lang"))
        .count().orderBy("detected_lang").collectAsList()) {
      List<String> key = List.of(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4));
      if (r.getLong(6) > topCount.getOrDefault(key, 0L)) {
        topCount.put(key, r.getLong(6));
        topWrong.put(key, r.getString(5));
      }
    }
    List<Row> out = new ArrayList<>();
    for (Row r : counts) {
      List<String> key = List.of(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4));
      long checked = r.getLong(7);
      long off = r.getLong(8);
      out.add(RowFactory.create(key.get(0), key.get(1), key.get(2), key.get(3), key.get(4), r.getString(5),
          r.getLong(6), checked, off, checked == 0 ? null : (double) off / checked, topWrong.get(key)));
    }
    return out;
  }
}
