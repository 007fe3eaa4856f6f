package dev.mtforge.jobs.multiway;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.tables.Tables;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The segment pairs of any direction of a multi-way test set, without storing them.
 *
 * <p>{@code prepare} stores a multi-way set (Flores-200, FLORES+, NTREX) English-centric: each
 * language's segment {@code k} with English segment {@code k}, in both directions. Any other
 * direction {@code de-cs} pairs German segment {@code k} with Czech segment {@code k}: a join of
 * the stored rows on dataset, split, doc id, seg id <em>and the English text</em>, so only segments
 * that are translations of the same English sentence are paired (a WMT-style set whose languages
 * have different documents at the same seg id yields nothing). Flores-200's 2,352 non-English
 * directions × 1,012 segments are computed when a job asks for them, not written to
 * {@code parallel_sentences} (see docs/DESIGN.md).
 *
 * <p>Stored rows always win: a direction that a dataset split stores in {@code parallel_sentences}
 * (WMT de-fr, or the English-centric directions of Flores) is read as stored, and rows are only
 * derived for the directions it does not store at all.
 *
 * <pre>{@code
 * Dataset<Row> deCs = MultiWayPairs.pairs(warehouse, "flores200", "devtest", List.of(Direction.of("de-cs")));
 * }</pre>
 */
public final class MultiWayPairs {
  /** The columns of {@link #pairs} and {@link #references}, a subset of parallel_sentences'. */
  public static final List<String> COLUMNS =
      List.of("dataset", "split", "doc_id", "seg_id", "src_lang", "tgt_lang", "src_text", "tgt_text", "extra_refs",
          "direction");
  private static final String[] KEY = {"dataset", "split", "src_lang", "tgt_lang", "doc_id", "seg_id"};

  private MultiWayPairs() {}

  /**
   * The languages of a test set: every language with a segment aligned to English (English
   * included), sorted.
   *
   * @param split null for every split of the dataset
   */
  public static List<String> languages(Warehouse warehouse, String dataset, String split) {
    List<String> out = new ArrayList<>();
    for (Row r : sides(testSet(warehouse, dataset, split)).select("lang").distinct().orderBy("lang").collectAsList()) {
      out.add(r.getString(0));
    }
    return out;
  }

  /**
   * The pairs of the given directions of a test set: the stored rows of the directions it stores,
   * derived rows for the others. Columns: {@link #COLUMNS}.
   *
   * @param split null for every split of the dataset
   */
  public static Dataset<Row> pairs(Warehouse warehouse, String dataset, String split, List<Direction> directions) {
    Dataset<Row> stored = only(testSet(warehouse, dataset, split), directions);
    // Only directions a split does not store are derived: a stored en-de WMT set must not also
    // become a de-en one, nor add rows to a stored de-en set. When every split stores every
    // requested direction (English-centric requests), there is nothing to join.
    Set<String> storedGroups = new HashSet<>();
    for (Row r : stored.select("split", "src_lang", "tgt_lang").distinct().collectAsList()) {
      storedGroups.add(r.getString(0) + " " + r.getString(1) + "-" + r.getString(2));
    }
    boolean complete = true;
    for (Row r : testSet(warehouse, dataset, split).select("split").distinct().collectAsList()) {
      for (Direction d : directions) {
        complete &= storedGroups.contains(r.getString(0) + " " + d);
      }
    }
    if (complete) {
      return stored.select(columns());
    }
    Dataset<Row> derived = derive(sides(testSet(warehouse, dataset, split)), directions)
        .join(stored.select("dataset", "split", "src_lang", "tgt_lang").distinct(),
            new String[] {"dataset", "split", "src_lang", "tgt_lang"}, "left_anti");
    return stored.select(columns()).unionByName(derived);
  }

  /**
   * Reference rows for scoring: every stored row of {@code parallel_sentences}, plus derived rows
   * for the (dataset, split, direction) groups of {@code needed} that are not stored at all.
   *
   * @param needed rows with dataset, split, src_lang and tgt_lang (the translations to score)
   */
  public static Dataset<Row> references(Warehouse warehouse, Dataset<Row> needed) {
    Dataset<Row> stored = warehouse.read(Tables.PARALLEL_SENTENCES);
    List<Row> neededGroups = needed.select("dataset", "split", "src_lang", "tgt_lang").distinct().collectAsList();
    if (neededGroups.isEmpty()) {
      return stored.select(columns());
    }
    // Only the test sets being scored are looked at (the table is partitioned by dataset and
    // split; training data can be millions of rows).
    Column inTestSets = lit(false);
    Set<String> testSetNames = new HashSet<>();
    for (Row g : neededGroups) {
      if (testSetNames.add(g.getString(0) + "/" + g.getString(1))) {
        inTestSets = inTestSets.or(col("dataset").equalTo(g.getString(0)).and(col("split").equalTo(g.getString(1))));
      }
    }
    Dataset<Row> testSets = stored.where(inTestSets);
    Set<String> storedGroups = new HashSet<>();
    for (Row r : testSets.select("dataset", "split", "src_lang", "tgt_lang").distinct().collectAsList()) {
      storedGroups.add(r.mkString("\u0001"));
    }
    List<Row> missing = neededGroups.stream().filter(g -> !storedGroups.contains(g.mkString("\u0001"))).toList();
    if (missing.isEmpty()) {
      return stored.select(columns());
    }
    Dataset<Row> wanted = warehouse.spark().createDataFrame(missing, missing.get(0).schema());
    List<Direction> directions = new ArrayList<>();
    for (Row g : missing) {
      directions.add(new Direction(g.getString(2), g.getString(3)));
    }
    Dataset<Row> derived = derive(sides(testSets), directions)
        .join(functions.broadcast(wanted), new String[] {"dataset", "split", "src_lang", "tgt_lang"}, "left_semi");
    return stored.select(columns()).unionByName(derived);
  }

  /** Derived rows of the given directions from the English-aligned sides. */
  private static Dataset<Row> derive(Dataset<Row> sides, List<Direction> directions) {
    Dataset<Row> a = sides.select(col("dataset"), col("split"), col("doc_id"), col("seg_id"), col("en"),
        col("lang").as("src_lang"), col("text").as("src_text"));
    Dataset<Row> b = sides.select(col("dataset").as("b_dataset"), col("split").as("b_split"),
        col("doc_id").as("b_doc"), col("seg_id").as("b_seg"), col("en").as("b_en"), col("lang").as("tgt_lang"),
        col("text").as("tgt_text"));
    Dataset<Row> joined = a.join(b, col("dataset").equalTo(col("b_dataset")).and(col("split").equalTo(col("b_split")))
            .and(col("doc_id").eqNullSafe(col("b_doc"))).and(col("seg_id").equalTo(col("b_seg")))
            .and(col("en").equalTo(col("b_en"))));
    joined = only(joined, directions);
    // One row per key even if a language had two texts for the same English sentence (never in
    // Flores): the smallest, so the choice does not depend on partitioning.
    Column[] key = java.util.Arrays.stream(KEY).map(functions::col).toArray(Column[]::new);
    return joined.groupBy(key)
        .agg(functions.min(functions.struct(col("src_text"), col("tgt_text"))).as("texts"))
        .select(col("dataset"), col("split"), col("doc_id"), col("seg_id"), col("src_lang"), col("tgt_lang"),
            col("texts.src_text").as("src_text"), col("texts.tgt_text").as("tgt_text"),
            lit(null).cast("array<string>").as("extra_refs"), direction(col("src_lang"), col("tgt_lang")).as("direction"));
  }

  /**
   * Each language's text of a segment beside the segment's English, from rows in either
   * direction; English is a side of its own. Duplicates (a mirrored pair) collapse.
   */
  private static Dataset<Row> sides(Dataset<Row> rows) {
    Dataset<Row> english = rows.where(col("tgt_lang").equalTo("en").or(col("src_lang").equalTo("en")));
    Column xx = when(col("tgt_lang").equalTo("en"), col("src_lang")).otherwise(col("tgt_lang"));
    Column xxText = when(col("tgt_lang").equalTo("en"), col("src_text")).otherwise(col("tgt_text"));
    Column en = when(col("tgt_lang").equalTo("en"), col("tgt_text")).otherwise(col("src_text"));
    Dataset<Row> others = english.select(col("dataset"), col("split"), col("doc_id"), col("seg_id"),
        xx.as("lang"), xxText.as("text"), en.as("en"));
    Dataset<Row> itself = english.select(col("dataset"), col("split"), col("doc_id"), col("seg_id"),
        lit("en").as("lang"), en.as("text"), en.as("en"));
    return others.unionByName(itself).distinct();
  }

  private static Dataset<Row> testSet(Warehouse warehouse, String dataset, String split) {
    Dataset<Row> rows = warehouse.read(Tables.PARALLEL_SENTENCES).where(col("dataset").equalTo(dataset));
    return split == null ? rows : rows.where(col("split").equalTo(split));
  }

  /** The rows of the given directions: a semi-join with a small frame, not thousands of ORs. */
  private static Dataset<Row> only(Dataset<Row> rows, List<Direction> directions) {
    List<Row> pairs = new ArrayList<>();
    for (Direction d : directions) {
      pairs.add(RowFactory.create(d.src(), d.tgt()));
    }
    StructType schema = new StructType().add("src_lang", DataTypes.StringType).add("tgt_lang", DataTypes.StringType);
    Dataset<Row> wanted = rows.sparkSession().createDataFrame(pairs, schema);
    return rows.join(functions.broadcast(wanted), new String[] {"src_lang", "tgt_lang"}, "left_semi");
  }

  /** {@code xx-en}, {@code en-xx} or {@code xx-yy}, as the tables spell directions. */
  public static Column direction(Column src, Column tgt) {
    return when(tgt.equalTo("en"), lit("xx-en")).when(src.equalTo("en"), lit("en-xx")).otherwise(lit("xx-yy"));
  }

  private static Column[] columns() {
    return COLUMNS.stream().map(functions::col).toArray(Column[]::new);
  }
}
