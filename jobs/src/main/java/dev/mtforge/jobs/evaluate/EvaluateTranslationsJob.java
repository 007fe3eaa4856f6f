package dev.mtforge.jobs.evaluate;

import static org.apache.spark.sql.functions.col;

import dev.mtforge.jobs.progress.JobProgress;

import dev.mtforge.jobs.multiway.MultiWayPairs;
import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.schemas.InvalidOptionException;
import dev.mtforge.schemas.OptionValues;
import dev.mtforge.schemas.languages.Language;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.udfs.metrics.BootstrapConfidence;
import dev.mtforge.udfs.metrics.Metric;
import dev.mtforge.udfs.metrics.MetricSpec;
import dev.mtforge.udfs.metrics.comet.CometScorer;
import dev.mtforge.udfs.metrics.comet.CometSpec;
import dev.mtforge.udfs.spark.CometPackages;
import dev.mtforge.udfs.spark.CometSegmentScorer;
import dev.mtforge.udfs.spark.PairBootstrap;
import dev.mtforge.udfs.spark.SegmentScorer;
import dev.mtforge.udfs.spark.SerializableHadoopConf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores the {@code translations} table against the references in {@code parallel_sentences}
 * with sacreBLEU-exact metrics, and writes {@code segment_scores} (one row per segment and
 * metric, with its sufficient statistics) and {@code system_scores}.
 *
 * <p>Executors compute per-segment statistics; Spark sums them per system, test set and language
 * pair (integer sums, so the result does not depend on partitioning); the driver turns each sum
 * into a corpus score, identical to what {@code sacrebleu} prints for the same files. Scopes
 * above the pair ({@code direction}, {@code group}, {@code resource}, {@code all}) are macro
 * averages of the pair scores, as papers report "average over directions"; they carry the
 * pair signature when all pairs share it, else every distinct signature joined by {@code " + "}.
 *
 * <pre>{@code
 * EvaluateTranslationsJob.Result r =
 *     new EvaluateTranslationsJob(warehouse, registry, run).option(METRICS, "bleu,chrf++").execute();
 * }</pre>
 *
 * <p>Re-runs are idempotent: both tables are written with one MERGE each on their keys, after
 * every input check and all scoring have succeeded.
 */
public final class EvaluateTranslationsJob {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluateTranslationsJob.class);

  /** Comma-separated metrics: bleu, chrf, chrf++, ter, spbleu, comet, cometkiwi. */
  public static final String METRICS = "metrics.names";
  public static final String METRICS_DEFAULT = "bleu,chrf++";
  /** BLEU tokenizer, or {@code auto} for sacreBLEU's per-language default (zh, ja-mecab, 13a). */
  public static final String TOKENIZER = "metrics.tokenizer";
  public static final String TOKENIZER_DEFAULT = MetricSpec.AUTO;
  /** Case-insensitive BLEU and chrF. */
  public static final String LOWERCASE = "metrics.lowercase";
  public static final String LOWERCASE_DEFAULT = "false";
  /** The flores200 SentencePiece model for spBLEU; readable on every executor. */
  public static final String SPM_MODEL = "metrics.spm-model";
  /**
   * The COMET package (deploy/export/export_comet.py) for {@code comet}, local or {@code s3a://};
   * also for {@code cometkiwi} when {@link #COMETKIWI_MODEL} is not set.
   */
  public static final String COMET_MODEL = "metrics.comet-model";
  /** The reference-free COMET package for {@code cometkiwi}, when it differs from {@link #COMET_MODEL}. */
  public static final String COMETKIWI_MODEL = "metrics.cometkiwi-model";
  /** Padded tokens per COMET encoder batch (texts are sorted by length and batched under it). */
  public static final String COMET_BATCH_TOKENS = "metrics.comet-batch-tokens";
  public static final String COMET_BATCH_TOKENS_DEFAULT = "8192"; // CometScorer.TOKEN_BUDGET_DEFAULT
  /** ONNX Runtime threads per task for COMET (CPU); 1 fits one task per core. */
  public static final String COMET_THREADS = "metrics.comet-threads";
  public static final String COMET_THREADS_DEFAULT = "1";
  /** Comma-separated system ids to evaluate; empty for all. */
  public static final String SYSTEMS = "evaluate.systems";
  /** Partitions to score in; 0 keeps the input's. Scores do not depend on it. */
  public static final String PARTITIONS = "evaluate.partitions";
  public static final String PARTITIONS_DEFAULT = "0";

  /**
   * Whether pair rows get a bootstrap 95% confidence interval ({@code ci_low}/{@code ci_high}),
   * as {@code sacrebleu -ci} on the pair's segments in key order. On by default: see DESIGN.md.
   */
  public static final String CONFIDENCE = "metrics.confidence";
  public static final String CONFIDENCE_DEFAULT = "true";
  /** Bootstrap resamples per pair and metric. */
  public static final String CONFIDENCE_N = "metrics.confidence-n";
  public static final String CONFIDENCE_N_DEFAULT = "1000"; // BootstrapConfidence.SAMPLES_DEFAULT, sacreBLEU's
  /** Seed of NumPy's generator for the resamples (sacreBLEU's SACREBLEU_SEED default). */
  public static final String SEED = "metrics.seed";
  public static final String SEED_DEFAULT = "12345";

  private static final Set<String> VALID_OPTIONS =
      Set.of(METRICS, TOKENIZER, LOWERCASE, SPM_MODEL, SYSTEMS, PARTITIONS, CONFIDENCE, CONFIDENCE_N, SEED,
          COMET_MODEL, COMETKIWI_MODEL, COMET_BATCH_TOKENS, COMET_THREADS);
  /** Segments a COMET task batches together. */
  private static final int COMET_WINDOW = 512;
  private static final String[] KEYS = {"system_id", "dataset", "split", "src_lang", "tgt_lang", "doc_id", "seg_id"};
  private static final String[] PAIR = {"system_id", "dataset", "split", "src_lang", "tgt_lang", "metric"};

  private final Warehouse warehouse;
  private final LanguageRegistry registry;
  private final RunContext run;
  private final Map<String, String> options = new LinkedHashMap<>();

  public EvaluateTranslationsJob(Warehouse warehouse, LanguageRegistry registry, RunContext run) {
    this.warehouse = Objects.requireNonNull(warehouse, "warehouse");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.run = Objects.requireNonNull(run, "run");
  }

  /** Sets an option; unknown keys are rejected when the job executes. */
  public EvaluateTranslationsJob option(String key, String value) {
    options.put(key, value);
    return this;
  }

  /** The metric specs the options describe (validates them). */
  List<MetricSpec> specs() {
    for (String key : options.keySet()) {
      if (!VALID_OPTIONS.contains(key)) {
        throw new InvalidOptionException(
            "Unknown option '" + key + "' for evaluate; known: " + new TreeSet<>(VALID_OPTIONS));
      }
    }
    String tokenizer = options.getOrDefault(TOKENIZER, TOKENIZER_DEFAULT);
    boolean lowercase = OptionValues.bool(options, LOWERCASE, Boolean.parseBoolean(LOWERCASE_DEFAULT));
    List<MetricSpec> specs = new ArrayList<>();
    for (String name : options.getOrDefault(METRICS, METRICS_DEFAULT).split(",")) {
      String metric = name.trim().toLowerCase(Locale.ROOT);
      if (MetricSpec.COMET_NAMES.contains(metric)) {
        specs.add(MetricSpec.comet(metric, comet(metric)));
      } else if (!name.isBlank()) {
        MetricSpec spec = new MetricSpec(name, tokenizer, lowercase, options.get(SPM_MODEL));
        spec.corpus("en"); // fail here on a bad tokenizer or model path, not in a task
        specs.add(spec);
      }
    }
    if (specs.isEmpty()) {
      throw new InvalidOptionException("Option " + METRICS + " names no metric");
    }
    return specs;
  }

  /** The package of a COMET metric, its manifest read in place on the driver. */
  private CometSpec comet(String metric) {
    String uri = "cometkiwi".equals(metric) && options.containsKey(COMETKIWI_MODEL)
        ? options.get(COMETKIWI_MODEL) : options.get(COMET_MODEL);
    if (uri == null || uri.isBlank()) {
      throw new InvalidOptionException("Metric " + metric + " needs a COMET package: set option " + COMET_MODEL
          + ("cometkiwi".equals(metric) ? " or " + COMETKIWI_MODEL : "") + " (export one with deploy/export/export_comet.py)");
    }
    return CometPackages.spec(uri, warehouse.spark().sparkContext().hadoopConfiguration());
  }

  /** The bootstrap to run, or null when confidence intervals are off (validates the options). */
  BootstrapConfidence bootstrap() {
    boolean on = OptionValues.bool(options, CONFIDENCE, Boolean.parseBoolean(CONFIDENCE_DEFAULT));
    int samples = OptionValues.positiveInt(options, CONFIDENCE_N, Integer.parseInt(CONFIDENCE_N_DEFAULT));
    long seed = OptionValues.integer(options, SEED, Long.parseLong(SEED_DEFAULT));
    BootstrapConfidence b = BootstrapConfidence.of(samples, seed);
    new dev.mtforge.udfs.metrics.NumpyRandom(seed); // a seed NumPy would refuse fails here
    return on ? b : null;
  }

  public Result execute() {
    List<MetricSpec> specs = specs();
    BootstrapConfidence bootstrap = bootstrap();
    int partitions = OptionValues.nonNegativeInt(options, PARTITIONS, Integer.parseInt(PARTITIONS_DEFAULT)); // 0: automatic
    int cometTokens = OptionValues.positiveInt(options, COMET_BATCH_TOKENS, Integer.parseInt(COMET_BATCH_TOKENS_DEFAULT));
    int cometThreads = OptionValues.nonNegativeInt(options, COMET_THREADS, Integer.parseInt(COMET_THREADS_DEFAULT));
    List<MetricSpec> textSpecs = specs.stream().filter(s -> !s.isComet()).toList();
    List<MetricSpec> cometSpecs = specs.stream().filter(MetricSpec::isComet).toList();
    var spark = warehouse.spark();
    JobProgress.begin(spark, "evaluate", "scoring translations: " + specs);

    Dataset<Row> translations = warehouse.read(Tables.TRANSLATIONS);
    String systems = options.getOrDefault(SYSTEMS, "");
    if (!systems.isBlank()) {
      translations = translations.filter(col("system_id").isin((Object[]) systems.split(",")));
    }
    // Stored references, and those of non-English pairs of multi-way test sets (de-cs of Flores)
    // through their English alignment, as translate read the sources.
    Dataset<Row> refs =
        MultiWayPairs.references(warehouse, translations)
            .select(col("dataset").as("r_dataset"), col("split").as("r_split"),
                col("src_lang").as("r_src"), col("tgt_lang").as("r_tgt"), col("doc_id").as("r_doc"),
                col("seg_id").as("r_seg"), col("src_text").as("r_src_text"), col("tgt_text"), col("extra_refs"));
    Column on =
        col("dataset").eqNullSafe(col("r_dataset"))
            .and(col("split").eqNullSafe(col("r_split")))
            .and(col("src_lang").eqNullSafe(col("r_src")))
            .and(col("tgt_lang").eqNullSafe(col("r_tgt")))
            .and(col("doc_id").eqNullSafe(col("r_doc")))
            .and(col("seg_id").eqNullSafe(col("r_seg")));
    // one scan of the inputs: the join is cached for the check, the strategies and the scoring
    List<String> cols = new ArrayList<>(SegmentScorer.INPUT_COLUMNS);
    cols.add("strategy");
    cols.add("r_seg");
    cols.add("r_src_text");
    Dataset<Row> joined =
        translations.join(refs, on, "left")
            .select(cols.stream().map(functions::col).toArray(Column[]::new))
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Row check =
          joined.agg(
                  functions.sum(functions.when(col("r_seg").isNull(), 1).otherwise(0)).as("missing"),
                  functions.min(functions.when(col("r_seg").isNull(),
                      functions.concat_ws("\u0001", col("system_id"), col("dataset"), col("split"), col("src_lang"),
                          col("tgt_lang"), functions.coalesce(col("doc_id"), functions.lit("null")),
                          col("seg_id").cast("string")))).as("example"))
              .first();
      long missing = check.isNullAt(0) ? 0 : check.getLong(0);
      if (missing > 0) {
        String[] m = check.getString(1).split("\u0001");
        throw new InvalidInputException(
            "Cannot evaluate: " + missing + " translation(s) have no reference in parallel_sentences, e.g."
                + " system " + m[0] + ", " + m[1] + "/" + m[2] + " " + m[3] + "-" + m[4] + " doc " + m[5]
                + " seg " + m[6]);
      }
      Dataset<Row> input =
          joined.select(SegmentScorer.INPUT_COLUMNS.stream().map(functions::col).toArray(Column[]::new));
      if (partitions > 0) {
        input = input.repartition(partitions);
      }
      CometCounters comet = cometSpecs.isEmpty() ? null : new CometCounters(spark.sparkContext());
      Dataset<Row> scored = null;
      if (!textSpecs.isEmpty()) {
        scored = input.mapPartitions(new SegmentScorer(textSpecs), Encoders.row(SegmentScorer.OUTPUT));
      }
      if (comet != null) {
        Dataset<Row> cometScored = cometScores(joined, cometSpecs, comet, cometTokens, cometThreads, partitions);
        scored = scored == null ? cometScored : scored.union(cometScored);
      }
      scored = scored.persist(StorageLevel.MEMORY_AND_DISK());
      try {
        List<PairScore> pairs = pairScores(scored, specs, bootstrap);
        List<Row> systemRows = systemRows(pairs, strategies(joined));
        long segments = pairs.stream().mapToLong(PairScore::segments).sum();
        // everything is computed; now write, one MERGE per table
        warehouse.upsert(Tables.SEGMENT_SCORES, run.stamp(scored.drop("nrefs"), "table:translations"));
        Dataset<Row> systemFrame = spark.createDataFrame(systemRows, systemScoresSchema());
        warehouse.upsert(Tables.SYSTEM_SCORES, run.stamp(systemFrame, "table:segment_scores"));
        LOG.info("Evaluated {} segment scores into {} pair scores and {} system_scores rows",
            segments, pairs.size(), systemRows.size());
        CometStats cometStats = comet == null ? null : comet.stats(pairs);
        if (cometStats != null) {
          LOG.info("COMET: {} encoder passes for {} segment scores ({} without shared encodings),"
                  + " padding waste {}%, {} s of task CPU", cometStats.encoded(), cometStats.segmentScores(),
              cometStats.unsharedPasses(), String.format(Locale.ROOT, "%.1f", 100 * cometStats.paddingWaste()),
              String.format(Locale.ROOT, "%.1f", cometStats.cpuSeconds()));
        }
        return new Result(segments, pairs, systemRows.size(), cometStats);
      } finally {
        scored.unpersist();
      }
    } finally {
      joined.unpersist();
    }
  }

  /**
   * COMET segment scores: one row per test segment with every system's translation (so each
   * source and reference is encoded once for all systems), scored on executors.
   */
  private Dataset<Row> cometScores(Dataset<Row> joined, List<MetricSpec> specs, CometCounters run, int tokens,
      int threads, int partitions) {
    Dataset<Row> segments =
        joined.groupBy(col("dataset"), col("split"), col("src_lang"), col("tgt_lang"), col("doc_id"), col("seg_id"))
            .agg(functions.first("r_src_text").as("src_text"), functions.first("tgt_text").as("tgt_text"),
                functions.array_sort(functions.collect_list(functions.struct(col("system_id"), col("hypothesis"))))
                    .as("hypotheses"))
            .select(CometSegmentScorer.INPUT_COLUMNS.stream().map(functions::col).toArray(Column[]::new));
    if (partitions > 0) {
      segments = segments.repartition(partitions);
    }
    CometSegmentScorer.Settings settings =
        new CometSegmentScorer.Settings(specs, tokens, CometScorer.MAX_ROWS_DEFAULT, COMET_WINDOW, threads, "cpu");
    SerializableHadoopConf conf = new SerializableHadoopConf(warehouse.spark().sparkContext().hadoopConfiguration());
    Dataset<Row> scored =
        segments.mapPartitions(new CometSegmentScorer(settings, run.counters()).withHadoopConf(conf),
            Encoders.row(SegmentScorer.OUTPUT));
    return scored;
  }

  /**
   * Sums each pair's statistics in Spark and scores the sums on the driver; with a bootstrap, an
   * executor per pair resamples its segments (in key order) for the confidence interval.
   */
  private List<PairScore> pairScores(Dataset<Row> scored, List<MetricSpec> specs, BootstrapConfidence bootstrap) {
    Map<List<String>, double[]> intervals = new HashMap<>();
    if (bootstrap != null) {
      Dataset<Row> bySegments =
          scored.groupBy(Arrays.stream(PAIR).map(functions::col).toArray(Column[]::new))
              .agg(functions.collect_list(functions.struct(col("doc_id"), col("seg_id"), col("stats"))).as("segments"));
      for (Row r : bySegments.map(new PairBootstrap(specs, bootstrap.samples(), bootstrap.seed()),
              Encoders.row(PairBootstrap.OUTPUT)).collectAsList()) {
        intervals.put(List.of(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4),
            r.getString(5)), new double[] {r.getDouble(6), r.getDouble(7)});
      }
    }
    Column[] pairCols = Arrays.stream(PAIR).map(functions::col).toArray(Column[]::new);
    Dataset<Row> exploded =
        scored.select(functions.col("system_id"), col("dataset"), col("split"), col("src_lang"),
            col("tgt_lang"), col("metric"), col("nrefs"),
            functions.posexplode(col("stats")).as(new String[] {"pos", "v"}));
    Column[] withPos = Arrays.copyOf(pairCols, pairCols.length + 1);
    withPos[pairCols.length] = col("pos");
    // one shuffle: per (pair, position) sums and counts, then gathered per pair
    Dataset<Row> sums =
        exploded.groupBy(withPos)
            .agg(functions.sum("v").as("s"), functions.count(functions.lit(1)).as("n"),
                functions.min("nrefs").as("min_refs"), functions.max("nrefs").as("max_refs"))
            .groupBy(pairCols)
            .agg(functions.array_sort(functions.collect_list(functions.struct(col("pos"), col("s")))).as("parts"),
                functions.max("n").as("segments"), functions.min("min_refs").as("min_refs"),
                functions.max("max_refs").as("max_refs"));
    Map<String, MetricSpec> byLabel = new HashMap<>();
    for (MetricSpec s : specs) {
      byLabel.put(s.label(), s);
    }
    List<PairScore> out = new ArrayList<>();
    for (Row r : sums.orderBy(pairCols).collectAsList()) {
      List<Row> parts = r.getList(r.fieldIndex("parts"));
      long[] totals = new long[parts.size()];
      for (Row p : parts) {
        totals[p.getInt(0)] = p.getLong(1);
      }
      String tgt = r.getString(r.fieldIndex("tgt_lang"));
      Metric metric = byLabel.get(r.getString(r.fieldIndex("metric"))).corpus(tgt);
      int minRefs = r.getInt(r.fieldIndex("min_refs"));
      int maxRefs = r.getInt(r.fieldIndex("max_refs"));
      double[] ci = intervals.get(List.of(r.getString(0), r.getString(1), r.getString(2), r.getString(3), tgt, r.getString(5)));
      out.add(
          new PairScore(
              r.getString(0), r.getString(1), r.getString(2), r.getString(3), tgt, r.getString(5),
              metric.signature(minRefs == maxRefs ? minRefs : -1).format(),
              metric.score(totals).score(), r.getLong(r.fieldIndex("segments")), totals,
              ci == null ? null : ci[0], ci == null ? null : ci[1]));
    }
    return out;
  }

  private static Map<String, String> strategies(Dataset<Row> translations) {
    Map<String, String> out = new HashMap<>();
    for (Row r : translations.groupBy("system_id").agg(functions.max("strategy")).collectAsList()) {
      out.put(r.getString(0), r.getString(1));
    }
    return out;
  }

  /** Pair rows, then macro averages per direction, group, resource level and overall. */
  private List<Row> systemRows(List<PairScore> pairs, Map<String, String> strategies) {
    List<Row> rows = new ArrayList<>();
    Scopes<PairScore> scopes = new Scopes<>();
    for (PairScore p : pairs) {
      String direction = direction(p.srcLang(), p.tgtLang());
      Optional<Language> other = registry.find("en".equals(p.srcLang()) ? p.tgtLang() : p.srcLang());
      String resource = other.map(l -> l.resource().label()).orElse(null);
      Integer group = null;
      rows.add(row(p.systemId(), p.dataset(), p.split(), "pair", p.srcLang(), p.tgtLang(), direction,
          group, resource, strategies.get(p.systemId()), p.metric(), p.signature(), p.score(),
          p.segments(), p.stats(), p.ciLow(), p.ciHigh()));
      List<Object> base = List.of(p.systemId(), p.dataset(), p.split(), p.metric());
      scopes.addDirection(base, direction, p);
      scopes.add(new Scopes.Key(base, "all", null, null, null), p);
      if (other.isPresent() && !"xx-yy".equals(direction)) {
        scopes.addLanguage(base, direction, other.get().groups(), resource, p);
      }
    }
    for (Map.Entry<Scopes.Key, List<PairScore>> e : scopes.members().entrySet()) {
      Scopes.Key k = e.getKey();
      List<PairScore> members = e.getValue();
      double mean = members.stream().mapToDouble(PairScore::score).average().orElse(0);
      long segments = members.stream().mapToLong(PairScore::segments).sum();
      Set<String> sigs = new TreeSet<>();
      members.forEach(m -> sigs.add(m.signature()));
      String systemId = (String) k.prefix().get(0);
      rows.add(row(systemId, (String) k.prefix().get(1), (String) k.prefix().get(2), k.scope(), null, null,
          k.direction(), k.group(), k.resource(), strategies.get(systemId),
          (String) k.prefix().get(3), String.join(" + ", sigs), mean, segments, null, null, null));
    }
    return rows;
  }

  static String direction(String src, String tgt) {
    if ("en".equals(tgt)) {
      return "xx-en";
    }
    return "en".equals(src) ? "en-xx" : "xx-yy";
  }

  private static Row row(String system, String dataset, String split, String scope, String src,
      String tgt, String direction, Integer group, String resource, String strategy, String metric,
      String signature, double score, long segments, long[] stats, Double ciLow, Double ciHigh) {
    List<Long> boxed = null;
    if (stats != null) {
      boxed = new ArrayList<>();
      for (long s : stats) {
        boxed.add(s);
      }
    }
    return RowFactory.create(system, dataset, split, scope, src, tgt, direction, group, resource,
        strategy, metric, signature, score, segments, boxed, ciLow, ciHigh);
  }

  private static StructType systemScoresSchema() {
    return new StructType()
        .add("system_id", DataTypes.StringType)
        .add("dataset", DataTypes.StringType)
        .add("split", DataTypes.StringType)
        .add("scope", DataTypes.StringType)
        .add("src_lang", DataTypes.StringType)
        .add("tgt_lang", DataTypes.StringType)
        .add("direction", DataTypes.StringType)
        .add("group_id", DataTypes.IntegerType)
        .add("resource_level", DataTypes.StringType)
        .add("strategy", DataTypes.StringType)
        .add("metric", DataTypes.StringType)
        .add("signature", DataTypes.StringType)
        .add("score", DataTypes.DoubleType)
        .add("segments", DataTypes.LongType)
        .add("stats", DataTypes.createArrayType(DataTypes.LongType))
        .add("ci_low", DataTypes.DoubleType)
        .add("ci_high", DataTypes.DoubleType);
  }

  /**
   * A corpus score of one system on one language pair of a test set.
   *
   * @param stats the summed sufficient statistics the score was computed from
   * @param ciLow the bootstrap mean minus half the 95% interval (sacreBLEU's μ − ci), or null
   * @param ciHigh the bootstrap mean plus half the 95% interval, or null
   */
  public record PairScore(String systemId, String dataset, String split, String srcLang,
      String tgtLang, String metric, String signature, double score, long segments, long[] stats,
      Double ciLow, Double ciHigh) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%s %s/%s %s-%s %s = %.4f (%d segments)", systemId, dataset,
          split, srcLang, tgtLang, metric, score, segments);
    }
  }

  /**
   * What the run did.
   *
   * @param segmentScores rows written to segment_scores (segments times metrics)
   * @param pairs the pair-level corpus scores, ordered by system, test set, pair and metric
   * @param systemScores rows written to system_scores (pairs and aggregated scopes)
   * @param comet what COMET scoring did, or null when no COMET metric ran
   */
  public record Result(long segmentScores, List<PairScore> pairs, int systemScores, CometStats comet) {}

  /**
   * What COMET scoring did.
   *
   * @param segmentScores COMET segment scores written (systems × segments × COMET metrics)
   * @param encoded texts (and unified pairs) run through an encoder
   * @param unsharedPasses encoder passes without shared encodings: 3 per reference-based score
   *     (source, translation, reference), 1 per reference-free one, as COMET's predict runs them
   * @param tokens tokens encoded
   * @param paddedTokens token positions fed, padding included
   * @param cpuSeconds CPU time of the task threads while scoring
   */
  public record CometStats(long segmentScores, long encoded, long unsharedPasses, long tokens, long paddedTokens,
      double cpuSeconds) {
    /** Share of fed positions that were padding. */
    public double paddingWaste() {
      return paddedTokens == 0 ? 0 : 1.0 - (double) tokens / paddedTokens;
    }

    /** Share of encoder passes saved by encoding each distinct text once. */
    public double sharingSaving() {
      return unsharedPasses == 0 ? 0 : 1.0 - (double) encoded / unsharedPasses;
    }
  }
}
