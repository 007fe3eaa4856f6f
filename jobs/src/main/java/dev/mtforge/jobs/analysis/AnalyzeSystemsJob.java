package dev.mtforge.jobs.analysis;

import static org.apache.spark.sql.functions.col;

import dev.mtforge.jobs.systems.BackfillSystemsJob;
import dev.mtforge.jobs.systems.SystemRow;
import dev.mtforge.jobs.systems.SystemsTable;
import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.schemas.InvalidOptionException;
import dev.mtforge.schemas.OptionValues;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.schemas.tables.TableContract;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.udfs.analysis.PairedComparison;
import dev.mtforge.udfs.metrics.PairedTest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paper's analysis of systems against a baseline, written to four Delta tables:
 * {@code analysis_deltas} (conflict and synergy per pair with sacreBLEU's paired bootstrap, and
 * their means per direction, language group and resource level), {@code analysis_curves} (the
 * curse-of-multilinguality curve), {@code analysis_merge_cost} (DAT against DATM per merged
 * parameter) and {@code analysis_off_target}.
 *
 * <p>Reads {@code system_scores} (pair scores, the metrics present), {@code segment_scores} (the
 * paired tests), {@code systems} (strategy, model, training languages, adapters; rows missing for
 * systems translated before the table existed are back-filled from {@code translations} first),
 * {@code merges} and the merged adapters' files (parameter counts) and {@code translations}
 * (off-target verdicts). Everything is computed before anything is written; each table is then
 * written with one MERGE that replaces this analysis's rows (its baseline, systems and metrics),
 * so a re-run with the same inputs adds no rows and leaves no stale ones.
 *
 * <pre>{@code
 * AnalyzeSystemsJob.Result r = new AnalyzeSystemsJob(warehouse, registry, run)
 *     .option(AnalyzeSystemsJob.BASELINE, "xalma-separate")
 *     .option(AnalyzeSystemsJob.SYSTEMS, "xalma-multilingual,xalma-dat,xalma-datm")
 *     .execute();
 * }</pre>
 */
public final class AnalyzeSystemsJob {
  private static final Logger LOG = LoggerFactory.getLogger(AnalyzeSystemsJob.class);

  /** The system every other is compared with (required); the paper's: separate training. */
  public static final String BASELINE = "analysis.baseline";
  /** Comma-separated systems to compare with the baseline (required). */
  public static final String SYSTEMS = "analysis.systems";
  /**
   * Comma-separated metrics: {@code metric} labels of system_scores ({@code BLEU}, {@code comet})
   * or evaluate's names ({@code bleu}, {@code chrf++}); empty = every metric the systems have.
   */
  public static final String METRICS = "analysis.metrics";
  /** Paired bootstrap resamples (sacreBLEU's {@code --paired-bs-n}). */
  public static final String SAMPLES = "analysis.samples";
  public static final int SAMPLES_DEFAULT = PairedTest.BOOTSTRAP_SAMPLES_DEFAULT;
  /** Seed of NumPy's generator for the resamples (sacreBLEU's {@code SACREBLEU_SEED} default). */
  public static final String SEED = "analysis.seed";
  public static final long SEED_DEFAULT = PairedTest.SEED_DEFAULT;
  /** A pair is significant when its p-value is at most this (sacreBLEU marks p <= 0.05). */
  public static final String ALPHA = "analysis.alpha";
  public static final double ALPHA_DEFAULT = 0.05;

  static final Set<String> VALID_OPTIONS = Set.of(BASELINE, SYSTEMS, METRICS, SAMPLES, SEED, ALPHA);

  private final Warehouse warehouse;
  private final LanguageRegistry registry;
  private final RunContext run;
  private final Map<String, String> options = new LinkedHashMap<>();

  public AnalyzeSystemsJob(Warehouse warehouse, LanguageRegistry registry, RunContext run) {
    this.warehouse = Objects.requireNonNull(warehouse, "warehouse");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.run = Objects.requireNonNull(run, "run");
  }

  /** Sets an option (keys are the constants of this class); an unknown key fails here. */
  public AnalyzeSystemsJob option(String key, String value) {
    if (!VALID_OPTIONS.contains(key)) {
      throw new InvalidOptionException("Unknown option '" + key + "' for analyze; known: " + new TreeSet<>(VALID_OPTIONS));
    }
    if (value != null) {
      options.put(key, value);
    }
    return this;
  }

  /**
   * What the run did.
   *
   * @param baselineId the baseline
   * @param systemIds the systems compared with it
   * @param metrics the metric labels analysed
   * @param backfilled systems whose systems row this run back-filled
   * @param pairs the pair comparisons
   * @param skipped pairs of a system that the baseline has no scores for
   * @param summary the direction rows of analysis_deltas (mean delta, wins and losses)
   * @param rowsWritten rows inserted, changed or deleted per table
   */
  public record Result(String baselineId, List<String> systemIds, List<String> metrics, List<String> backfilled,
      int pairs, List<String> skipped, List<DeltaRow> summary, Map<String, Long> rowsWritten) {}

  public Result execute() {
    Settings s = Settings.parse(options);
    warehouse.spark().sparkContext().setJobGroup("mtforge-analyze", s.describe(), false);
    List<String> ids = new ArrayList<>(s.systems);
    ids.add(0, s.baseline);

    List<String> backfilled =
        new BackfillSystemsJob(warehouse, registry, run).option(BackfillSystemsJob.SYSTEMS, String.join(",", ids))
            .execute().systemIds();
    Map<String, SystemRow> systems = new SystemsTable(warehouse).read(ids);
    List<PairScore> allScores = pairScores(ids);
    Set<String> scored = new TreeSet<>();
    Set<String> present = new TreeSet<>();
    allScores.forEach(p -> {
      scored.add(p.systemId());
      present.add(p.metric());
    });
    List<String> unscored = ids.stream().filter(id -> !scored.contains(id)).toList();
    if (!unscored.isEmpty()) {
      throw new InvalidInputException(
          "Cannot analyze: table system_scores has no pair scores of system(s) " + String.join(", ", unscored)
              + "; translate (or import-translations) and evaluate them first");
    }
    List<String> metrics = MetricSelection.resolve(s.metrics, present, ids);
    List<PairScore> scores = allScores.stream().filter(p -> metrics.contains(p.metric())).toList();

    PairDeltaTests.Outcome tests = PairDeltaTests.run(warehouse, s.baseline, s.systems, metrics, s.samples, s.seed);
    tests.skipped().forEach(p -> LOG.warn("Skipped {}: the baseline {} has no scores there", p, s.baseline));
    List<DeltaRow> deltas =
        new DeltaAggregation(registry, s.baseline, s.alpha, s.samples, s.seed).rows(tests.deltas());
    List<Row> curves = CurvePoints.rows(s.baseline, ids, scores, systems, registry);
    List<Row> mergeCost =
        new MergeCost(registry, new AdapterParameters(warehouse.spark().sparkContext().hadoopConfiguration()))
            .rows(ids, systems, scores, merges());
    List<Row> offTarget = OffTargetRates.rows(warehouse, ids);

    // everything is computed; now one MERGE per table, each replacing this analysis's rows
    Map<String, Long> written = new LinkedHashMap<>();
    written.put(Tables.ANALYSIS_DELTAS.name(), write(Tables.ANALYSIS_DELTAS, deltas.stream().map(DeltaRow::toRow).toList(),
        Map.of("baseline_id", List.of(s.baseline), "system_id", s.systems, "metric", metrics)));
    written.put(Tables.ANALYSIS_CURVES.name(), write(Tables.ANALYSIS_CURVES, curves,
        Map.of("baseline_id", List.of(s.baseline), "system_id", ids, "metric", metrics)));
    written.put(Tables.ANALYSIS_MERGE_COST.name(), write(Tables.ANALYSIS_MERGE_COST, mergeCost,
        Map.of("datm_system_id", ids, "metric", metrics)));
    written.put(Tables.ANALYSIS_OFF_TARGET.name(), write(Tables.ANALYSIS_OFF_TARGET, offTarget,
        Map.of("system_id", ids)));
    List<DeltaRow> summary = deltas.stream().filter(d -> d.scope().equals("direction")).toList();
    LOG.info("Analyzed {} against {}: {} pair comparisons over {}", s.systems, s.baseline, tests.deltas().size(), metrics);
    return new Result(s.baseline, s.systems, metrics, backfilled, tests.deltas().size(), tests.skipped(), summary, written);
  }

  /** Pair scores of the systems; of several evaluations of a pair and metric, the latest. */
  private List<PairScore> pairScores(List<String> ids) {
    var latest = Window.partitionBy("system_id", "dataset", "split", "src_lang", "tgt_lang", "metric")
        .orderBy(col("created_at").desc(), col("signature"));
    List<PairScore> out = new ArrayList<>();
    for (Row r : warehouse.read(Tables.SYSTEM_SCORES)
        .where(col("scope").equalTo("pair").and(col("system_id").isin(ids.toArray())))
        .withColumn("mtforge_rank", functions.row_number().over(latest))
        .where(col("mtforge_rank").equalTo(1))
        .select("system_id", "dataset", "split", "src_lang", "tgt_lang", "metric", "score")
        .orderBy("system_id", "dataset", "split", "src_lang", "tgt_lang", "metric")
        .collectAsList()) {
      out.add(new PairScore(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4),
          r.getString(5), r.getDouble(6)));
    }
    return out;
  }

  private List<MergeCost.Merge> merges() {
    List<MergeCost.Merge> out = new ArrayList<>();
    for (Row r : warehouse.read(Tables.MERGES)
        .selectExpr("merge_id", "output_adapter_id", "group_id", "transform(inputs, i -> i.path)", "output_path")
        .collectAsList()) {
      out.add(new MergeCost.Merge(r.getString(0), r.getString(1), r.isNullAt(2) ? null : r.getInt(2), r.getList(3),
          r.getString(4)));
    }
    return out;
  }

  private long write(TableContract table, List<Row> rows, Map<String, List<String>> slice) {
    Dataset<Row> frame = warehouse.spark().createDataFrame(rows, table.dataSchema());
    return warehouse.replaceSlice(table, run.stamp(frame, "analyze"), slice);
  }

  /** The options, checked before any Spark work. */
  static final class Settings {
    String baseline;
    List<String> systems;
    List<String> metrics;
    int samples;
    long seed;
    double alpha;

    static Settings parse(Map<String, String> options) {
      Settings s = new Settings();
      s.baseline = options.getOrDefault(BASELINE, "").strip();
      if (s.baseline.isEmpty()) {
        throw new InvalidOptionException("Option " + BASELINE + " is required: the system to compare with");
      }
      s.systems = list(options.get(SYSTEMS));
      if (s.systems.isEmpty()) {
        throw new InvalidOptionException("Option " + SYSTEMS + " is required: the systems to compare with "
            + s.baseline);
      }
      if (s.systems.contains(s.baseline)) {
        throw new InvalidOptionException("Option " + SYSTEMS + " lists the baseline " + s.baseline
            + " itself; a system is not compared with itself");
      }
      s.metrics = list(options.get(METRICS));
      s.samples = OptionValues.positiveInt(options, SAMPLES, SAMPLES_DEFAULT);
      s.seed = OptionValues.integer(options, SEED, SEED_DEFAULT);
      try {
        PairedComparison.of(s.samples, s.seed);
      } catch (IllegalArgumentException e) {
        throw new InvalidOptionException("Option " + SEED + " = " + s.seed + ": " + e.getMessage());
      }
      s.alpha = OptionValues.number(options, ALPHA, ALPHA_DEFAULT);
      if (!(s.alpha > 0 && s.alpha < 1)) {
        throw new InvalidOptionException("Option " + ALPHA + " must be between 0 and 1 (exclusive), got " + s.alpha);
      }
      return s;
    }

    String describe() {
      return "Analyze " + String.join(", ", systems) + " against " + baseline
          + (metrics.isEmpty() ? "" : " on " + String.join(", ", metrics));
    }

    private static List<String> list(String value) {
      Set<String> out = new LinkedHashSet<>();
      for (String part : (value == null ? "" : value).split(",")) {
        if (!part.isBlank()) {
          out.add(part.strip());
        }
      }
      return new ArrayList<>(out);
    }
  }
}
