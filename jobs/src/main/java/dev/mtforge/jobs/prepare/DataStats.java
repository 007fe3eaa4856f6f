package dev.mtforge.jobs.prepare;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;

import dev.mtforge.jobs.warehouse.ChangedRowsMerge;
import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.tables.Tables;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Recomputes {@code data_stats} for the dataset splits a run touched, from the tables (not from the
 * run's input), so the figures always describe what the warehouse holds.
 */
final class DataStats {
  private DataStats() {}

  /** Returns the number of data_stats rows inserted or changed. */
  static long refresh(Warehouse warehouse, RunContext run, Dataset<Row> touchedSplits) {
    Dataset<Row> sentences = warehouse.read(Tables.PARALLEL_SENTENCES).join(touchedSplits, joinKeys(), "left_semi");
    Dataset<Row> stats = sentences.groupBy("dataset", "split", "src_lang", "tgt_lang", "direction")
        .agg(count(lit(1)).as("pairs"),
            expr("percentile_approx(length(src_text), 0.5)").cast("int").as("src_chars_p50"),
            expr("percentile_approx(length(src_text), 0.95)").cast("int").as("src_chars_p95"),
            expr("percentile_approx(length(tgt_text), 0.5)").cast("int").as("tgt_chars_p50"),
            expr("percentile_approx(length(tgt_text), 0.95)").cast("int").as("tgt_chars_p95"),
            expr("sum(size(filter(split(src_text, '\\\\s+'), w -> w <> '')))").as("src_words"),
            expr("sum(size(filter(split(tgt_text, '\\\\s+'), w -> w <> '')))").as("tgt_words"))
        .withColumn("lang_a", least(col("src_lang"), col("tgt_lang")))
        .withColumn("lang_b", greatest(col("src_lang"), col("tgt_lang")));
    // Rejected pairs are stored in one orientation; they count for both directions of the pair.
    Dataset<Row> rejected = warehouse.read(Tables.REJECTED_PAIRS).join(touchedSplits, joinKeys(), "left_semi")
        .select(col("dataset"), col("split"), least(col("src_lang"), col("tgt_lang")).as("lang_a"),
            greatest(col("src_lang"), col("tgt_lang")).as("lang_b"),
            expr("concat_ws('|', coalesce(doc_id, ''), seg_id)").as("pair_id"))
        .groupBy("dataset", "split", "lang_a", "lang_b")
        .agg(expr("count(DISTINCT pair_id)").as("rejected"));
    Dataset<Row> rows = stats.join(rejected, scala.collection.JavaConverters.asScalaBuffer(
                java.util.List.of("dataset", "split", "lang_a", "lang_b")).toSeq(), "left")
        .withColumn("rejected", coalesce(col("rejected"), lit(0L)))
        .drop("lang_a", "lang_b")
        .withColumn("tokenizer", lit(null).cast("string"))
        .withColumn("src_tokens", lit(null).cast("bigint"))
        .withColumn("tgt_tokens", lit(null).cast("bigint"))
        .withColumn("src_fertility", lit(null).cast("double"))
        .withColumn("tgt_fertility", lit(null).cast("double"));
    return ChangedRowsMerge.merge(warehouse, Tables.DATA_STATS, run.stamp(rows, "parallel_sentences"));
  }

  private static scala.collection.immutable.Seq<String> joinKeys() {
    return scala.collection.JavaConverters.asScalaBuffer(java.util.List.of("dataset", "split")).toList();
  }
}
