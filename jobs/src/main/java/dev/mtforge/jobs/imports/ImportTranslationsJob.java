package dev.mtforge.jobs.imports;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.mtforge.jobs.systems.SystemRow;
import dev.mtforge.jobs.systems.SystemsTable;
import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.schemas.InvalidOptionException;
import dev.mtforge.schemas.languages.Language;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.schemas.tables.SystemStrategy;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.udfs.metrics.TextFiles;
import dev.mtforge.udfs.spark.LanguageVerdicts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports outputs made elsewhere (a WMT submission, another team's vLLM run, a paper's released
 * outputs) into {@code translations}, so that evaluate scores them and analyze compares them like
 * any other system, and records the system in {@code systems} ({@code made_by = import}).
 *
 * <p>From a file: one hypothesis per line (UTF-8, read as sacreBLEU reads a system file), aligned
 * with the test set's segments of the direction in {@code parallel_sentences} in {@code seg_id}
 * order; a line count that differs is rejected naming the file and both counts. From
 * {@code wmt_system_outputs}: the named submission's outputs of the test set, which must cover
 * every segment. Outputs get the off-target verdict translate gives its own. Nothing is written
 * until every check passed; a re-run writes the same rows again (a MERGE on the table keys), so
 * it adds nothing.
 *
 * <pre>{@code
 * new ImportTranslationsJob(warehouse, registry, run)
 *     .option(ImportTranslationsJob.SYSTEM_ID, "nllb-3.3b")
 *     .option(ImportTranslationsJob.TEST_SET, "flores200:devtest")
 *     .option(ImportTranslationsJob.DIRECTION, "de-en")
 *     .option(ImportTranslationsJob.HYP, "outputs/nllb.de-en.txt")
 *     .execute();
 * }</pre>
 */
public final class ImportTranslationsJob {
  private static final Logger LOG = LoggerFactory.getLogger(ImportTranslationsJob.class);

  /** system_id of the imported rows; required for a file, default the WMT system's name. */
  public static final String SYSTEM_ID = "import.system-id";
  /** Test set as {@code dataset} or {@code dataset:split} in parallel_sentences (required). */
  public static final String TEST_SET = "import.test-set";
  /** Language pair {@code src-tgt}; required for a file, default every pair of the WMT system. */
  public static final String DIRECTION = "import.direction";
  /** Hypothesis file, one line per test segment (local path). */
  public static final String HYP = "import.hyp";
  /** A system of wmt_system_outputs to import instead of a file. */
  public static final String WMT_SYSTEM = "import.wmt-system";
  /** The systems.strategy of the system. */
  public static final String STRATEGY = "import.strategy";
  public static final String STRATEGY_DEFAULT = SystemStrategy.EXTERNAL.label();
  /** Comma-separated languages the system was trained on (systems.training_languages); default unknown. */
  public static final String TRAINING_LANGUAGES = "import.training-languages";
  /** The model that made the outputs (systems.model and translations.model). */
  public static final String MODEL = "import.model";

  static final Set<String> VALID_OPTIONS =
      Set.of(SYSTEM_ID, TEST_SET, DIRECTION, HYP, WMT_SYSTEM, STRATEGY, TRAINING_LANGUAGES, MODEL);

  private static final StructType SEGMENTS =
      new StructType()
          .add("split", DataTypes.StringType).add("src_lang", DataTypes.StringType)
          .add("tgt_lang", DataTypes.StringType).add("direction", DataTypes.StringType)
          .add("doc_id", DataTypes.StringType).add("seg_id", DataTypes.IntegerType)
          .add("source_text", DataTypes.StringType).add("hypothesis", DataTypes.StringType);

  private final Warehouse warehouse;
  private final LanguageRegistry registry;
  private final RunContext run;
  private final Map<String, String> options = new LinkedHashMap<>();

  public ImportTranslationsJob(Warehouse warehouse, LanguageRegistry registry, RunContext run) {
    this.warehouse = Objects.requireNonNull(warehouse, "warehouse");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.run = Objects.requireNonNull(run, "run");
  }

  /** Sets an option (keys are the constants of this class); an unknown key fails here. */
  public ImportTranslationsJob option(String key, String value) {
    if (!VALID_OPTIONS.contains(key)) {
      throw new InvalidOptionException(
          "Unknown option '" + key + "' for import-translations; known: " + new TreeSet<>(VALID_OPTIONS));
    }
    if (value != null) {
      options.put(key, value);
    }
    return this;
  }

  /**
   * What the run did.
   *
   * @param systemId the system imported
   * @param units each test set part imported ({@code dataset/split src-tgt: N segments})
   * @param segments segments imported
   * @param written translations rows inserted or changed (0 on a re-run of the same input)
   */
  public record Result(String systemId, List<String> units, long segments, long written) {}

  public Result execute() {
    Settings s = Settings.parse(options, registry);
    warehouse.spark().sparkContext().setJobGroup("mtforge-import", s.describe(), false);
    refuseTranslatedSystem(s.systemId);

    List<Row> rows = new ArrayList<>();
    List<String> units = new ArrayList<>();
    if (s.hyp != null) {
      List<Row> segments = segments(s, s.split, s.src, s.tgt);
      Set<String> splits = new TreeSet<>();
      segments.forEach(r -> splits.add(r.getString(0)));
      if (splits.size() > 1) {
        throw new InvalidOptionException(
            "Option " + TEST_SET + " = " + s.dataset + " has splits " + splits + " for " + s.src + "-" + s.tgt
                + "; name one, e.g. " + s.dataset + ":" + splits.iterator().next());
      }
      List<String> lines = TextFiles.readLines(Path.of(s.hyp));
      if (lines.size() != segments.size()) {
        throw new InvalidInputException(
            "Cannot import " + s.hyp + ": it has " + lines.size() + " lines but test set " + s.dataset + ":"
                + splits.iterator().next() + " " + s.src + "-" + s.tgt + " has " + segments.size()
                + " segments in parallel_sentences (one hypothesis per segment, in seg_id order)", s.hyp, null);
      }
      for (int i = 0; i < lines.size(); i++) {
        rows.add(withHypothesis(segments.get(i), lines.get(i)));
      }
      units.add(s.dataset + "/" + splits.iterator().next() + " " + s.src + "-" + s.tgt + ": " + lines.size() + " segments");
    } else {
      rows.addAll(wmtRows(s, units));
    }

    Dataset<Row> frame = warehouse.spark().createDataFrame(rows, SEGMENTS);
    List<Language> languages = new ArrayList<>();
    for (Row r : frame.select("src_lang", "tgt_lang").distinct().collectAsList()) {
      for (String code : List.of(r.getString(0), r.getString(1))) {
        Language language = registry.language(code);
        if (!languages.contains(language)) {
          languages.add(language);
        }
      }
    }
    Dataset<Row> checked =
        frame.mapPartitions(new LanguageVerdicts(languages, SEGMENTS), Encoders.row(LanguageVerdicts.output(SEGMENTS)));
    Dataset<Row> translations =
        checked.select(lit(s.systemId).as("system_id"), lit(s.dataset).as("dataset"), col("split"), col("src_lang"),
            col("tgt_lang"), col("direction"), col("doc_id"), col("seg_id"), col("source_text"), col("hypothesis"),
            lit(null).as("raw_output"), lit(s.strategy.label()).as("strategy"), lit(null).as("adapter_id"),
            lit(null).as("group_id"), lit(s.model).as("model"), lit(null).as("decoding"),
            lit(null).as("prompt_tokens"), lit(null).as("output_tokens"), lit(null).as("latency_ms"),
            col("detected_lang"), col("off_target"), lit(null).cast("string").as("pivot_lang"));
    String source = "import:" + (s.hyp != null ? s.hyp : "wmt_system_outputs/" + s.wmtSystem);
    long written = warehouse.upsert(Tables.TRANSLATIONS, run.stamp(translations, source));
    new SystemsTable(warehouse).record(List.of(new SystemRow(s.systemId, SystemRow.IMPORT, s.strategy, s.model,
        s.trainingLanguages, Map.of(), Map.of(), null, null, null)), run, source);
    LOG.info("Imported {} segments as system {} ({} rows written): {}", rows.size(), s.systemId, written, units);
    return new Result(s.systemId, units, rows.size(), written);
  }

  /** A system that translate wrote must not be overwritten by an import under the same id. */
  private void refuseTranslatedSystem(String systemId) {
    boolean translated =
        new SystemsTable(warehouse).find(systemId).map(r -> !SystemRow.IMPORT.equals(r.madeBy())).orElse(false)
            || !warehouse.read(Tables.TRANSLATIONS)
                .where(col("system_id").equalTo(systemId).and(col("source").startsWith("import:").equalTo(false)))
                .limit(1).isEmpty();
    if (translated) {
      throw new InvalidOptionException(
          "Cannot import into system " + systemId + ": translate made it; import under another system id");
    }
  }

  /** The test set's segments of a direction (all directions when src is null), in seg_id order. */
  private List<Row> segments(Settings s, String split, String src, String tgt) {
    Column where = col("dataset").equalTo(s.dataset);
    if (split != null) {
      where = where.and(col("split").equalTo(split));
    }
    if (src != null) {
      where = where.and(col("src_lang").equalTo(src)).and(col("tgt_lang").equalTo(tgt));
    }
    List<Row> segments =
        warehouse.read(Tables.PARALLEL_SENTENCES).where(where)
            .select("split", "src_lang", "tgt_lang", "direction", "doc_id", "seg_id", "src_text")
            .orderBy(col("split"), col("src_lang"), col("tgt_lang"), col("seg_id"), col("doc_id").asc_nulls_first())
            .collectAsList();
    if (segments.isEmpty()) {
      throw new InvalidInputException(
          "No test segments in table parallel_sentences for dataset '" + s.dataset + "'"
              + (split == null ? "" : " split '" + split + "'") + (src == null ? "" : " and direction " + src + "-" + tgt));
    }
    return segments;
  }

  /** The WMT system's output for every segment of the test set parts it covers. */
  private List<Row> wmtRows(Settings s, List<String> units) {
    Column where = col("system").equalTo(s.wmtSystem).and(col("dataset").equalTo(s.dataset));
    if (s.split != null) {
      where = where.and(col("split").equalTo(s.split));
    }
    if (s.src != null) {
      where = where.and(col("src_lang").equalTo(s.src)).and(col("tgt_lang").equalTo(s.tgt));
    }
    Map<List<Object>, String> outputs = new LinkedHashMap<>();
    for (Row r : warehouse.read(Tables.WMT_SYSTEM_OUTPUTS).where(where)
        .select("split", "src_lang", "tgt_lang", "doc_id", "seg_id", "hypothesis").collectAsList()) {
      outputs.put(segmentKey(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getInt(4)), r.getString(5));
    }
    if (outputs.isEmpty()) {
      List<String> known = warehouse.read(Tables.WMT_SYSTEM_OUTPUTS).where(col("dataset").equalTo(s.dataset))
          .select("system").distinct().orderBy("system").as(Encoders.STRING()).collectAsList();
      throw new InvalidInputException(
          "Table wmt_system_outputs has no outputs of system '" + s.wmtSystem + "' for dataset '" + s.dataset + "'"
              + (s.split == null ? "" : " split '" + s.split + "'")
              + (s.src == null ? "" : " and direction " + s.src + "-" + s.tgt) + "; systems there: "
              + (known.isEmpty() ? "none" : String.join(", ", known)));
    }
    Set<List<String>> parts = new java.util.TreeSet<>((a, b) -> String.join("-", a).compareTo(String.join("-", b)));
    outputs.keySet().forEach(k -> parts.add(List.of((String) k.get(0), (String) k.get(1), (String) k.get(2))));
    List<Row> rows = new ArrayList<>();
    for (List<String> part : parts) {
      List<Row> segments = segments(s, part.get(0), part.get(1), part.get(2));
      int covered = 0;
      for (Row seg : segments) {
        String hyp = outputs.get(segmentKey(seg.getString(0), seg.getString(1), seg.getString(2), seg.getString(4),
            seg.getInt(5)));
        if (hyp != null) {
          covered++;
          rows.add(withHypothesis(seg, hyp));
        }
      }
      if (covered != segments.size()) {
        throw new InvalidInputException(
            "Cannot import WMT system " + s.wmtSystem + ": table wmt_system_outputs has its outputs for " + covered
                + " of the " + segments.size() + " segments of " + s.dataset + ":" + part.get(0) + " " + part.get(1)
                + "-" + part.get(2) + " in parallel_sentences; every segment needs one");
      }
      units.add(s.dataset + "/" + part.get(0) + " " + part.get(1) + "-" + part.get(2) + ": " + covered + " segments");
    }
    return rows;
  }

  private static List<Object> segmentKey(String split, String src, String tgt, String docId, int segId) {
    List<Object> key = new ArrayList<>();
    key.add(split);
    key.add(src);
    key.add(tgt);
    key.add(docId);
    key.add(segId);
    return key;
  }

  private static Row withHypothesis(Row segment, String hypothesis) {
    return RowFactory.create(segment.getString(0), segment.getString(1), segment.getString(2), segment.getString(3),
        segment.isNullAt(4) ? null : segment.getString(4), segment.getInt(5), segment.getString(6), hypothesis);
  }

  /** The options, checked before any Spark work. */
  static final class Settings {
    String systemId;
    String dataset;
    String split;
    String src;
    String tgt;
    String hyp;
    String wmtSystem;
    SystemStrategy strategy;
    List<String> trainingLanguages;
    String model;

    static Settings parse(Map<String, String> options, LanguageRegistry registry) {
      Settings s = new Settings();
      s.hyp = blankToNull(options.get(HYP));
      s.wmtSystem = blankToNull(options.get(WMT_SYSTEM));
      if ((s.hyp == null) == (s.wmtSystem == null)) {
        throw new InvalidOptionException("Give exactly one of option " + HYP + " (a file) and " + WMT_SYSTEM
            + " (a system of wmt_system_outputs)");
      }
      s.systemId = blankToNull(options.get(SYSTEM_ID));
      if (s.systemId == null) {
        if (s.wmtSystem == null) {
          throw new InvalidOptionException("Option " + SYSTEM_ID + " is required with " + HYP);
        }
        s.systemId = s.wmtSystem;
      }
      String testSet = blankToNull(options.get(TEST_SET));
      if (testSet == null || testSet.startsWith(":") || testSet.endsWith(":")) {
        throw new InvalidOptionException("Option " + TEST_SET + " must be DATASET or DATASET:SPLIT, got '"
            + (testSet == null ? "" : testSet) + "'");
      }
      int colon = testSet.indexOf(':');
      s.dataset = colon < 0 ? testSet : testSet.substring(0, colon);
      s.split = colon < 0 ? null : testSet.substring(colon + 1);
      String direction = blankToNull(options.get(DIRECTION));
      if (direction == null && s.hyp != null) {
        throw new InvalidOptionException("Option " + DIRECTION + " is required with " + HYP + ": the pair the file translates");
      }
      if (direction != null) {
        String[] parts = direction.toLowerCase(Locale.ROOT).split("-");
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
          throw new InvalidOptionException("Invalid direction '" + direction + "' in option " + DIRECTION
              + "; expected src-tgt such as de-en");
        }
        s.src = language(registry, parts[0], DIRECTION);
        s.tgt = language(registry, parts[1], DIRECTION);
      }
      s.strategy = SystemStrategy.parse(options.getOrDefault(STRATEGY, STRATEGY_DEFAULT));
      String languages = options.get(TRAINING_LANGUAGES);
      if (languages != null) {
        Set<String> codes = new LinkedHashSet<>();
        for (String code : languages.split(",")) {
          if (!code.isBlank()) {
            codes.add(language(registry, code.strip().toLowerCase(Locale.ROOT), TRAINING_LANGUAGES));
          }
        }
        s.trainingLanguages = new ArrayList<>(codes);
      }
      s.model = blankToNull(options.get(MODEL));
      return s;
    }

    String describe() {
      return "Import " + (hyp != null ? hyp : "WMT system " + wmtSystem) + " as " + systemId + " on " + dataset
          + (split == null ? "" : ":" + split) + (src == null ? "" : " " + src + "-" + tgt);
    }

    private static String language(LanguageRegistry registry, String code, String option) {
      if (registry.find(code).isEmpty()) {
        throw new InvalidOptionException("Unknown language '" + code + "' in option " + option
            + "; see bin/mtforge languages");
      }
      return code;
    }

    private static String blankToNull(String value) {
      return value == null || value.isBlank() ? null : value.strip();
    }
  }
}
