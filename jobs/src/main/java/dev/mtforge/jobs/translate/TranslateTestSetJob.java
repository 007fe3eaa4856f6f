package dev.mtforge.jobs.translate;

import dev.mtforge.jobs.multiway.Direction;
import dev.mtforge.jobs.multiway.DirectionSpec;
import dev.mtforge.jobs.multiway.MultiWayPairs;
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
import dev.mtforge.udfs.inference.PromptTemplates;
import dev.mtforge.udfs.inference.Routing;
import dev.mtforge.udfs.spark.ModelPackageCopies;
import dev.mtforge.udfs.spark.SerializableHadoopConf;
import dev.mtforge.udfs.spark.TranslatePartitions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Translates a test set from {@code parallel_sentences} with a model package and the adapter
 * each direction's routing picks, writing {@code translations}. Any direction of a multi-way test
 * set can be asked for ({@link #DIRECTIONS} {@code all} or {@code de-cs}; {@link MultiWayPairs});
 * a non-English pair is routed explicitly ({@link #XX_YY_ROUTE}) or translated through a pivot
 * language ({@link #PIVOT}, two stored legs: {@link PivotLegs}).
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
  /**
   * Comma-separated pairs to translate ({@code de-en,de-cs}), or {@code all}: every ordered pair of
   * the test set's languages. Non-English pairs of a multi-way test set are read through their
   * English alignment (see {@link MultiWayPairs}). Empty = every pair stored for the test set.
   */
  public static final String DIRECTIONS = "inference.directions";
  /** With {@code directions = all}: only these languages (comma-separated codes). */
  public static final String LANGUAGES = "inference.languages";
  /**
   * Pivot language ({@code en}): a pair without it is translated src→pivot with the routing's
   * xx→en route, then pivot→tgt with its en→xx route; both legs are stored. Unset: no pivot.
   */
  public static final String PIVOT = "inference.pivot";
  /**
   * How non-English pairs that are not pivoted are translated under an English-centric routing
   * (separate, group, dat, datm): {@code base} or {@code multilingual}. Unset: such a pair is an
   * error naming it.
   */
  public static final String XX_YY_ROUTE = "inference.xx-yy-route";
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
  /** Value of the system_id column; default {@code <model>-<routing>[-<k>shot][-pivot-<lang>][-<prompt>]}. */
  public static final String SYSTEM_ID = "inference.system-id";
  /**
   * Prompt format: {@code alma}, {@code x-alma} (ALMA in the LLaMA-2 chat template),
   * {@code llamax} (Alpaca) or a template file, local or {@code s3a://} ({@link PromptTemplates}).
   */
  public static final String PROMPT = "inference.prompt";
  public static final String PROMPT_DEFAULT = "alma";
  /** {@code true} is {@code prompt = x-alma} (the option from before {@link #PROMPT}). */
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
      Set.of(MODEL, TEST_SET, ROUTING, DIRECTIONS, LANGUAGES, PIVOT, XX_YY_ROUTE, NUM_BEAMS, MAX_NEW_TOKENS,
          LENGTH_PENALTY, EARLY_STOPPING, BATCH_SIZE, SYSTEM_ID, PROMPT, CHAT_TEMPLATE, SHOTS, SHOT_SPLIT,
          COMMIT_SEGMENTS, THREADS, DEVICE, PARTITIONS);
  private static final String[] KEYS = {"dataset", "split", "src_lang", "tgt_lang", "doc_id", "seg_id"};
  private static final List<String> ORDER = List.of("src_lang", "tgt_lang", "dataset", "split", "doc_id", "seg_id");
  private static final Column[] LEG_COLUMNS =
      java.util.stream.Stream.of("dataset", "split", "src_lang", "tgt_lang", "direction", "doc_id", "seg_id", "src_text")
          .map(functions::col).toArray(Column[]::new);

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
   * @param segmentsTranslated segments translated and written by this run (first pivot legs included)
   * @param segmentsSkipped requested segments already in translations (earlier runs)
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
   * @param pivotedSegments segments of this run translated through the pivot (their second legs)
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
      double decodeCpuSeconds,
      long pivotedSegments) {

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
    Settings s = Settings.parse(options, registry);
    SparkSession spark = warehouse.spark();
    // The driver reads the package's manifest and generation config in place; only executors
    // copy a package on s3a:// (the graph can be tens of GB).
    Configuration hadoopConf = spark.sparkContext().hadoopConfiguration();
    PromptFormat format = prompt(s, hadoopConf);
    ModelPackage.Header pkg = ModelPackageCopies.header(s.model, hadoopConf);
    GenerationSettings defaults = pkg.generation();
    GenerationSettings generation =
        new GenerationSettings(s.numBeams, s.maxNewTokens, s.lengthPenalty, s.earlyStopping,
            defaults.bosTokenId(), defaults.eosTokenId(), defaults.padTokenId());
    String systemId = s.systemId != null ? s.systemId : defaultSystemId(pkg.manifest().name(), s, format);
    String testSet = s.dataset + (s.split == null ? "" : ":" + s.split);
    JobProgress.begin(spark, "translate", testSet + " as " + systemId);

    List<Direction> requested = s.directions.storedOnly() ? null
        : s.directions.resolve(MultiWayPairs.languages(warehouse, s.dataset, s.split), testSet);
    Dataset<Row> pairs = (requested == null ? storedPairs(s) : MultiWayPairs.pairs(warehouse, s.dataset, s.split, requested))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      List<Direction> present = new ArrayList<>();
      for (Row r : pairs.select("src_lang", "tgt_lang").distinct().orderBy("src_lang", "tgt_lang").collectAsList()) {
        present.add(new Direction(r.getString(0), r.getString(1)));
      }
      if (present.isEmpty()) {
        throw new InvalidInputException(
            "No test segments in table parallel_sentences for dataset '" + s.dataset + "'"
                + (s.split == null ? "" : " split '" + s.split + "'")
                + (requested == null ? "" : " and directions " + s.directions.describe()));
      }
      if (requested != null && present.size() < requested.size()) {
        List<Direction> missing = requested.stream().filter(d -> !present.contains(d)).toList();
        throw new InvalidInputException("No test segments of " + missing + " in test set " + testSet + ": neither"
            + " stored in parallel_sentences nor aligned through English with another language's segments");
      }
      PairRoutes routes = routes(s);
      List<PairRoutes.Plan> plans = routes.plan(present);
      Map<Direction, AdapterRouter.Route> legRoutes = routes.legRoutes(plans); // every leg routed before any work
      Map<String, List<PromptFormat.Shot>> shotPool =
          s.shots == 0 ? Map.of() : shotPool(s, new ArrayList<>(legRoutes.keySet()));
      List<Language> languages = languages(legRoutes.keySet());
      Dataset<Row> routeFrame = routeFrame(legRoutes);
      List<Direction> pivoted = plans.stream().filter(PairRoutes.Plan::pivoted).map(PairRoutes.Plan::direction).toList();

      int partitions = s.partitions > 0 ? s.partitions : spark.sparkContext().defaultParallelism();
      TranslatePartitions.Settings taskSettings =
          new TranslatePartitions.Settings(
              ModelSpec.of(ModelPackageCopies.isRemote(s.model) ? s.model : Path.of(s.model).toAbsolutePath().toString())
                  .withDevice(s.device).withThreads(s.threads),
              generation, format, s.batchSize, Math.max(s.batchSize * 16, 64), systemId,
              s.routing.label(), languages, s.shots, shotPool);
      ChunkedTranslation chunks = new ChunkedTranslation(warehouse, run, taskSettings,
          new SerializableHadoopConf(hadoopConf), s.commitSegments, partitions, "translate:" + s.model, listener);
      long total = pairs.count();
      long alreadyPresent = total - missing(pairs.select(LEG_COLUMNS), systemId).count();
      long start = System.nanoTime();
      // Pass 1: every direct pair, and the first legs (src -> pivot) of the pivoted ones: these are
      // the system's own src -> pivot translations, shared by every target of a source segment.
      Dataset<Row> direct = only(pairs, plans.stream().filter(p -> !p.pivoted()).map(PairRoutes.Plan::direction).toList())
          .select(LEG_COLUMNS);
      Dataset<Row> passOne = pivoted.isEmpty() ? direct
          : direct.unionByName(PivotLegs.firstLegs(only(pairs, pivoted), s.pivot)).dropDuplicates(KEYS);
      ChunkedTranslation.Totals one = chunks.run(withRoutes(missing(passOne, systemId), routeFrame), ORDER,
          (translated, input) -> translated.withColumn("pivot_lang", functions.lit(null).cast("string")),
          pivoted.isEmpty() ? "direct pairs" : "direct pairs and first pivot legs");
      ChunkedTranslation.Totals two = new ChunkedTranslation.Totals(0, 0, 0, 0, 0, 0);
      if (!pivoted.isEmpty()) {
        // Pass 2: pivot -> tgt on the system's stored src -> pivot translations.
        Dataset<Row> todo = missing(only(pairs, pivoted).select(LEG_COLUMNS), systemId);
        two = chunks.run(withRoutes(PivotLegs.secondLegs(todo, intermediates(systemId, s.pivot), s.pivot), routeFrame),
            ORDER, PivotLegs.finish(s.pivot), "second pivot legs through " + s.pivot);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      new SystemsTable(warehouse).record(List.of(TranslatedSystem.row(s, systemId, pkg.manifest().name(), format,
          routeFrame, AdapterLanguages.load(warehouse, registry))), run, "translate:" + s.model);
      LOG.info("{}: {} segments translated{}, {} of {} requested segments were already present", systemId,
          one.written() + two.written(), s.pivot == null ? "" : " (" + two.written() + " through " + s.pivot + ")",
          alreadyPresent, total);
      return new Result(systemId, one.written() + two.written(), alreadyPresent, one.chunks() + two.chunks(),
          one.promptTokens() + two.promptTokens(), chunks.paddedPromptTokens(), one.outputTokens() + two.outputTokens(),
          seconds, (one.decodeMs() + two.decodeMs()) / 1000, chunks.decodeCpuNanos() / 1e9, two.written());
    } finally {
      pairs.unpersist();
    }
  }

  /**
   * Per direction, the first {@code shots + 1} rows of the shot split in a fixed pseudo-random
   * order (xxhash64 of the pair, then seg id): one more than needed, so a segment that is itself
   * among them can skip it. Fails when a direction has too few.
   */
  private Map<String, List<PromptFormat.Shot>> shotPool(Settings s, List<Direction> legs) {
    int colon = s.shotSplit.indexOf(':');
    String dataset = colon < 0 ? s.dataset : s.shotSplit.substring(0, colon);
    String split = colon < 0 ? s.shotSplit : s.shotSplit.substring(colon + 1);
    boolean sameSplit = dataset.equals(s.dataset) && (s.split == null || split.equals(s.split));
    int needed = sameSplit ? s.shots + 1 : s.shots;
    // Examples of non-English legs come from the shot split's multi-way alignment, like the pairs.
    Dataset<Row> candidates =
        MultiWayPairs.pairs(warehouse, dataset, split, legs)
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
    for (Direction leg : legs) {
      String direction = leg.toString();
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

  /** The test set's stored pairs (no directions option): every direction prepare wrote. */
  private Dataset<Row> storedPairs(Settings s) {
    Dataset<Row> pairs = warehouse.read(Tables.PARALLEL_SENTENCES).where(functions.col("dataset").equalTo(s.dataset));
    if (s.split != null) {
      pairs = pairs.where(functions.col("split").equalTo(s.split));
    }
    return pairs.select(MultiWayPairs.COLUMNS.stream().map(functions::col).toArray(Column[]::new));
  }

  /** The keys of the system's rows in translations. */
  private Dataset<Row> existing(String systemId) {
    return warehouse.read(Tables.TRANSLATIONS).where(functions.col("system_id").equalTo(systemId)).select(KEYS[0],
        java.util.Arrays.copyOfRange(KEYS, 1, KEYS.length));
  }

  /** The rows whose key the system has not translated yet (doc_id may be null). */
  private Dataset<Row> missing(Dataset<Row> rows, String systemId) {
    Dataset<Row> done = existing(systemId);
    Column same = functions.lit(true);
    for (String c : KEYS) {
      same = same.and(rows.col(c).eqNullSafe(done.col(c)));
    }
    return rows.join(done, same, "left_anti");
  }

  /** The system's src -> pivot translations: the first legs of its pivoted pairs. */
  private Dataset<Row> intermediates(String systemId, String pivot) {
    return warehouse.read(Tables.TRANSLATIONS)
        .where(functions.col("system_id").equalTo(systemId).and(functions.col("tgt_lang").equalTo(pivot)))
        .select(functions.col("dataset"), functions.col("split"), functions.col("src_lang"), functions.col("doc_id"),
            functions.col("seg_id"), functions.col("hypothesis"));
  }

  private static Dataset<Row> only(Dataset<Row> rows, List<Direction> directions) {
    List<Row> pairs = new ArrayList<>();
    for (Direction d : directions) {
      pairs.add(RowFactory.create(d.src(), d.tgt()));
    }
    StructType schema = new StructType().add("src_lang", DataTypes.StringType).add("tgt_lang", DataTypes.StringType);
    return rows.join(functions.broadcast(rows.sparkSession().createDataFrame(pairs, schema)),
        new String[] {"src_lang", "tgt_lang"}, "left_semi");
  }

  /** Rows to translate with their leg's adapter, as {@link TranslatePartitions} reads them (extra columns kept). */
  private static Dataset<Row> withRoutes(Dataset<Row> rows, Dataset<Row> routes) {
    Dataset<Row> joined = rows.join(functions.broadcast(routes),
        rows.col("src_lang").equalTo(routes.col("r_src")).and(rows.col("tgt_lang").equalTo(routes.col("r_tgt"))));
    List<Column> columns = new ArrayList<>();
    TranslatePartitions.INPUT_COLUMNS.forEach(c -> columns.add(functions.col(c)));
    for (String extra : rows.columns()) {
      if (!TranslatePartitions.INPUT_COLUMNS.contains(extra)) {
        columns.add(functions.col(extra));
      }
    }
    return joined.select(columns.toArray(new Column[0]));
  }

  private PairRoutes routes(Settings s) {
    List<AdapterRouter.AdapterRow> adapters = new ArrayList<>();
    List<AdapterRouter.MergeRow> merges = new ArrayList<>();
    if (s.routing != Routing.NONE || s.xxYyRoute == PairRoutes.XxYyRoute.MULTILINGUAL) {
      for (Row r : warehouse.read(Tables.ADAPTERS)
          .select("adapter_id", "path", "strategy", "direction", "language", "group_id").collectAsList()) {
        adapters.add(new AdapterRouter.AdapterRow(r.getString(0), r.getString(1), r.getString(2), r.getString(3),
            r.getString(4), r.isNullAt(5) ? null : r.getInt(5)));
      }
      if (s.routing == Routing.DATM) {
        for (Row r : warehouse.read(Tables.MERGES)
            .select("merge_id", "output_adapter_id", "output_path", "direction", "group_id").collectAsList()) {
          merges.add(new AdapterRouter.MergeRow(r.getString(0), r.getString(1), r.getString(2), r.getString(3),
              r.isNullAt(4) ? null : r.getInt(4)));
        }
      }
    }
    return new PairRoutes(s.routing, s.xxYyRoute, s.pivot, new AdapterRouter(s.routing, registry, adapters, merges),
        new AdapterRouter(Routing.MULTILINGUAL, registry, adapters, merges), PIVOT, XX_YY_ROUTE);
  }

  private Dataset<Row> routeFrame(Map<Direction, AdapterRouter.Route> legs) {
    List<Row> rows = new ArrayList<>();
    legs.forEach((leg, route) -> rows.add(RowFactory.create(leg.src(), leg.tgt(), route.adapterId(), route.path(),
        route.groupId())));
    StructType schema =
        new StructType()
            .add("r_src", DataTypes.StringType)
            .add("r_tgt", DataTypes.StringType)
            .add("adapter_id", DataTypes.StringType)
            .add("adapter_path", DataTypes.StringType)
            .add("group_id", DataTypes.IntegerType);
    return warehouse.spark().createDataFrame(rows, schema);
  }

  private List<Language> languages(java.util.Collection<Direction> legs) {
    Map<String, Language> out = new LinkedHashMap<>();
    for (Direction leg : legs) {
      for (String code : new String[] {leg.src(), leg.tgt()}) {
        out.put(code, registry.language(code));
      }
    }
    return new ArrayList<>(out.values());
  }

  /** The prompt format: a name, or a template file read through Hadoop (local or s3a://). */
  private static PromptFormat prompt(Settings s, Configuration conf) {
    Optional<PromptFormat> named = PromptTemplates.named(s.prompt);
    PromptFormat format = named.orElseGet(() -> {
      org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(s.prompt);
      try (java.io.InputStream in = file.getFileSystem(conf).open(file)) {
        return PromptTemplates.parse(s.prompt, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      } catch (java.io.FileNotFoundException e) {
        throw new InvalidOptionException("Option " + PROMPT + " must be " + String.join(", ", PromptTemplates.NAMES)
            + " or a template file; no file " + s.prompt);
      } catch (java.io.IOException e) {
        throw new InvalidInputException("Cannot read prompt template " + s.prompt + ": " + e.getMessage(), s.prompt, e);
      }
    });
    if (s.shots > 0 && !format.supportsShots()) {
      throw new InvalidOptionException("Option " + SHOTS + " = " + s.shots + " needs a prompt with a few-shot form"
          + " (alma, x-alma); prompt " + format.name() + " has none");
    }
    return format;
  }

  /** {@code <model>-<routing>[-<k>shot][-pivot-<lang>][-<prompt>]}: what changes the output is in the id. */
  private static String defaultSystemId(String model, Settings s, PromptFormat format) {
    String prompt = format.equals(PromptFormat.ALMA) ? ""
        : "-" + (PromptTemplates.named(format.name()).isPresent() ? format.name() : format.tag().substring(1));
    return model + "-" + s.routing.label() + (s.shots > 0 ? "-" + s.shots + "shot" : "")
        + (s.pivot != null ? "-pivot-" + s.pivot : "") + prompt;
  }

  /** The options, checked and typed, before any Spark work. */
  static final class Settings {
    String model;
    String dataset;
    String split;
    Routing routing;
    DirectionSpec directions;
    String pivot;
    PairRoutes.XxYyRoute xxYyRoute;
    int numBeams;
    int maxNewTokens;
    double lengthPenalty;
    GenerationSettings.EarlyStopping earlyStopping;
    int batchSize;
    String systemId;
    String prompt;
    int shots;
    String shotSplit;
    int commitSegments;
    int threads;
    String device;
    int partitions;

    static Settings parse(Map<String, String> options, LanguageRegistry registry) {
      Settings s = new Settings();
      s.model = required(options, MODEL);
      String testSet = required(options, TEST_SET);
      int colon = testSet.indexOf(':');
      s.dataset = colon < 0 ? testSet : testSet.substring(0, colon);
      s.split = colon < 0 ? null : testSet.substring(colon + 1);
      s.routing = Routing.parse(options.getOrDefault(ROUTING, ROUTING_DEFAULT));
      s.directions = DirectionSpec.parse(options.get(DIRECTIONS), options.get(LANGUAGES), DIRECTIONS, LANGUAGES, registry);
      String pivot = options.getOrDefault(PIVOT, "").strip().toLowerCase(Locale.ROOT);
      if (!pivot.isEmpty()) {
        if (registry.find(pivot).isEmpty()) {
          throw new InvalidOptionException("Unknown language '" + pivot + "' in option " + PIVOT);
        }
        s.pivot = pivot;
      }
      String xxYy = options.getOrDefault(XX_YY_ROUTE, "").strip();
      s.xxYyRoute = xxYy.isEmpty() ? null : PairRoutes.XxYyRoute.parse(xxYy, XX_YY_ROUTE);
      if (s.pivot != null && s.xxYyRoute != null) {
        throw new InvalidOptionException("Options " + PIVOT + " and " + XX_YY_ROUTE + " both say how non-English pairs"
            + " are translated; choose one");
      }
      s.numBeams = OptionValues.positiveInt(options, NUM_BEAMS, NUM_BEAMS_DEFAULT);
      s.maxNewTokens = OptionValues.positiveInt(options, MAX_NEW_TOKENS, MAX_NEW_TOKENS_DEFAULT);
      s.lengthPenalty = OptionValues.number(options, LENGTH_PENALTY, LENGTH_PENALTY_DEFAULT);
      s.earlyStopping = GenerationSettings.EarlyStopping.parse(options.getOrDefault(EARLY_STOPPING, EARLY_STOPPING_DEFAULT));
      s.batchSize = OptionValues.positiveInt(options, BATCH_SIZE, BATCH_SIZE_DEFAULT);
      s.systemId = options.get(SYSTEM_ID);
      boolean chat = OptionValues.bool(options, CHAT_TEMPLATE, CHAT_TEMPLATE_DEFAULT);
      s.prompt = options.getOrDefault(PROMPT, chat ? "x-alma" : PROMPT_DEFAULT).strip();
      if (chat && !s.prompt.equalsIgnoreCase("x-alma")) {
        throw new InvalidOptionException("Option " + CHAT_TEMPLATE + " = true is prompt x-alma; it contradicts "
            + PROMPT + " = " + s.prompt);
      }
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

    private static String required(Map<String, String> options, String key) {
      String value = options.get(key);
      if (value == null || value.isBlank()) {
        throw new InvalidOptionException("Option " + key + " is required");
      }
      return value;
    }
  }
}
