package dev.mtforge.jobs.translate;

import dev.mtforge.jobs.progress.JobProgress;
import dev.mtforge.jobs.systems.AdapterLanguages;
import dev.mtforge.jobs.systems.SystemsTable;
import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.schemas.InvalidOptionException;
import dev.mtforge.schemas.OptionValues;
import dev.mtforge.schemas.languages.Language;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.udfs.inference.AdapterRouter;
import dev.mtforge.udfs.inference.GenerationSettings;
import dev.mtforge.udfs.inference.ModelPackage;
import dev.mtforge.udfs.inference.ModelSpec;
import dev.mtforge.udfs.inference.PromptFormat;
import dev.mtforge.udfs.inference.Routing;
import dev.mtforge.udfs.spark.ModelPackageCopies;
import dev.mtforge.udfs.spark.SerializableHadoopConf;
import dev.mtforge.udfs.spark.TranslatePartitions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Translates a test set from {@code parallel_sentences} with a model package and the adapter
 * each direction's routing picks, writing {@code translations}.
 *
 * <p>Resumable: segments already in {@code translations} for the system id are skipped, and the
 * rest is translated and committed in chunks of {@link #COMMIT_SEGMENTS} (one Delta MERGE each,
 * on the table key), so a run that dies loses at most its current chunk and a re-run never writes
 * a segment twice.
 *
 * <pre>{@code
 * TranslateTestSetJob.Result r = new TranslateTestSetJob(warehouse, registry, run)
 *     .option(TranslateTestSetJob.MODEL, "sample-data/models/tiny-llama")
 *     .option(TranslateTestSetJob.TEST_SET, "sample:devtest")
 *     .option(TranslateTestSetJob.ROUTING, "dat")
 *     .execute();
 * }</pre>
 */
public final class TranslateTestSetJob {
  private static final Logger LOG = LoggerFactory.getLogger(TranslateTestSetJob.class);

  /** Model package folder (required). */
  public static final String MODEL = "inference.model";
  /** Test set as {@code dataset} or {@code dataset:split} (required). */
  public static final String TEST_SET = "inference.test-set";
  /** Adapter routing: none, multilingual, separate, group, dat, datm. */
  public static final String ROUTING = "inference.routing";
  public static final String ROUTING_DEFAULT = "none";
  /** Comma-separated pairs to translate ({@code de-en,en-de}); empty = every pair of the test set. */
  public static final String DIRECTIONS = "inference.directions";
  /** Beams per segment; 1 = greedy. The paper decodes with 5. */
  public static final String NUM_BEAMS = "inference.num-beams";
  public static final int NUM_BEAMS_DEFAULT = 5;
  /** Most new tokens per segment (the paper: 512; ALMA's scripts: 256). */
  public static final String MAX_NEW_TOKENS = "inference.max-new-tokens";
  public static final int MAX_NEW_TOKENS_DEFAULT = 256;
  /** Beam search length penalty exponent (HF default). */
  public static final String LENGTH_PENALTY = "inference.length-penalty";
  public static final double LENGTH_PENALTY_DEFAULT = 1.0;
  /** Beam search early stopping: true, false (HF default heuristic) or never. */
  public static final String EARLY_STOPPING = "inference.early-stopping";
  public static final String EARLY_STOPPING_DEFAULT = "false";
  /** Segments per forward batch; beam search runs batch-size x num-beams rows. */
  public static final String BATCH_SIZE = "inference.batch-size";
  public static final int BATCH_SIZE_DEFAULT = 8;
  /** Value of the system_id column; default {@code <model>-<routing>}. */
  public static final String SYSTEM_ID = "inference.system-id";
  /** Wrap prompts in the LLaMA-2 chat template (X-ALMA). */
  public static final String CHAT_TEMPLATE = "inference.chat-template";
  public static final boolean CHAT_TEMPLATE_DEFAULT = false;
  /** Few-shot examples per prompt (ALMA's few-shot prompt); 0 = zero-shot. */
  public static final String SHOTS = "inference.shots";
  public static final int SHOTS_DEFAULT = 0;
  /**
   * Where few-shot examples come from: a split of the test set's dataset ({@code dev}) or
   * {@code DATASET:SPLIT}; always the segment's own direction, never the segment itself.
   */
  public static final String SHOT_SPLIT = "inference.shot-split";
  public static final String SHOT_SPLIT_DEFAULT = "dev";
  /** Segments per commit: what a crash can lose at most. */
  public static final String COMMIT_SEGMENTS = "inference.commit-segments";
  public static final int COMMIT_SEGMENTS_DEFAULT = 2000;
  /** ONNX Runtime intra-op threads per task (CPU); 1 fits one task per core. */
  public static final String THREADS = "inference.threads";
  public static final int THREADS_DEFAULT = 1;
  /** cpu, or gpu:N; on GPU executors the task's GPU resource is used anyway. */
  public static final String DEVICE = "inference.device";
  public static final String DEVICE_DEFAULT = "cpu";
  /** Spark partitions per chunk; default the session's default parallelism. */
  public static final String PARTITIONS = "inference.partitions";

  static final Set<String> VALID_OPTIONS =
      Set.of(MODEL, TEST_SET, ROUTING, DIRECTIONS, NUM_BEAMS, MAX_NEW_TOKENS, LENGTH_PENALTY, EARLY_STOPPING,
          BATCH_SIZE, SYSTEM_ID, CHAT_TEMPLATE, SHOTS, SHOT_SPLIT, COMMIT_SEGMENTS, THREADS, DEVICE, PARTITIONS);

  private final Warehouse warehouse;
  private final LanguageRegistry registry;
  private final RunContext run;
  private final Map<String, String> options = new LinkedHashMap<>();
  private ChunkListener listener = (chunk, chunks, rows) -> {};

  public TranslateTestSetJob(Warehouse warehouse, LanguageRegistry registry, RunContext run) {
    this.warehouse = Objects.requireNonNull(warehouse, "warehouse");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.run = Objects.requireNonNull(run, "run");
  }

  /** Sets an option (keys are the constants of this class); unknown keys fail here. */
  public TranslateTestSetJob option(String key, String value) {
    if (!VALID_OPTIONS.contains(key)) {
      throw new InvalidOptionException(
          "Unknown option '" + key + "' for translate; known: " + new java.util.TreeSet<>(VALID_OPTIONS));
    }
    if (value != null) {
      options.put(key, value);
    }
    return this;
  }

  /** Called after each committed chunk (progress reporting; tests use it to stop a run midway). */
  public TranslateTestSetJob chunkListener(ChunkListener chunkListener) {
    this.listener = Objects.requireNonNull(chunkListener, "chunkListener");
    return this;
  }

  /** Observes committed chunks. */
  @FunctionalInterface
  public interface ChunkListener {
    /** Chunk {@code chunk} (0-based) of {@code chunks} committed {@code rows} rows. */
    void committed(int chunk, int chunks, long rows);
  }

  /**
   * What the run did.
   *
   * @param systemId the system id written
   * @param segmentsTranslated segments translated and written by this run
   * @param segmentsSkipped segments already in translations (earlier runs)
   * @param chunks commits made
   * @param promptTokens prompt tokens of the translated segments
   * @param paddedPromptTokens prompt positions fed, left padding included
   * @param outputTokens generated tokens (EOS included)
   * @param seconds wall time of translation and commits
   * @param decodeSeconds task time spent generating (sum over segments of their batch's share),
   *     i.e. without Spark scheduling and Delta commits
   * @param decodeCpuSeconds CPU time of the task threads while translating (forward passes run on
   *     the task thread with one ORT thread): unlike wall time, not inflated by other work on a
   *     shared machine
   */
  public record Result(
      String systemId,
      long segmentsTranslated,
      long segmentsSkipped,
      int chunks,
      long promptTokens,
      long paddedPromptTokens,
      long outputTokens,
      double seconds,
      double decodeSeconds,
      double decodeCpuSeconds) {

    /** Share of prompt positions that were padding. */
    public double paddingWaste() {
      return paddedPromptTokens == 0 ? 0 : 1.0 - (double) promptTokens / paddedPromptTokens;
    }

    /** Generated tokens per second of task decode time: the per-core throughput of the tasks. */
    public double decodeTokensPerSecond() {
      return decodeSeconds == 0 ? 0 : outputTokens / decodeSeconds;
    }

    /** Generated tokens per CPU second of the task threads. */
    public double decodeTokensPerCpuSecond() {
      return decodeCpuSeconds == 0 ? 0 : outputTokens / decodeCpuSeconds;
    }

    /** Generated tokens per second of wall time. */
    public double outputTokensPerSecond() {
      return seconds == 0 ? 0 : outputTokens / seconds;
    }
  }

  public Result execute() {
    Settings s = Settings.parse(options);
    SparkSession spark = warehouse.spark();
    // The driver reads the package's manifest and generation config in place; only executors
    // copy a package on s3a:// (the graph can be tens of GB).
    Configuration hadoopConf = spark.sparkContext().hadoopConfiguration();
    ModelPackage.Header pkg = ModelPackageCopies.header(s.model, hadoopConf);
    GenerationSettings defaults = pkg.generation();
    GenerationSettings generation =
        new GenerationSettings(s.numBeams, s.maxNewTokens, s.lengthPenalty, s.earlyStopping,
            defaults.bosTokenId(), defaults.eosTokenId(), defaults.padTokenId());
    String systemId =
        s.systemId != null
            ? s.systemId
            : pkg.manifest().name() + "-" + s.routing.label() + (s.shots > 0 ? "-" + s.shots + "shot" : "");
    JobProgress.begin(spark, "translate", s.dataset + (s.split == null ? "" : ":" + s.split) + " as " + systemId);

    Dataset<Row> pairs = warehouse.read(Tables.PARALLEL_SENTENCES).where(functions.col("dataset").equalTo(s.dataset));
    if (s.split != null) {
      pairs = pairs.where(functions.col("split").equalTo(s.split));
    }
    if (!s.directions.isEmpty()) {
      Column any = functions.lit(false);
      for (String[] d : s.directions) {
        any = any.or(functions.col("src_lang").equalTo(d[0]).and(functions.col("tgt_lang").equalTo(d[1])));
      }
      pairs = pairs.where(any);
    }
    List<Row> langPairs = pairs.select("src_lang", "tgt_lang").distinct().orderBy("src_lang", "tgt_lang").collectAsList();
    if (langPairs.isEmpty()) {
      throw new InvalidInputException(
          "No test segments in table parallel_sentences for dataset '" + s.dataset + "'"
              + (s.split == null ? "" : " split '" + s.split + "'")
              + (s.directions.isEmpty() ? "" : " and directions " + s.describeDirections()));
    }
    Dataset<Row> routes = routes(s.routing, langPairs);
    Map<String, List<PromptFormat.Shot>> shotPool = s.shots == 0 ? Map.of() : shotPool(s, langPairs);
    List<Language> languages = languages(langPairs);

    Dataset<Row> existing =
        warehouse.read(Tables.TRANSLATIONS).where(functions.col("system_id").equalTo(systemId))
            .select("dataset", "split", "src_lang", "tgt_lang", "doc_id", "seg_id");
    Column done = functions.lit(true);
    for (String c : existing.columns()) {
      done = done.and(pairs.col(c).eqNullSafe(existing.col(c)));
    }
    Dataset<Row> todo = pairs.join(existing, done, "left_anti");
    Dataset<Row> input =
        todo.join(functions.broadcast(routes),
                todo.col("src_lang").equalTo(routes.col("r_src")).and(todo.col("tgt_lang").equalTo(routes.col("r_tgt"))))
            .select(TranslatePartitions.INPUT_COLUMNS.stream().map(functions::col).toArray(Column[]::new));
    // Chunks in a fixed order, so a re-run after a crash picks up what the crash left out. Rows are
    // numbered by a distributed sort and zipWithIndex: a row_number() window without a partition
    // would move every row into one partition.
    int commitSegments = s.commitSegments;
    StructType numberedSchema = input.schema().add("mtforge_chunk", DataTypes.IntegerType);
    JavaRDD<Row> chunked =
        input.sort("src_lang", "tgt_lang", "dataset", "split", "doc_id", "seg_id").javaRDD().zipWithIndex()
            .map(rowAndIndex -> withChunk(rowAndIndex._1(), (int) (rowAndIndex._2() / commitSegments)));
    // Checkpointed, not cached: each commit to translations makes Delta refresh cached plans that
    // read it, which would renumber the chunks left to do.
    Dataset<Row> numbered = spark.createDataFrame(chunked, numberedSchema).localCheckpoint(true);
    try {
      long missing = numbered.count();
      long total = pairs.count();
      int chunks = (int) ((missing + s.commitSegments - 1) / s.commitSegments);
      LOG.info("Translating {} of {} segments of {} as {} in {} chunks", missing, total, s.dataset, systemId, chunks);
      int partitions = s.partitions > 0 ? s.partitions : spark.sparkContext().defaultParallelism();
      TranslatePartitions.Settings taskSettings =
          new TranslatePartitions.Settings(
              ModelSpec.of(ModelPackageCopies.isRemote(s.model) ? s.model : Path.of(s.model).toAbsolutePath().toString())
                  .withDevice(s.device).withThreads(s.threads),
              generation, new PromptFormat(s.chat), s.batchSize, Math.max(s.batchSize * 16, 64), systemId,
              s.routing.label(), languages, s.shots, shotPool);
      SerializableHadoopConf conf = new SerializableHadoopConf(hadoopConf);
      LongAccumulator padded = spark.sparkContext().longAccumulator("mtforge.padded-prompt-tokens");
      LongAccumulator cpuNanos = spark.sparkContext().longAccumulator("mtforge.decode-cpu-nanos");
      long promptTokens = 0;
      long outputTokens = 0;
      double decodeMs = 0;
      long written = 0;
      long start = System.nanoTime();
      for (int chunk = 0; chunk < chunks; chunk++) {
        Dataset<Row> part =
            numbered.where(functions.col("mtforge_chunk").equalTo(chunk)).drop("mtforge_chunk").repartition(partitions);
        // Materialised once: Delta's MERGE reads its source twice, and translating twice would
        // double the cost.
        Dataset<Row> translated =
            part.mapPartitions(new TranslatePartitions(taskSettings, padded, cpuNanos).withHadoopConf(conf), Encoders.row(TranslatePartitions.OUTPUT_SCHEMA))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
          JobProgress.step(spark, "translating chunk " + (chunk + 1) + "/" + chunks + " as " + systemId);
          Row sums = translated.agg(functions.count(functions.lit(1)), functions.sum("prompt_tokens"),
              functions.sum("output_tokens"), functions.sum("latency_ms")).first();
          long rows = sums.getLong(0);
          promptTokens += sums.isNullAt(1) ? 0 : sums.getLong(1);
          outputTokens += sums.isNullAt(2) ? 0 : sums.getLong(2);
          decodeMs += sums.isNullAt(3) ? 0 : sums.getDouble(3);
          written += warehouse.insertNew(Tables.TRANSLATIONS, run.stamp(translated, "translate:" + s.model));
          LOG.info("Chunk {}/{}: {} segments committed", chunk + 1, chunks, rows);
          listener.committed(chunk, chunks, rows);
        } finally {
          translated.unpersist();
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      new SystemsTable(warehouse).record(List.of(TranslatedSystem.row(s, systemId, pkg.manifest().name(), routes,
          AdapterLanguages.load(warehouse, registry))), run, "translate:" + s.model);
      return new Result(systemId, written, total - missing, chunks, promptTokens, padded.value(), outputTokens, seconds,
          decodeMs / 1000, cpuNanos.value() / 1e9);
    } finally {
      numbered.unpersist(); // frees the checkpoint's blocks
    }
  }

  /**
   * Per direction, the first {@code shots + 1} rows of the shot split in a fixed pseudo-random
   * order (xxhash64 of the pair, then seg id): one more than needed, so a segment that is itself
   * among them can skip it. Fails when a direction has too few.
   */
  private Map<String, List<PromptFormat.Shot>> shotPool(Settings s, List<Row> langPairs) {
    int colon = s.shotSplit.indexOf(':');
    String dataset = colon < 0 ? s.dataset : s.shotSplit.substring(0, colon);
    String split = colon < 0 ? s.shotSplit : s.shotSplit.substring(colon + 1);
    boolean sameSplit = dataset.equals(s.dataset) && (s.split == null || split.equals(s.split));
    int needed = sameSplit ? s.shots + 1 : s.shots;
    Dataset<Row> candidates =
        warehouse.read(Tables.PARALLEL_SENTENCES)
            .where(functions.col("dataset").equalTo(dataset).and(functions.col("split").equalTo(split)))
            .withColumn("mtforge_order", functions.xxhash64(functions.col("src_text"), functions.col("tgt_text")))
            .withColumn("mtforge_rank",
                functions.row_number().over(
                    Window.partitionBy("src_lang", "tgt_lang").orderBy("mtforge_order", "doc_id", "seg_id")))
            .where(functions.col("mtforge_rank").leq(s.shots + 1));
    Map<String, List<PromptFormat.Shot>> pool = new java.util.HashMap<>();
    for (Row r : candidates.orderBy("src_lang", "tgt_lang", "mtforge_rank")
        .select("src_lang", "tgt_lang", "src_text", "tgt_text").collectAsList()) {
      pool.computeIfAbsent(r.getString(0) + "-" + r.getString(1), k -> new ArrayList<>())
          .add(new PromptFormat.Shot(r.getString(2), r.getString(3)));
    }
    for (Row p : langPairs) {
      String direction = p.getString(0) + "-" + p.getString(1);
      int found = pool.getOrDefault(direction, List.of()).size();
      if (found < needed) {
        throw new InvalidInputException(
            "Option " + SHOTS + " = " + s.shots + " needs " + needed + " rows of " + direction + " in table"
                + " parallel_sentences for dataset '" + dataset + "' split '" + split + "' (" + SHOT_SPLIT + "); found "
                + found);
      }
    }
    return pool;
  }

  private static Row withChunk(Row row, int chunk) {
    Object[] values = new Object[row.length() + 1];
    for (int i = 0; i < row.length(); i++) {
      values[i] = row.get(i);
    }
    values[row.length()] = chunk;
    return RowFactory.create(values);
  }

  private Dataset<Row> routes(Routing routing, List<Row> langPairs) {
    List<AdapterRouter.AdapterRow> adapters = new ArrayList<>();
    List<AdapterRouter.MergeRow> merges = new ArrayList<>();
    if (routing != Routing.NONE) {
      for (Row r : warehouse.read(Tables.ADAPTERS)
          .select("adapter_id", "path", "strategy", "direction", "language", "group_id").collectAsList()) {
        adapters.add(new AdapterRouter.AdapterRow(r.getString(0), r.getString(1), r.getString(2), r.getString(3),
            r.getString(4), r.isNullAt(5) ? null : r.getInt(5)));
      }
      if (routing == Routing.DATM) {
        for (Row r : warehouse.read(Tables.MERGES)
            .select("merge_id", "output_adapter_id", "output_path", "direction", "group_id").collectAsList()) {
          merges.add(new AdapterRouter.MergeRow(r.getString(0), r.getString(1), r.getString(2), r.getString(3),
              r.isNullAt(4) ? null : r.getInt(4)));
        }
      }
    }
    AdapterRouter router = new AdapterRouter(routing, registry, adapters, merges);
    List<Row> rows = new ArrayList<>();
    for (Row p : langPairs) {
      AdapterRouter.Route route = router.route(p.getString(0), p.getString(1));
      rows.add(RowFactory.create(p.getString(0), p.getString(1), route.adapterId(), route.path(), route.groupId()));
    }
    StructType schema =
        new StructType()
            .add("r_src", DataTypes.StringType)
            .add("r_tgt", DataTypes.StringType)
            .add("adapter_id", DataTypes.StringType)
            .add("adapter_path", DataTypes.StringType)
            .add("group_id", DataTypes.IntegerType);
    return warehouse.spark().createDataFrame(rows, schema);
  }

  private List<Language> languages(List<Row> langPairs) {
    Map<String, Language> out = new LinkedHashMap<>();
    for (Row p : langPairs) {
      for (String code : new String[] {p.getString(0), p.getString(1)}) {
        out.put(code, registry.language(code));
      }
    }
    return new ArrayList<>(out.values());
  }

  /** The options, checked and typed, before any Spark work. */
  static final class Settings {
    String model;
    String dataset;
    String split;
    Routing routing;
    List<String[]> directions = new ArrayList<>();
    int numBeams;
    int maxNewTokens;
    double lengthPenalty;
    GenerationSettings.EarlyStopping earlyStopping;
    int batchSize;
    String systemId;
    boolean chat;
    int shots;
    String shotSplit;
    int commitSegments;
    int threads;
    String device;
    int partitions;

    static Settings parse(Map<String, String> options) {
      Settings s = new Settings();
      s.model = required(options, MODEL);
      String testSet = required(options, TEST_SET);
      int colon = testSet.indexOf(':');
      s.dataset = colon < 0 ? testSet : testSet.substring(0, colon);
      s.split = colon < 0 ? null : testSet.substring(colon + 1);
      s.routing = Routing.parse(options.getOrDefault(ROUTING, ROUTING_DEFAULT));
      String dirs = options.getOrDefault(DIRECTIONS, "");
      Set<String> seen = new LinkedHashSet<>();
      for (String d : dirs.split(",")) {
        String pair = d.strip().toLowerCase(Locale.ROOT);
        if (pair.isEmpty() || !seen.add(pair)) {
          continue;
        }
        String[] parts = pair.split("-");
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
          throw new IllegalArgumentException(
              "Invalid direction '" + d.strip() + "' in option " + DIRECTIONS + "; expected src-tgt such as de-en");
        }
        s.directions.add(parts);
      }
      s.numBeams = OptionValues.positiveInt(options, NUM_BEAMS, NUM_BEAMS_DEFAULT);
      s.maxNewTokens = OptionValues.positiveInt(options, MAX_NEW_TOKENS, MAX_NEW_TOKENS_DEFAULT);
      s.lengthPenalty = OptionValues.number(options, LENGTH_PENALTY, LENGTH_PENALTY_DEFAULT);
      s.earlyStopping = GenerationSettings.EarlyStopping.parse(options.getOrDefault(EARLY_STOPPING, EARLY_STOPPING_DEFAULT));
      s.batchSize = OptionValues.positiveInt(options, BATCH_SIZE, BATCH_SIZE_DEFAULT);
      s.systemId = options.get(SYSTEM_ID);
      s.chat = OptionValues.bool(options, CHAT_TEMPLATE, CHAT_TEMPLATE_DEFAULT);
      s.shots = OptionValues.nonNegativeInt(options, SHOTS, SHOTS_DEFAULT);
      s.shotSplit = options.getOrDefault(SHOT_SPLIT, SHOT_SPLIT_DEFAULT).strip();
      if (s.shotSplit.isEmpty() || s.shotSplit.startsWith(":") || s.shotSplit.endsWith(":")) {
        throw new InvalidOptionException(
            "Option " + SHOT_SPLIT + " must be SPLIT or DATASET:SPLIT, got '" + s.shotSplit + "'");
      }
      s.commitSegments = OptionValues.positiveInt(options, COMMIT_SEGMENTS, COMMIT_SEGMENTS_DEFAULT);
      s.threads = OptionValues.positiveInt(options, THREADS, THREADS_DEFAULT);
      s.device = options.getOrDefault(DEVICE, DEVICE_DEFAULT);
      ModelSpec.of("check").withDevice(s.device); // rejects an unknown device now, not in a task
      s.partitions = options.containsKey(PARTITIONS) ? OptionValues.positiveInt(options, PARTITIONS, 1) : 0;
      return s;
    }

    String describeDirections() {
      return directions.stream().map(d -> d[0] + "-" + d[1]).collect(Collectors.toList()).toString();
    }

    private static String required(Map<String, String> options, String key) {
      String value = options.get(key);
      if (value == null || value.isBlank()) {
        throw new InvalidOptionException("Option " + key + " is required");
      }
      return value;
    }
  }
}
