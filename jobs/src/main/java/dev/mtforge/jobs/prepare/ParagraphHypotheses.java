package dev.mtforge.jobs.prepare;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Re-joins sentence translations into paragraph hypotheses, the inverse of
 * {@link ParagraphSentenceSplitter}: the translations of a paragraph's sentences are concatenated
 * in {@code sent_idx} order, so a paragraph-level test set can be scored against its paragraph
 * references in {@code parallel_sentences}.
 *
 * <pre>{@code
 * Dataset<Row> paragraphs = ParagraphHypotheses.rejoin(
 *     warehouse.read(Tables.PARAGRAPH_SENTENCES),
 *     sentenceTranslations); // system_id, dataset, split, src_lang, tgt_lang, doc_id, seg_id, sent_idx, hypothesis
 * }</pre>
 *
 * <p>Sentences are joined with one space, or with nothing for languages written without spaces
 * between sentences ({@link #UNSPACED_LANGUAGES}). A paragraph one of whose sentences has no
 * translation gets a null hypothesis and a positive {@code missing_sentences}, rather than a
 * silently shortened text. Each sentence must have at most one translation per group.
 */
public final class ParagraphHypotheses {
  /** Columns that identify a paragraph (the key of parallel_sentences). */
  public static final List<String> PARAGRAPH_KEY =
      List.of("dataset", "split", "src_lang", "tgt_lang", "doc_id", "seg_id");

  /** Target languages whose sentences follow each other without a space (zh, ja, th, my, km, lo). */
  public static final Set<String> UNSPACED_LANGUAGES = Set.of("zh", "ja", "th", "my", "km", "lo");

  private ParagraphHypotheses() {}

  /**
   * One row per paragraph and per value of the translations' other columns (such as
   * {@code system_id}).
   *
   * @param paragraphSentences rows of paragraph_sentences (at least the key and sent_count)
   * @param translations the paragraph key, {@code sent_idx} and {@code hypothesis}; any other
   *     column groups the output (one paragraph hypothesis per system, for example)
   * @return the grouping columns, the paragraph key, {@code hypothesis} (null when incomplete),
   *     {@code sent_count} and {@code missing_sentences}
   */
  public static Dataset<Row> rejoin(Dataset<Row> paragraphSentences, Dataset<Row> translations) {
    List<String> required = new ArrayList<>(PARAGRAPH_KEY);
    required.add("sent_idx");
    List<String> given = Arrays.asList(translations.columns());
    for (String column : required) {
      if (!given.contains(column)) {
        throw new IllegalArgumentException(
            "Cannot re-join sentence translations: missing column '" + column + "'; expected " + required
                + " and hypothesis");
      }
    }
    if (!given.contains("hypothesis")) {
      throw new IllegalArgumentException(
          "Cannot re-join sentence translations: missing column 'hypothesis'; expected " + required
              + " and hypothesis");
    }
    List<String> groups = new ArrayList<>();
    for (String column : given) {
      if (!required.contains(column) && !column.equals("hypothesis")) {
        groups.add(column);
      }
    }
    Dataset<Row> counts = paragraphSentences.select(keyColumns(PARAGRAPH_KEY, "sent_count")).distinct();
    // every (group, paragraph) pair that has at least one translated sentence
    Dataset<Row> joined = translations.join(counts, scala(PARAGRAPH_KEY), "inner");
    List<Column> by = new ArrayList<>();
    groups.forEach(g -> by.add(col(g)));
    PARAGRAPH_KEY.forEach(k -> by.add(col(k)));
    Column separator = when(col("tgt_lang").isin(UNSPACED_LANGUAGES.toArray()), lit("")).otherwise(lit(" "));
    Dataset<Row> grouped = joined
        .withColumn("separator", separator)
        .groupBy(by.toArray(new Column[0]))
        .agg(
            array_sort(collect_list(struct(col("sent_idx"), col("hypothesis")))).as("parts"),
            first(col("sent_count")).as("sent_count"),
            first(col("separator")).as("separator"))
        .withColumn("missing_sentences", expr("sent_count - size(array_distinct("
            + "transform(filter(parts, p -> p.hypothesis IS NOT NULL), p -> p.sent_idx)))").cast("int"));
    List<Column> out = new ArrayList<>(by);
    out.add(when(col("missing_sentences").equalTo(0),
        expr("array_join(transform(parts, p -> p.hypothesis), separator)")).as("hypothesis"));
    out.add(col("sent_count"));
    out.add(col("missing_sentences"));
    return grouped.select(out.toArray(new Column[0]));
  }

  private static Column[] keyColumns(List<String> key, String extra) {
    List<Column> columns = new ArrayList<>();
    key.forEach(k -> columns.add(col(k)));
    columns.add(col(extra));
    return columns.toArray(new Column[0]);
  }

  private static scala.collection.Seq<String> scala(List<String> columns) {
    return scala.collection.JavaConverters.asScalaBuffer(columns).toList();
  }
}
