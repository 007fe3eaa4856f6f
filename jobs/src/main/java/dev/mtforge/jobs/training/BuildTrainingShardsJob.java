package dev.mtforge.jobs.training;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import dev.mtforge.jobs.progress.JobProgress;
import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.InvalidOptionException;
import dev.mtforge.schemas.OptionValues;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.udfs.augment.MuseDictionary;
import dev.mtforge.udfs.spark.TokenCountUdf;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one training set per adapter to train, from the training splits of
 * {@code parallel_sentences}, as ALMA-format JSON Lines ({@code {"translation": {"de": ..., "en":
 * ...}}}) and parquet, and records each in {@code training_shards}.
 *
 * <p>Strategies (BRIEF.md): {@code separate} = one adapter per direction and language pair;
 * {@code group} = one per language group and direction; {@code multilingual} = one adapter for all
 * languages and both directions; {@code dat} = direction-aware training: xx→en one adapter per
 * language, en→xx one per group (49 + 8 with the default registry).
 *
 * <pre>{@code
 * new BuildTrainingShardsJob(warehouse, run).option(BuildTrainingShardsJob.STRATEGY, "dat")
 *     .option(BuildTrainingShardsJob.SAMPLE, "1012").execute();
 * }</pre>
 *
 * <p>Sampling is deterministic: pairs are ranked per direction and language pair by a hash of the
 * seed and the pair, and the first {@code sample} are kept. Shards of a strategy are rewritten as
 * a whole, so a re-run produces the same files and leaves training_shards unchanged. With
 * {@link #TEMPERATURE} the pairs of each direction are resampled across languages instead
 * ({@link TemperatureSampling}: p_l ∝ (n_l/N)^(1/T), repeats for upsampled languages).
 */
public final class BuildTrainingShardsJob {
  private static final Logger LOG = LoggerFactory.getLogger(BuildTrainingShardsJob.class);

  /** separate, group, multilingual or dat. */
  public static final String STRATEGY = "training.strategy";
  public static final String STRATEGY_DEFAULT = "dat";
  /** Pairs kept per direction and language pair; 0 keeps all. */
  public static final String SAMPLE = "training.sample";
  public static final int SAMPLE_DEFAULT = 0;
  /** Seed of the deterministic sample. */
  public static final String SEED = "training.seed";
  public static final long SEED_DEFAULT = 42L;
  /** parallel_sentences splits to train on (comma-separated). */
  public static final String SPLITS = "training.splits";
  public static final String SPLITS_DEFAULT = "train,dev";
  /** Folder the shards are written under; default {@code <warehouse>/training}. */
  public static final String OUTPUT = "training.output";
  /**
   * HF {@code tokenizer.json} (or a folder holding one, local or {@code s3a://}) whose token counts
   * of both sides fill training_shards.tokenizer_tokens; none by default.
   */
  public static final String TOKENIZER = "training.tokenizer";
  /**
   * Temperature T of sampling across languages, per direction: p_l ∝ (n_l/N)^(1/T); 1 keeps the
   * natural proportions, larger values flatten them. Unset: no temperature sampling.
   */
  public static final String TEMPERATURE = "training.temperature";
  /** Pairs per direction after temperature sampling; default the natural total N. */
  public static final String SAMPLE_TOTAL = "training.sample-total";
  /**
   * Folder of MUSE bilingual dictionaries ({@code en-de.txt}: one {@code word translation} per
   * line), local or {@code s3a://}: adds a code-switched copy of each pair whose source has words
   * in a dictionary (LLaMAX's augmentation). Unset: no augmentation.
   */
  public static final String CODE_SWITCH = "training.code-switch";
  /** Probability that a source word found in a dictionary is replaced, in (0, 1]; required with {@link #CODE_SWITCH}. */
  public static final String CODE_SWITCH_RATIO = "training.code-switch-ratio";

  /** The strategies, as accepted by {@link #STRATEGY}. */
  public static final List<String> STRATEGIES = List.of("separate", "group", "multilingual", "dat");
  private static final Set<String> VALID_OPTIONS =
      Set.of(STRATEGY, SAMPLE, SEED, SPLITS, OUTPUT, TOKENIZER, TEMPERATURE, SAMPLE_TOTAL, CODE_SWITCH, CODE_SWITCH_RATIO);

  private final Warehouse warehouse;
  private final RunContext run;
  private final Map<String, String> options = new LinkedHashMap<>();

  public BuildTrainingShardsJob(Warehouse warehouse, RunContext run) {
    this.warehouse = Objects.requireNonNull(warehouse, "warehouse");
    this.run = Objects.requireNonNull(run, "run");
  }

  /** Sets one of the {@code training.*} options; unknown keys and bad values fail in {@link #execute()}. */
  public BuildTrainingShardsJob option(String key, String value) {
    options.put(key, value);
    return this;
  }

  public Result execute() {
    for (String key : options.keySet()) {
      if (!VALID_OPTIONS.contains(key)) {
        throw new InvalidOptionException(
            "Unknown option '" + key + "' for build-training; known: " + new TreeSet<>(VALID_OPTIONS));
      }
    }
    String strategy = options.getOrDefault(STRATEGY, STRATEGY_DEFAULT).toLowerCase(Locale.ROOT);
    if (!STRATEGIES.contains(strategy)) {
      throw new InvalidOptionException(
          "Unknown strategy '" + strategy + "' for " + STRATEGY + "; known: " + String.join(", ", STRATEGIES));
    }
    int sample = OptionValues.nonNegativeInt(options, SAMPLE, SAMPLE_DEFAULT); // 0: all
    long seed = OptionValues.integer(options, SEED, SEED_DEFAULT);
    boolean temperatureSampling = options.containsKey(TEMPERATURE) || options.containsKey(SAMPLE_TOTAL);
    double temperature = OptionValues.number(options, TEMPERATURE, 1.0);
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new InvalidOptionException(
          "Invalid value " + options.get(TEMPERATURE) + " for " + TEMPERATURE + ": must be a number > 0");
    }
    OptionalLong sampleTotal = OptionalLong.empty();
    if (options.containsKey(SAMPLE_TOTAL)) {
      double total = OptionValues.number(options, SAMPLE_TOTAL, 0);
      if (total < 1 || total != Math.rint(total)) {
        throw new InvalidOptionException(
            "Invalid value " + options.get(SAMPLE_TOTAL) + " for " + SAMPLE_TOTAL + ": must be a whole number >= 1");
      }
      sampleTotal = OptionalLong.of((long) total);
    }
    if (temperatureSampling && sample > 0) {
      throw new IllegalArgumentException(
          "Cannot combine " + SAMPLE + " with " + TEMPERATURE + "/" + SAMPLE_TOTAL + ": choose one way of sampling");
    }
    double codeSwitchRatio = codeSwitchRatio();
    List<String> splits = Arrays.stream(options.getOrDefault(SPLITS, SPLITS_DEFAULT).split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).toList();
    String output = options.getOrDefault(OUTPUT, warehouse.location() + "/training") + "/" + strategy;
    Optional<TokenCountUdf> tokenizer =
        Optional.ofNullable(options.get(TOKENIZER)).map(path -> TokenCountUdf.load(warehouse.spark(), path));
    Optional<CodeSwitchAugmentation> codeSwitch = Optional.ofNullable(options.get(CODE_SWITCH))
        .map(dir -> CodeSwitchAugmentation.load(warehouse.spark(), dir, codeSwitchRatio, seed));
    JobProgress.begin(warehouse.spark(), "build-training", "building " + strategy + " shards from splits " + splits);

    Dataset<Row> pairs = warehouse.read(Tables.PARALLEL_SENTENCES)
        .filter(col("split").isin(splits.toArray()).and(col("direction").isin("xx-en", "en-xx")))
        .withColumn("lang", when(col("src_lang").equalTo("en"), col("tgt_lang")).otherwise(col("src_lang")));
    if (sample > 0) {
      pairs = pairs
          .withColumn("sample_rank", row_number().over(Window.partitionBy("src_lang", "tgt_lang").orderBy(sampleOrder(seed))))
          .filter(col("sample_rank").leq(sample))
          .drop("sample_rank")
          .withColumn("copy", lit(1L));
    } else if (temperatureSampling) {
      pairs = TemperatureSampling.apply(pairs, temperature, sampleTotal, sampleOrder(seed));
    } else {
      pairs = pairs.withColumn("copy", lit(1L));
    }
    Dataset<Row> unique = assign(pairs.withColumn("group_id", explode(col("group_ids"))), strategy)
        .dropDuplicates("adapter_id", "dataset", "split", "src_lang", "tgt_lang", "doc_id", "seg_id", "copy");
    Dataset<Row> assigned =
        codeSwitch.map(cs -> cs.apply(unique)).orElseGet(() -> CodeSwitchAugmentation.none(unique));

    Dataset<Row> shardRows = assigned
        .withColumn("translation", map(col("src_lang"), col("src_text"), col("tgt_lang"), col("tgt_text")))
        .repartition(col("adapter_id"))
        .sortWithinPartitions("adapter_id", "src_lang", "dataset", "split", "doc_id", "seg_id", "copy",
            CodeSwitchAugmentation.REPLACEMENTS)
        .persist();
    try {
      // A code-switched example also carries its original source and replacement count; others
      // are written exactly as without augmentation (ALMA's {"translation": {...}}).
      Column json = codeSwitch.isEmpty()
          ? to_json(struct(col("translation")))
          : to_json(struct(col("translation"),
              when(col(CodeSwitchAugmentation.REPLACEMENTS).isNotNull(),
                  struct(col(CodeSwitchAugmentation.ORIGINAL).as("original"),
                      col(CodeSwitchAugmentation.REPLACEMENTS).as("replacements"))).as("code_switch")),
              Map.of("ignoreNullFields", "true"));
      LOG.info("Writing {} training shards as JSONL to {}/jsonl", strategy, output);
      shardRows.select(col("adapter_id"), json.as("value"))
          .write().mode(SaveMode.Overwrite).partitionBy("adapter_id").text(output + "/jsonl");
      List<String> parquetColumns = new java.util.ArrayList<>(
          List.of("translation", "src_lang", "tgt_lang", "dataset", "split", "doc_id", "seg_id"));
      if (codeSwitch.isPresent()) {
        parquetColumns.addAll(List.of(CodeSwitchAugmentation.ORIGINAL, CodeSwitchAugmentation.REPLACEMENTS));
      }
      LOG.info("Writing {} training shards as parquet to {}/parquet", strategy, output);
      shardRows.select("adapter_id", parquetColumns.toArray(new String[0]))
          .write().mode(SaveMode.Overwrite).partitionBy("adapter_id").parquet(output + "/parquet");

      Column tokens = tokenizer.map(t -> {
        UserDefinedFunction count = udf(t, DataTypes.LongType);
        return count.apply(col("src_text")).plus(count.apply(col("tgt_text")));
      }).orElse(lit(null).cast("bigint"));
      Dataset<Row> manifest = shardRows
          .groupBy("adapter_id", "direction", "shard_group")
          .agg(array_sort(collect_set("src_lang")).as("src_langs"), array_sort(collect_set("tgt_lang")).as("tgt_langs"),
              count(lit(1)).as("pairs"),
              sum(expr("size(filter(split(src_text, '\\\\s+'), w -> w <> ''))"
                  + " + size(filter(split(tgt_text, '\\\\s+'), w -> w <> ''))")).as("whitespace_tokens"),
              sum(tokens).as("tokenizer_tokens"),
              sum(when(col(CodeSwitchAugmentation.REPLACEMENTS).isNotNull(), 1L).otherwise(0L)).as("augmented"))
          .select(col("adapter_id"), lit(strategy).as("strategy"), col("direction"), col("shard_group").as("group_id"),
              expr("array_sort(array_distinct(concat(src_langs, tgt_langs)))").as("languages"), col("pairs"),
              col("whitespace_tokens"), col("tokenizer_tokens"),
              (sample > 0 ? lit(sample) : lit(null)).cast("int").as("sample_size"), lit(seed).as("seed"),
              concat(lit(output + "/jsonl/adapter_id="), col("adapter_id")).as("jsonl_path"),
              concat(lit(output + "/parquet/adapter_id="), col("adapter_id")).as("parquet_path"),
              codeSwitch.map(cs -> lit(cs.ratio())).orElse(lit(null)).cast("double").as("code_switch_ratio"),
              codeSwitch.map(CodeSwitchAugmentation::dictionariesColumn).orElse(lit(null))
                  .as("code_switch_dictionaries"),
              (codeSwitch.isPresent() ? col("augmented") : lit(null).cast("bigint")).as("augmented_pairs"));
      long changed = warehouse.upsert(Tables.TRAINING_SHARDS,
          run.stamp(manifest, "parallel_sentences"));
      Row totals = manifest.agg(count(lit(1)), sum("pairs"), sum(functions.coalesce(col("augmented_pairs"), lit(0L)))).first();
      Result result = new Result(strategy, totals.getLong(0), totals.isNullAt(1) ? 0 : totals.getLong(1), output, changed,
          totals.isNullAt(2) ? 0 : totals.getLong(2),
          codeSwitch.map(CodeSwitchAugmentation::malformedLines).orElse(List.of()));
      LOG.info("Training shards: {}", result);
      return result;
    } finally {
      shardRows.unpersist();
    }
  }

  /** The seeded order in which pairs are sampled: a hash of the seed and the pair's key. */
  private static Column sampleOrder(long seed) {
    return sha2(concat_ws("\u0001", lit(Long.toString(seed)), col("pair_hash"), col("dataset"),
        col("split"), expr("coalesce(doc_id, '')"), col("seg_id").cast("string")), 256);
  }

  /** Adds adapter_id, direction and shard_group (null when a shard spans groups) per strategy. */
  private static Dataset<Row> assign(Dataset<Row> pairs, String strategy) {
    Column groupLabel = concat(lit("g"), col("group_id").cast("string"));
    return switch (strategy) {
      case "separate" -> pairs
          .withColumn("adapter_id", concat(lit("separate-"), col("src_lang"), lit("-"), col("tgt_lang")))
          .withColumn("shard_group", expr("array_min(group_ids)"));
      case "group" -> pairs
          .withColumn("adapter_id", concat(lit("group-"), groupLabel, lit("-"), col("direction")))
          .withColumn("shard_group", col("group_id"));
      case "multilingual" -> pairs
          .withColumn("adapter_id", lit("multilingual"))
          .withColumn("direction", lit("all"))
          .withColumn("shard_group", lit(null).cast("int"));
      default -> pairs
          .withColumn("adapter_id", when(col("direction").equalTo("xx-en"), concat(lit("dat-xx-en-"), col("lang")))
              .otherwise(concat(lit("dat-en-xx-"), groupLabel)))
          .withColumn("shard_group", when(col("direction").equalTo("xx-en"), expr("array_min(group_ids)"))
              .otherwise(col("group_id")));
    };
  }

  /**
   * What a run wrote.
   *
   * @param strategy the strategy
   * @param shards adapters (shards) written
   * @param pairs pairs over all shards
   * @param output folder holding {@code jsonl/adapter_id=<id>/} and {@code parquet/adapter_id=<id>/}
   * @param manifestChanged training_shards rows inserted or updated (0 on a re-run)
   * @param augmentedPairs code-switched examples among the pairs (0 without {@link #CODE_SWITCH})
   * @param malformedDictionaryLines dictionary lines that were not entries, with file and line
   */
  public record Result(String strategy, long shards, long pairs, String output, long manifestChanged,
      long augmentedPairs, List<MuseDictionary.MalformedLine> malformedDictionaryLines) {
    public Result {
      malformedDictionaryLines = List.copyOf(malformedDictionaryLines);
    }
  }

  private double codeSwitchRatio() {
    boolean dir = options.containsKey(CODE_SWITCH);
    boolean ratio = options.containsKey(CODE_SWITCH_RATIO);
    if (dir != ratio) {
      throw new InvalidOptionException(
          "Options " + CODE_SWITCH + " and " + CODE_SWITCH_RATIO + " go together; got only " + (dir ? CODE_SWITCH : CODE_SWITCH_RATIO));
    }
    if (!dir) {
      return 0;
    }
    double p = OptionValues.number(options, CODE_SWITCH_RATIO, 0);
    if (!(p > 0 && p <= 1)) {
      throw new InvalidOptionException(
          "Option " + CODE_SWITCH_RATIO + " must be a probability in (0, 1], got '" + options.get(CODE_SWITCH_RATIO) + "'");
    }
    return p;
  }
}
