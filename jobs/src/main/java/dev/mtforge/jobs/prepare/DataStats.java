package dev.mtforge.jobs.prepare;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.udfs.spark.TokenCountUdf;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Recomputes {@code data_stats} for the dataset splits a run touched, from the tables (not from the
 * run's input), so the figures always describe what the warehouse holds. With a tokenizer, token
 * counts are computed on the executors and summed exactly; fertility is the ratio of the sums
 * (tokens / words, or tokens / characters for zh and ja), not a mean of per-sentence ratios.
 */
final class DataStats {
  /** Languages whose fertility is tokens per character, not per whitespace word (BRIEF.md). */
  static final List<String> CHARACTER_LANGUAGES = List.of("zh", "ja");

  private DataStats() {}

  /** Returns the number of data_stats rows inserted or changed. */
  static long refresh(Warehouse warehouse, RunContext run, Dataset<Row> touchedSplits, Optional<TokenCountUdf> tokenizer) {
    Dataset<Row> sentences = warehouse.read(Tables.PARALLEL_SENTENCES).join(touchedSplits, joinKeys(), "left_semi");
    if (tokenizer.isPresent()) {
      UserDefinedFunction tokens = udf(tokenizer.get(), DataTypes.LongType);
      sentences = sentences.withColumn("src_tok", tokens.apply(col("src_text")))
          .withColumn("tgt_tok", tokens.apply(col("tgt_text")));
    } else {
      sentences = sentences.withColumn("src_tok", lit(null).cast("bigint")).withColumn("tgt_tok", lit(null).cast("bigint"));
    }
    Dataset<Row> stats = sentences.groupBy("dataset", "split", "src_lang", "tgt_lang", "direction")
        .agg(count(lit(1)).as("pairs"),
            expr("percentile_approx(length(src_text), 0.5)").cast("int").as("src_chars_p50"),
            expr("percentile_approx(length(src_text), 0.95)").cast("int").as("src_chars_p95"),
            expr("percentile_approx(length(tgt_text), 0.5)").cast("int").as("tgt_chars_p50"),
            expr("percentile_approx(length(tgt_text), 0.95)").cast("int").as("tgt_chars_p95"),
            expr("sum(size(filter(split(src_text, '\\\\s+'), w -> w <> '')))").as("src_words"),
            expr("sum(size(filter(split(tgt_text, '\\\\s+'), w -> w <> '')))").as("tgt_words"),
            sum(fertilityUnits("src")).as("src_units"), sum(fertilityUnits("tgt")).as("tgt_units"),
            sum("src_tok").as("src_tokens"), sum("tgt_tok").as("tgt_tokens"))
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
        .withColumn("tokenizer", lit(tokenizer.map(TokenCountUdf::file).orElse(null)).cast("string"))
        .withColumn("src_fertility", col("src_tokens").divide(nullIfZero(col("src_units"))))
        .withColumn("tgt_fertility", col("tgt_tokens").divide(nullIfZero(col("tgt_units"))))
        .drop("src_units", "tgt_units");
    return warehouse.upsert(Tables.DATA_STATS, run.stamp(rows, "parallel_sentences"));
  }

  /**
   * What fertility divides by, per row: whitespace words, or for zh and ja (written without spaces)
   * characters other than whitespace.
   */
  private static Column fertilityUnits(String side) {
    Column text = col(side + "_text");
    return when(col(side + "_lang").isin(CHARACTER_LANGUAGES.toArray()),
            length(regexp_replace(text, "\\s", "")))
        .otherwise(expr("size(filter(split(" + side + "_text, '\\\\s+'), w -> w <> ''))"));
  }

  private static Column nullIfZero(Column c) {
    return when(c.notEqual(0), c);
  }

  private static scala.collection.immutable.Seq<String> joinKeys() {
    return scala.collection.JavaConverters.asScalaBuffer(java.util.List.of("dataset", "split")).toList();
  }
}
