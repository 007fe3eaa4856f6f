package dev.mtforge.jobs.training;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.udf;

import dev.mtforge.udfs.augment.MuseDictionary;
import dev.mtforge.udfs.spark.CodeSwitchUdf;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * build-training's {@code --code-switch}: adds, next to each training pair, a copy whose source
 * words were replaced from MUSE dictionaries ({@link dev.mtforge.udfs.augment.CodeSwitcher}),
 * when at least one word was. The copy keeps the original source ({@link #ORIGINAL}) and the
 * replacement count ({@link #REPLACEMENTS}); original pairs have nulls there.
 */
final class CodeSwitchAugmentation {
  private static final Logger LOG = LoggerFactory.getLogger(CodeSwitchAugmentation.class);
  /** Column with the source before code-switching (null for original pairs). */
  static final String ORIGINAL = "code_switch_original";
  /** Column with the number of replaced words (null for original pairs). */
  static final String REPLACEMENTS = "code_switch_replacements";
  /** Malformed lines logged one by one; the rest are counted. */
  private static final int LOGGED_LINES = 50;

  private final CodeSwitchUdf udf;
  private final double ratio;

  private CodeSwitchAugmentation(CodeSwitchUdf udf, double ratio) {
    this.udf = udf;
    this.ratio = ratio;
  }

  /** Reads the dictionaries of {@code dir} on the driver and logs their malformed lines. */
  static CodeSwitchAugmentation load(SparkSession spark, String dir, double ratio, long seed) {
    CodeSwitchUdf udf = CodeSwitchUdf.load(spark, dir, ratio, seed);
    List<MuseDictionary.MalformedLine> malformed = udf.malformedLines();
    for (int i = 0; i < Math.min(LOGGED_LINES, malformed.size()); i++) {
      LOG.warn("Skipped malformed dictionary line {}", malformed.get(i));
    }
    for (MuseDictionary d : udf.dictionaries()) {
      LOG.info("Dictionary {} ({} -> {}): {} entry lines, {} words, {} malformed lines, sha256 {}", d.file(),
          d.srcLang(), d.tgtLang(), d.entryLines(), d.entries().size(), d.malformed().size(), d.sha256());
    }
    return new CodeSwitchAugmentation(udf, ratio);
  }

  /** Without augmentation: the two columns, null. */
  static Dataset<Row> none(Dataset<Row> pairs) {
    return pairs.withColumn(ORIGINAL, lit(null).cast("string")).withColumn(REPLACEMENTS, lit(null).cast("int"));
  }

  /** The pairs, plus one code-switched copy of each pair with at least one replaced word. */
  Dataset<Row> apply(Dataset<Row> pairs) {
    UserDefinedFunction switchWords = udf(udf, CodeSwitchUdf.RESULT);
    // The example's identity: its key, direction and sampling copy (repeats are switched differently).
    Column key = concat_ws("\u0001", col("pair_hash"), col("src_lang"), col("tgt_lang"), col("dataset"),
        col("split"), coalesce(col("doc_id"), lit("")), col("seg_id").cast("string"), col("copy").cast("string"));
    Dataset<Row> switched = pairs
        .withColumn("mtforge_cs", switchWords.apply(col("src_text"), col("src_lang"), key))
        .where(col("mtforge_cs.replacements").gt(0))
        .withColumn(ORIGINAL, col("src_text"))
        .withColumn("src_text", col("mtforge_cs.text"))
        .withColumn(REPLACEMENTS, col("mtforge_cs.replacements"))
        .drop("mtforge_cs");
    return none(pairs).unionByName(switched);
  }

  /** The value of {@code training_shards.code_switch_dictionaries}. */
  Column dictionariesColumn() {
    List<Column> items = new ArrayList<>();
    for (MuseDictionary d : udf.dictionaries()) {
      items.add(struct(lit(d.file()).as("file"), lit(d.sha256()).as("sha256"), lit(d.entryLines()).as("entries"),
          lit((long) d.malformed().size()).as("malformed_lines")));
    }
    return functions.array(items.toArray(new Column[0]));
  }

  double ratio() {
    return ratio;
  }

  List<MuseDictionary.MalformedLine> malformedLines() {
    return udf.malformedLines();
  }
}
