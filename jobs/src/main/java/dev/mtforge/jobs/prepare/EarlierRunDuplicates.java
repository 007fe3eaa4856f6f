package dev.mtforge.jobs.prepare;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import dev.mtforge.udfs.filters.PairFilters;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Rejects training pairs that exactly repeat a training pair an earlier run already stored in
 * {@code parallel_sentences} (another dataset, or another file of the same one), as
 * {@code duplicate} with a detail naming the stored row and its run:
 * {@code same as alma/train seg 1 (run run-1)}. A stored row with the pair's own key is the pair
 * itself (a re-run), not a duplicate.
 */
final class EarlierRunDuplicates {
  private EarlierRunDuplicates() {}

  /**
   * Sets reason and detail of the not yet rejected rows of {@code judged} (columns row_key,
   * src_lang, tgt_lang, src_text, tgt_text, reason, detail) that {@code storedTrain} (rows of
   * parallel_sentences in training splits) already holds under another key, from a run other
   * than {@code runId}.
   */
  static Dataset<Row> mark(Dataset<Row> judged, Dataset<Row> storedTrain, Column storedRowKey, String runId) {
    // Rows of this run are left out: the caller reads the table as of the run's start, but a
    // retried run with the same run id may find its own rows from the failed attempt.
    Dataset<Row> stored = storedTrain.filter(col("run_id").notEqual(runId)).select(
        col("src_lang").as("s_src_lang"), col("tgt_lang").as("s_tgt_lang"), col("src_text").as("s_src_text"),
        col("tgt_text").as("s_tgt_text"), storedRowKey.as("s_row_key"),
        struct(col("dataset"), col("split"), coalesce(col("doc_id"), lit("")).as("doc"), col("seg_id"),
            concat(concat_ws(" ", concat(col("dataset"), lit("/"), col("split")), col("doc_id"),
                concat(lit("seg "), col("seg_id").cast("string"))), lit(" (run "), col("run_id"), lit(")"))
                .as("label")).as("s_row"));
    Dataset<Row> open = judged.filter(col("reason").isNull())
        .select("row_key", "src_lang", "tgt_lang", "src_text", "tgt_text");
    Dataset<Row> earlier = open.join(stored, open.col("src_lang").equalTo(stored.col("s_src_lang"))
            .and(open.col("tgt_lang").equalTo(stored.col("s_tgt_lang")))
            .and(open.col("src_text").equalTo(stored.col("s_src_text")))
            .and(open.col("tgt_text").equalTo(stored.col("s_tgt_text")))
            .and(open.col("row_key").notEqual(stored.col("s_row_key"))))
        .groupBy("row_key").agg(min("s_row").getField("label").as("earlier_row"));
    Column repeat = col("reason").isNull().and(col("earlier_row").isNotNull());
    return judged.join(earlier, judged.col("row_key").equalTo(earlier.col("row_key")), "left")
        .drop(earlier.col("row_key"))
        .withColumn("detail", when(repeat, concat(lit("same as "), col("earlier_row"))).otherwise(col("detail")))
        .withColumn("reason", when(repeat, lit(PairFilters.DUPLICATE)).otherwise(col("reason")))
        .drop("earlier_row");
  }
}
