package dev.mtforge.udfs.spark;

import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.udfs.augment.CodeSwitchLexicon;
import dev.mtforge.udfs.augment.CodeSwitcher;
import dev.mtforge.udfs.augment.MuseDictionary;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code (src_text, src_lang, key) -> struct<text, replacements>}: {@link CodeSwitcher} as a Spark
 * UDF. The driver reads every MUSE dictionary of a folder once (local or {@code s3a://}), keeps
 * what each file holds (sha256, entries, malformed lines) for the caller to record and report,
 * and broadcasts the merged lexicon; each task builds its switcher from the broadcast value.
 *
 * <pre>{@code
 * CodeSwitchUdf cs = CodeSwitchUdf.load(spark, "s3a://bucket/muse/", 0.3, 42);
 * df.withColumn("cs", udf(cs, CodeSwitchUdf.RESULT).apply(col("src_text"), col("src_lang"), col("key")));
 * }</pre>
 */
public final class CodeSwitchUdf implements UDF3<String, String, String, Row> {
  /** What the UDF returns. */
  public static final StructType RESULT =
      new StructType().add("text", DataTypes.StringType).add("replacements", DataTypes.IntegerType);

  private final Broadcast<CodeSwitchLexicon> lexicon;
  private final double ratio;
  private final long seed;
  private final transient List<MuseDictionary> dictionaries;
  private transient CodeSwitcher switcher;

  private CodeSwitchUdf(Broadcast<CodeSwitchLexicon> lexicon, double ratio, long seed, List<MuseDictionary> dictionaries) {
    this.lexicon = lexicon;
    this.ratio = ratio;
    this.seed = seed;
    this.dictionaries = dictionaries;
  }

  /**
   * Reads the MUSE dictionaries ({@code <src>-<tgt>[.<part>].txt}) directly in {@code dir}; files
   * not ending in {@code .txt} are skipped. A missing folder, a folder without dictionaries, a
   * {@code .txt} file with another name or an unreadable file throws {@link InvalidInputException}
   * naming it; malformed lines do not throw: they are in {@link #malformedLines()}.
   *
   * @param ratio probability that a word found in a dictionary is replaced, in (0, 1]
   */
  public static CodeSwitchUdf load(SparkSession spark, String dir, double ratio, long seed) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path root = new Path(dir);
    List<MuseDictionary> dictionaries = new ArrayList<>();
    try {
      FileSystem fs = root.getFileSystem(conf);
      if (!fs.exists(root) || !fs.getFileStatus(root).isDirectory()) {
        throw new InvalidInputException("Cannot read code-switch dictionaries: " + dir + " is not a folder", dir, null);
      }
      FileStatus[] files = fs.listStatus(root);
      Arrays.sort(files, Comparator.comparing(f -> f.getPath().getName()));
      for (FileStatus f : files) {
        if (!f.isFile() || !f.getPath().getName().endsWith(".txt")) {
          continue; // a README or checksum file beside the dictionaries
        }
        byte[] bytes;
        try (InputStream in = fs.open(f.getPath())) {
          bytes = in.readAllBytes();
        }
        dictionaries.add(MuseDictionary.parse(f.getPath().toString(), bytes));
      }
    } catch (IOException e) {
      throw new InvalidInputException("Cannot read code-switch dictionaries in " + dir + ": " + e.getMessage(), dir, e);
    }
    if (dictionaries.isEmpty()) {
      throw new InvalidInputException(
          "Cannot read code-switch dictionaries: " + dir + " holds no MUSE dictionary named <src>-<tgt>.txt"
              + " (such as en-de.txt)", dir, null);
    }
    new CodeSwitcher(CodeSwitchLexicon.of(List.of()), ratio, seed); // a bad ratio fails here
    Broadcast<CodeSwitchLexicon> lexicon =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(CodeSwitchLexicon.of(dictionaries));
    return new CodeSwitchUdf(lexicon, ratio, seed, List.copyOf(dictionaries));
  }

  /** The dictionaries read, in file name order (driver only). */
  public List<MuseDictionary> dictionaries() {
    return dictionaries;
  }

  /** Lines of all dictionaries that were not entries, in file and line order (driver only). */
  public List<MuseDictionary.MalformedLine> malformedLines() {
    List<MuseDictionary.MalformedLine> out = new ArrayList<>();
    dictionaries.forEach(d -> out.addAll(d.malformed()));
    return out;
  }

  @Override
  public Row call(String text, String srcLang, String key) {
    if (text == null) {
      return null;
    }
    if (switcher == null) {
      switcher = new CodeSwitcher(lexicon.value(), ratio, seed);
    }
    CodeSwitcher.Result r = switcher.apply(text, srcLang, key);
    return RowFactory.create(r.text(), r.replacements());
  }
}
