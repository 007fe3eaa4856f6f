package dev.mtforge.jobs.prepare;

import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import dev.mtforge.jobs.progress.JobProgress;
import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.schemas.InvalidOptionException;
import dev.mtforge.schemas.OptionValues;
import dev.mtforge.schemas.languages.Language;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.udfs.filters.FilterSettings;
import dev.mtforge.udfs.filters.PairFilters;
import dev.mtforge.udfs.langid.LanguageCheckSettings;
import dev.mtforge.udfs.langid.LinguaAccuracy;
import dev.mtforge.udfs.readers.ReadUnit;
import dev.mtforge.udfs.readers.ReaderErrors;
import dev.mtforge.udfs.readers.SourceFormat;
import dev.mtforge.udfs.readers.SourceLayout;
import dev.mtforge.udfs.readers.SourcePlan;
import dev.mtforge.udfs.spark.HadoopSourceFiles;
import dev.mtforge.udfs.spark.NormalizeUdf;
import dev.mtforge.udfs.spark.PairCheckUdf;
import dev.mtforge.udfs.spark.ReadUnitsFunction;
import dev.mtforge.udfs.spark.TokenCountUdf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingests raw parallel data into {@code parallel_sentences}: reads every source on the executors,
 * checks alignment, filters training splits (empty side, same text, length ratio, wrong script or
 * language, contamination with test sets, exact duplicates) into {@code rejected_pairs}, derives
 * both English-centric directions for multi-way and training data, writes WMT system outputs to
 * {@code wmt_system_outputs} and refreshes {@code data_stats}.
 *
 * <pre>{@code
 * PrepareCorpusJob.Result result = new PrepareCorpusJob(warehouse, registry, run)
 *     .source(SourceFormat.FLORES200, "s3a://bucket/flores200")
 *     .source(SourceFormat.ALMA_JSON, "s3a://bucket/human_written_data")
 *     .execute();
 * }</pre>
 *
 * <p>All input is read and validated (alignment, UTF-8, language codes) before the first write,
 * so bad input leaves every table as it was. Each table is written with one Delta MERGE on its key:
 * a re-run with the same inputs inserts nothing.
 */
public final class PrepareCorpusJob {
  private static final Logger LOG = LoggerFactory.getLogger(PrepareCorpusJob.class);

  /** Splits that are filtered (comma-separated); other splits are only flagged. */
  public static final String TRAIN_SPLITS = "prepare.train-splits";
  public static final String TRAIN_SPLITS_DEFAULT = "train,dev";
  /** Splits whose sentences training data must not contain (contamination check). */
  public static final String TEST_SPLITS = "prepare.test-splits";
  public static final String TEST_SPLITS_DEFAULT = "devtest,test";
  /** Longest/shortest side length above which a training pair is rejected. */
  public static final String MAX_LENGTH_RATIO = "prepare.max-length-ratio";
  /** Length of the longer side below which the ratio is not checked. */
  public static final String MIN_LENGTH_FOR_RATIO = "prepare.min-length-for-ratio";
  /** Split name for every source, instead of the one the files give. */
  public static final String SPLIT = "prepare.split";
  /** Dataset name for every source, instead of the format's default or the file's set name. */
  public static final String DATASET = "prepare.dataset";
  /**
   * HF {@code tokenizer.json} (or a folder holding one, local or {@code s3a://}) whose token counts
   * and fertility go into data_stats; none by default.
   */
  public static final String TOKENIZER = "prepare.tokenizer";
  /**
   * How the wrong_language filter uses lingua: {@code high} (default, most accurate), {@code low}
   * (several times faster, less accurate on short texts) or {@code off} (script check only).
   */
  public static final String LANGUAGE_CHECK = "prepare.language-check";
  public static final String LANGUAGE_CHECK_DEFAULT = "high";
  /**
   * Letters a side must have (names shared with the other side not counted) before lingua may
   * call it another language; shorter sides only get the script check. Default
   * {@link LanguageCheckSettings#MIN_LETTERS_DEFAULT}, chosen on NTREX-128.
   */
  public static final String LANGUAGE_MIN_LETTERS = "prepare.language-min-letters";
  /**
   * How far (0..1) lingua's confidence in the expected language must lie below its confidence in
   * the language it detects for a {@code wrong_language} rejection (lingua gives the detected
   * language 1.0, so 0.1 means the expected one is at most 0.9). Default
   * {@link LanguageCheckSettings#MIN_MARGIN_DEFAULT}, chosen on NTREX-128.
   */
  public static final String LANGUAGE_MIN_MARGIN = "prepare.language-min-margin";

  /**
   * Whether to split the source paragraphs of every non-training split into sentences
   * ({@code paragraph_sentences}, see {@link ParagraphSentenceSplitter}); needs Spark NLP.
   */
  public static final String SPLIT_SENTENCES = "prepare.split-sentences";
  public static final boolean SPLIT_SENTENCES_DEFAULT = false;

  private static final Set<String> VALID_OPTIONS =
      Set.of(TRAIN_SPLITS, TEST_SPLITS, MAX_LENGTH_RATIO, MIN_LENGTH_FOR_RATIO, SPLIT, DATASET, SPLIT_SENTENCES,
          TOKENIZER, LANGUAGE_CHECK, LANGUAGE_MIN_LETTERS, LANGUAGE_MIN_MARGIN);

  private final Warehouse warehouse;
  private final LanguageRegistry registry;
  private final RunContext run;
  private final List<Map.Entry<SourceFormat, String>> sources = new ArrayList<>();
  private final Map<String, String> options = new LinkedHashMap<>();
  private Optional<TokenCountUdf> tokenizer = Optional.empty();
  private LinguaAccuracy languageCheck = LinguaAccuracy.HIGH;

  public PrepareCorpusJob(Warehouse warehouse, LanguageRegistry registry, RunContext run) {
    this.warehouse = Objects.requireNonNull(warehouse, "warehouse");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.run = Objects.requireNonNull(run, "run");
  }

  /** Adds an input: a folder (or file) in one of the {@link SourceFormat} layouts. */
  public PrepareCorpusJob source(SourceFormat format, String path) {
    sources.add(Map.entry(format, path));
    return this;
  }

  /** Sets one of the {@code prepare.*} options; unknown keys fail in {@link #execute()}. */
  public PrepareCorpusJob option(String key, String value) {
    options.put(key, value);
    return this;
  }

  public Result execute() {
    Settings settings = Settings.parse(options);
    languageCheck = LinguaAccuracy.parse(options.getOrDefault(LANGUAGE_CHECK, LANGUAGE_CHECK_DEFAULT), LANGUAGE_CHECK);
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("Cannot prepare: no source given (--source FORMAT=PATH)");
    }
    if (settings.splitSentences()) {
      ParagraphSentenceSplitter.requireSparkNlp(); // before any read or write
    }
    SparkSession spark = warehouse.spark();
    JobProgress.begin(spark, "prepare", "reading " + sources.size() + " sources");
    HadoopSourceFiles files = new HadoopSourceFiles(spark.sparkContext().hadoopConfiguration());
    tokenizer = Optional.ofNullable(options.get(TOKENIZER)).map(path -> TokenCountUdf.load(spark, path));

    List<ReadUnit> units = new ArrayList<>();
    for (Map.Entry<SourceFormat, String> source : sources) {
      SourcePlan plan = SourceLayout.scan(source.getKey(), source.getValue(), files, registry,
          Optional.ofNullable(settings.split()), Optional.ofNullable(settings.dataset()));
      LOG.info("Prepare: source {}", plan.describe());
      units.addAll(plan.units());
    }
    TreeSet<String> codes = new TreeSet<>();
    units.forEach(u -> {
      codes.add(u.srcLang());
      codes.add(u.tgtLang());
    });
    List<Language> languages = codes.stream().map(registry::language).toList();
    LOG.info("Prepare: {} read units from {} sources, languages {}", units.size(), sources.size(), codes);

    Dataset<Row> raw =
        spark.createDataset(units, Encoders.javaSerialization(ReadUnit.class))
            .repartition(Math.max(1, units.size()))
            .flatMap(new ReadUnitsFunction(files), Encoders.row(ReadUnitsFunction.SCHEMA))
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long rawRows = readAll(raw);
      return write(spark, settings, languages, raw.filter(col("error").isNull()).drop("error"), rawRows);
    } finally {
      raw.unpersist();
    }
  }

  /**
   * Forces every file to be read, so input errors surface before anything is written; the first
   * error an executor reported is thrown here with its exact message.
   */
  private static long readAll(Dataset<Row> raw) {
    try {
      List<Row> errors = raw.filter(col("error").isNotNull()).select("error", "source_file").limit(1).collectAsList();
      if (!errors.isEmpty()) {
        throw ReaderErrors.reported(errors.get(0).getString(0), errors.get(0).getString(1));
      }
      return raw.count();
    } catch (RuntimeException e) {
      InvalidInputException invalid = InvalidInputException.in(e);
      throw invalid != null ? invalid : e;
    }
  }

  private Result write(
      SparkSession spark, Settings settings, List<Language> languages, Dataset<Row> raw, long rawRows) {
    UserDefinedFunction checks = udf(new PairCheckUdf(languages, settings.filters(), languageCheck), PairCheckUdf.RETURN_TYPE);
    UserDefinedFunction normalize = udf(new NormalizeUdf(), DataTypes.StringType);
    Column isTrain = col("split").isin(settings.trainSplits().toArray());
    Column isTest = col("split").isin(settings.testSplits().toArray());

    Dataset<Row> pairs =
        raw.filter(col("system").isNull())
            .drop("system")
            .withColumn("row_key", rowKey())
            .withColumn("problems", checks.apply(col("src_text"), col("tgt_text"), col("src_lang"), col("tgt_lang")));

    // Test sentences: this run's test splits plus those already in the warehouse. The stored
    // rows are read at the version the run starts from: the judged rows below are cached, and an
    // unpinned read would make the first write of parallel_sentences invalidate that cache and
    // recompute every filter (lingua included) for each later write.
    Dataset<Row> stored = warehouse.readPinned(Tables.PARALLEL_SENTENCES);
    Dataset<Row> existingTest =
        stored.filter(isTest)
            .select(col("dataset"), col("split"), col("src_text"), col("tgt_text"));
    Dataset<Row> testRows =
        pairs.filter(isTest).select(col("dataset"), col("split"), col("src_text"), col("tgt_text"))
            .unionByName(existingTest);
    Dataset<Row> testTexts =
        testRows.select(normalize.apply(col("src_text")).as("norm"), concat(col("dataset"), lit("/"), col("split")).as("test_set"))
            .unionByName(testRows.select(normalize.apply(col("tgt_text")).as("norm"),
                concat(col("dataset"), lit("/"), col("split")).as("test_set")))
            .filter("norm <> ''")
            .distinct();

    Dataset<Row> train = pairs.filter(isTrain)
        .withColumn("src_norm", normalize.apply(col("src_text")))
        .withColumn("tgt_norm", normalize.apply(col("tgt_text")));
    Dataset<Row> hits =
        train.join(testTexts, train.col("src_norm").equalTo(testTexts.col("norm"))).select("row_key", "test_set")
            .unionByName(train.join(testTexts, train.col("tgt_norm").equalTo(testTexts.col("norm"))).select("row_key", "test_set"))
            .groupBy("row_key").agg(array_sort(collect_set("test_set")).as("test_sets"));
    Dataset<Row> judged = train.join(hits, "row_key", "left")
        .withColumn("reason",
            when(size(col("problems")).gt(0), element_at(col("problems"), 1).getField("reason"))
                .when(col("test_sets").isNotNull(), lit(PairFilters.CONTAMINATION)))
        .withColumn("detail",
            when(size(col("problems")).gt(0), element_at(col("problems"), 1).getField("detail"))
                .when(col("test_sets").isNotNull(), concat(lit("found in "), array_join(col("test_sets"), ", "))));
    judged = EarlierRunDuplicates.mark(judged, stored.filter(isTrain), rowKey(), run.runId());
    WindowSpec sameText = Window.partitionBy("src_lang", "tgt_lang", "src_text", "tgt_text")
        .orderBy("dataset", "split", "doc_id", "seg_id");
    judged = judged
        .withColumn("dup_rank", when(col("reason").isNull(), row_number().over(sameText)))
        .withColumn("first_key", when(col("reason").isNull(),
            first(concat_ws(" ", concat(col("dataset"), lit("/"), col("split")), coalesce(col("doc_id"), lit("")),
                concat(lit("seg "), col("seg_id").cast("string")))).over(sameText)))
        .withColumn("detail", when(col("reason").isNull().and(col("dup_rank").gt(1)),
            concat(lit("same as "), expr("regexp_replace(first_key, '  +', ' ')"))).otherwise(col("detail")))
        .withColumn("reason", when(col("reason").isNull().and(col("dup_rank").gt(1)), lit(PairFilters.DUPLICATE))
            .otherwise(col("reason")))
        .persist(StorageLevel.MEMORY_AND_DISK());

    try {
      Dataset<Row> rejected = judged.filter(col("reason").isNotNull());
      Dataset<Row> keptTrain = judged.filter(col("reason").isNull())
          .select(Arrays.stream(pairs.columns()).map(c -> col(c)).toArray(Column[]::new)).withColumn("flags", lit(null).cast("array<string>"));
      Dataset<Row> flagged = pairs.filter(isTrain.unary_$bang())
          .withColumn("flags", expr("IF(size(problems) > 0, transform(problems, p -> p.reason), NULL)"));
      Dataset<Row> canonical = keptTrain.unionByName(flagged).drop("problems", "row_key");

      JobProgress.step(spark, "filtering training pairs");
      Map<String, Long> byReason = new TreeMap<>();
      for (Row r : rejected.groupBy("reason").agg(count(lit(1)).as("n")).collectAsList()) {
        byReason.put(r.getString(0), r.getLong(1));
      }
      Map<String, Long> contamination = new TreeMap<>();
      for (Row r : rejected.filter(col("reason").equalTo(PairFilters.CONTAMINATION))
          .select(explode(col("test_sets")).as("test_set")).groupBy("test_set").agg(count(lit(1))).collectAsList()) {
        contamination.put(r.getString(0), r.getLong(1));
      }

      Dataset<Row> sentenceRows = sentences(spark, canonical);
      long sentences = warehouse.insertNew(Tables.PARALLEL_SENTENCES, sentenceRows);
      long paragraphSentences = !settings.splitSentences() ? 0
          : warehouse.insertNew(Tables.PARAGRAPH_SENTENCES,
              run.stamp(new ParagraphSentenceSplitter().split(sentenceRows.filter(isTrain.unary_$bang())), null));
      long rejectedRows = warehouse.insertNew(Tables.REJECTED_PAIRS, run.stamp(
          rejected.select(col("dataset"), col("split"), col("doc_id"), col("seg_id"), col("src_lang"), col("tgt_lang"),
              col("src_text"), col("tgt_text"), pairHash().as("pair_hash"), col("reason"), col("detail"),
              col("source_file"), col("source_file").as("source")), null));
      Dataset<Row> outputs = raw.filter(col("system").isNotNull())
          .select(col("system"), col("dataset"), col("split"), col("src_lang"), col("tgt_lang"), col("doc_id"),
              col("seg_id"), col("src_text").as("source_text"), col("tgt_text").as("hypothesis"), col("source_file"),
              col("source_file").as("source"));
      long systemOutputs = warehouse.insertNew(Tables.WMT_SYSTEM_OUTPUTS, run.stamp(outputs, null));
      long statsRows = DataStats.refresh(warehouse, run, raw.select("dataset", "split").distinct(), tokenizer);
      Result result = new Result(
          rawRows, sentences, rejectedRows, byReason, contamination, systemOutputs, statsRows, paragraphSentences);
      LOG.info("Prepare done: {}", result);
      return result;
    } finally {
      judged.unpersist();
    }
  }

  /** The key of a pair within its dataset: the contract key of its row in parallel_sentences. */
  private static Column rowKey() {
    return sha2(concat_ws("\u0001", col("dataset"), col("split"), col("src_lang"), col("tgt_lang"),
        coalesce(col("doc_id"), lit("")), col("seg_id").cast("string")), 256);
  }

  private static Column pairHash() {
    return sha2(concat_ws("\u0001", col("src_lang"), col("tgt_lang"), col("src_text"), col("tgt_text")), 256);
  }

  /** Both directions where the data allows it, with direction, groups and resource level. */
  private Dataset<Row> sentences(SparkSession spark, Dataset<Row> canonical) {
    Dataset<Row> reversed = canonical.filter(col("both_directions"))
        .select(col("dataset"), col("split"), col("doc_id"), col("seg_id"), col("tgt_lang").as("src_lang"),
            col("src_lang").as("tgt_lang"), col("tgt_text").as("src_text"), col("src_text").as("tgt_text"),
            lit(null).cast("array<string>").as("extra_refs"), col("source_file"), col("both_directions"),
            col("flags"));
    Dataset<Row> both = canonical.unionByName(reversed)
        .withColumn("direction",
            when(col("src_lang").equalTo("en"), lit("en-xx")).when(col("tgt_lang").equalTo("en"), lit("xx-en"))
                .otherwise(lit("xx-yy")))
        .withColumn("lang_key", when(col("src_lang").equalTo("en"), col("tgt_lang")).otherwise(col("src_lang")));
    Dataset<Row> withInfo = both.join(registryFrame(spark), both.col("lang_key").equalTo(col("code")), "left")
        .withColumn("pair_hash", pairHash())
        .withColumn("source", col("source_file"))
        .drop("lang_key", "code", "both_directions");
    return run.stamp(withInfo, null);
  }

  private Dataset<Row> registryFrame(SparkSession spark) {
    StructType schema = new StructType()
        .add("code", DataTypes.StringType)
        .add("group_ids", DataTypes.createArrayType(DataTypes.IntegerType))
        .add("resource_level", DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    for (Language language : registry.languages()) {
      rows.add(RowFactory.create(language.code(), new ArrayList<>(language.groups()), language.resource().label()));
    }
    return spark.createDataFrame(rows, schema);
  }

  /** The validated options of a run. */
  record Settings(
      List<String> trainSplits, List<String> testSplits, FilterSettings filters, String split, String dataset,
      boolean splitSentences) {

    static Settings parse(Map<String, String> options) {
      for (String key : options.keySet()) {
        if (!VALID_OPTIONS.contains(key)) {
          throw new InvalidOptionException(
              "Unknown option '" + key + "' for prepare; known: " + new TreeSet<>(VALID_OPTIONS));
        }
      }
      double ratio = OptionValues.number(options, MAX_LENGTH_RATIO, FilterSettings.MAX_LENGTH_RATIO_DEFAULT);
      if (ratio < 1) {
        throw new InvalidOptionException(
            "Option " + MAX_LENGTH_RATIO + " must be a number of at least 1, got '" + options.get(MAX_LENGTH_RATIO) + "'");
      }
      int minLength = OptionValues.nonNegativeInt(options, MIN_LENGTH_FOR_RATIO, FilterSettings.MIN_LENGTH_FOR_RATIO_DEFAULT);
      List<String> train = splits(options.getOrDefault(TRAIN_SPLITS, TRAIN_SPLITS_DEFAULT));
      List<String> test = splits(options.getOrDefault(TEST_SPLITS, TEST_SPLITS_DEFAULT));
      for (String s : train) {
        if (test.contains(s)) {
          throw new InvalidOptionException(
              "Split '" + s + "' is in both " + TRAIN_SPLITS + " and " + TEST_SPLITS + "; a split is either filtered or a test set");
        }
      }
      int minLetters = OptionValues.nonNegativeInt(options, LANGUAGE_MIN_LETTERS, LanguageCheckSettings.MIN_LETTERS_DEFAULT);
      double minMargin = OptionValues.number(options, LANGUAGE_MIN_MARGIN, LanguageCheckSettings.MIN_MARGIN_DEFAULT);
      if (minMargin < 0 || minMargin > 1) {
        throw new InvalidOptionException("Option " + LANGUAGE_MIN_MARGIN + " must be a number from 0 to 1, got '"
            + options.get(LANGUAGE_MIN_MARGIN) + "'");
      }
      FilterSettings filters =
          new FilterSettings(ratio, minLength, new LanguageCheckSettings(minLetters, minMargin));
      return new Settings(train, test, filters, options.get(SPLIT), options.get(DATASET),
          OptionValues.bool(options, SPLIT_SENTENCES, SPLIT_SENTENCES_DEFAULT));
    }

    private static List<String> splits(String value) {
      return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
  }

  /**
   * What a run did.
   *
   * @param rowsRead pairs and system output segments read from the sources
   * @param sentencesInserted new rows of parallel_sentences (both directions counted; 0 on a re-run)
   * @param rejectedInserted new rows of rejected_pairs
   * @param rejectedByReason training pairs rejected by this run's data, per reason
   * @param contaminationByTestSet training pairs removed because a test set ({@code dataset/split})
   *     holds their source or target
   * @param systemOutputsInserted new rows of wmt_system_outputs
   * @param statsChanged data_stats rows inserted or updated
   * @param paragraphSentencesInserted new rows of paragraph_sentences (0 without
   *     {@link #SPLIT_SENTENCES})
   */
  public record Result(
      long rowsRead,
      long sentencesInserted,
      long rejectedInserted,
      Map<String, Long> rejectedByReason,
      Map<String, Long> contaminationByTestSet,
      long systemOutputsInserted,
      long statsChanged,
      long paragraphSentencesInserted) {

    public Result {
      rejectedByReason = Map.copyOf(rejectedByReason);
      contaminationByTestSet = Map.copyOf(contaminationByTestSet);
    }

    /** Training pairs rejected, all reasons together. */
    public long rejected() {
      return rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
