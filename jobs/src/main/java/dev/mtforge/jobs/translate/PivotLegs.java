package dev.mtforge.jobs.translate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.mtforge.jobs.multiway.MultiWayPairs;
import dev.mtforge.schemas.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The two legs of pivot translation (src→pivot→tgt) as rows of {@code translations}.
 *
 * <p>The first leg of segment {@code k} of {@code de-cs} through English is the system's own
 * {@code de-en} translation of segment {@code k}: an ordinary row ({@code pivot_lang} null), made
 * once and shared by every target of that German segment. The second leg translates its
 * hypothesis with the en→xx route, and is stored as the {@code de-cs} row: German source text,
 * Czech hypothesis, {@code pivot_lang = en}. Joining on the key with {@code tgt_lang = pivot_lang}
 * finds the intermediate text:
 *
 * <pre>{@code
 * SELECT f.seg_id, f.source_text, i.hypothesis AS english, f.hypothesis
 * FROM translations f JOIN translations i
 *   ON i.system_id = f.system_id AND i.dataset = f.dataset AND i.split = f.split
 *  AND i.src_lang = f.src_lang AND i.tgt_lang = f.pivot_lang AND i.doc_id <=> f.doc_id AND i.seg_id = f.seg_id
 * }</pre>
 *
 * <p>Each leg is its own resumable pass: the second starts when every first leg is stored.
 */
final class PivotLegs {
  /** The original source of a second-leg row, carried beside the translator's input columns. */
  private static final String SOURCE = "mtforge_source";

  private PivotLegs() {}

  /** First legs (src→pivot) of the pivoted pairs' rows: one per source segment. */
  static Dataset<Row> firstLegs(Dataset<Row> pivotedPairs, String pivot) {
    return pivotedPairs
        .select(col("dataset"), col("split"), col("src_lang"), lit(pivot).as("tgt_lang"),
            MultiWayPairs.direction(col("src_lang"), lit(pivot)).as("direction"), col("doc_id"), col("seg_id"),
            col("src_text"))
        .dropDuplicates("dataset", "split", "src_lang", "tgt_lang", "doc_id", "seg_id");
  }

  /**
   * Second legs (pivot→tgt) of pivoted rows still to translate: the stored first-leg hypothesis is
   * the text to translate, and the translator's {@code direction} column (which it copies as is)
   * carries the original source language, so that {@link #finish} can restore it. A pivoted row
   * whose first leg is missing is an error (pass 1 stores every first leg before pass 2 starts).
   *
   * @param todo pivoted pairs not translated yet (leg columns)
   * @param intermediates the system's rows with {@code tgt_lang = pivot}: dataset, split, src_lang,
   *     doc_id, seg_id, hypothesis
   */
  static Dataset<Row> secondLegs(Dataset<Row> todo, Dataset<Row> intermediates, String pivot) {
    Dataset<Row> i = intermediates.alias("i");
    Dataset<Row> t = todo.alias("t");
    Column on = col("t.dataset").equalTo(col("i.dataset")).and(col("t.split").equalTo(col("i.split")))
        .and(col("t.src_lang").equalTo(col("i.src_lang"))).and(col("t.doc_id").eqNullSafe(col("i.doc_id")))
        .and(col("t.seg_id").equalTo(col("i.seg_id")));
    Dataset<Row> joined = t.join(i, on, "left").persist();
    try {
      Row orphan = joined.where(col("i.hypothesis").isNull()).select(col("t.src_lang"), col("t.tgt_lang"),
          col("t.seg_id")).limit(1).collectAsList().stream().findFirst().orElse(null);
      if (orphan != null) {
        throw new InvalidInputException("Cannot translate " + orphan.getString(0) + "-" + orphan.getString(1) + " seg "
            + orphan.getInt(2) + " through " + pivot + ": table translations has no " + orphan.getString(0) + "-"
            + pivot + " row (first leg) for it");
      }
    } finally {
      joined.unpersist();
    }
    return joined.select(col("t.dataset").as("dataset"), col("t.split").as("split"), lit(pivot).as("src_lang"),
        col("t.tgt_lang").as("tgt_lang"), col("t.src_lang").as("direction"), col("t.doc_id").as("doc_id"),
        col("t.seg_id").as("seg_id"), col("i.hypothesis").as("src_text"), col("t.src_text").as(SOURCE));
  }

  /**
   * Turns translated second legs back into the pivoted pairs' rows: source language and text of
   * the original pair, its direction, {@code pivot_lang} set.
   */
  static BiFunction<Dataset<Row>, Dataset<Row>, Dataset<Row>> finish(String pivot) {
    return (translated, input) -> {
      Dataset<Row> out = translated.alias("o");
      Dataset<Row> in = input.select(col("dataset"), col("split"), col("tgt_lang"), col("direction").as("orig_src"),
          col("doc_id"), col("seg_id"), col(SOURCE)).alias("n");
      Column on = col("o.dataset").equalTo(col("n.dataset")).and(col("o.split").equalTo(col("n.split")))
          .and(col("o.tgt_lang").equalTo(col("n.tgt_lang"))).and(col("o.direction").equalTo(col("n.orig_src")))
          .and(col("o.doc_id").eqNullSafe(col("n.doc_id"))).and(col("o.seg_id").equalTo(col("n.seg_id")));
      List<Column> columns = new ArrayList<>();
      StructType schema = translated.schema();
      for (StructField f : schema.fields()) {
        columns.add(switch (f.name()) {
          case "src_lang" -> col("o.direction").as("src_lang");
          case "direction" -> MultiWayPairs.direction(col("o.direction"), col("o.tgt_lang")).as("direction");
          case "source_text" -> col("n." + SOURCE).as("source_text");
          default -> col("o." + f.name()).as(f.name());
        });
      }
      columns.add(lit(pivot).as("pivot_lang"));
      return out.join(in, on).select(columns.toArray(new Column[0]));
    };
  }
}
