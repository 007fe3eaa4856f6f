package dev.mtforge.jobs.report;

import static org.apache.spark.sql.functions.col;

import dev.mtforge.jobs.systems.SystemRow;
import dev.mtforge.jobs.systems.SystemsTable;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.schemas.InvalidOptionException;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.schemas.tables.Tables;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Draws the analysis tables as {@code analysis.html} beside the score report: per baseline, the
 * systems' metadata; per test set and metric the paper-style table (mean per language group,
 * xx→en and en→xx, best in bold), a language × direction heatmap of deltas per system
 * (significant pairs marked), the deltas per group and resource level as bars, and the direction
 * summary; the curse-of-multilinguality curves; DAT against DATM; off-target rates. Every chart
 * is a PNG (JFreeChart) followed by its numbers, and the page needs no network and no script.
 *
 * <pre>{@code new AnalysisReportJob(warehouse, registry).option(AnalysisReportJob.OUTPUT, "reports").execute();}</pre>
 */
public final class AnalysisReportJob {
  private static final Logger LOG = LoggerFactory.getLogger(AnalysisReportJob.class);

  /** Output folder; default {@code <warehouse>/reports} (the score report's). */
  public static final String OUTPUT = ScoreReportJob.OUTPUT;
  /** Comma-separated systems: only analyses whose baseline or systems include one of them. */
  public static final String SYSTEMS = ScoreReportJob.SYSTEMS;
  /** Only the analysis against this baseline; default every baseline of analysis_deltas. */
  public static final String BASELINE = "report.baseline";
  /** The page's file name in the folder. */
  public static final String PAGE = "analysis.html";

  private static final Set<String> VALID_OPTIONS = Set.of(OUTPUT, SYSTEMS, BASELINE);
  private static final List<String> DIRECTIONS = List.of("xx-en", "en-xx");

  private final Warehouse warehouse;
  private final LanguageRegistry registry;
  private final Map<String, String> options = new LinkedHashMap<>();

  public AnalysisReportJob(Warehouse warehouse, LanguageRegistry registry) {
    this.warehouse = Objects.requireNonNull(warehouse, "warehouse");
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** Sets an option; an unknown key fails here. */
  public AnalysisReportJob option(String key, String value) {
    if (!VALID_OPTIONS.contains(key)) {
      throw new InvalidOptionException("Unknown option '" + key + "' for the analysis report; known: "
          + new TreeSet<>(VALID_OPTIONS));
    }
    if (value != null) {
      options.put(key, value);
    }
    return this;
  }

  /**
   * What the run wrote.
   *
   * @param output the report folder
   * @param baselines the analyses drawn, by baseline
   * @param files the files written, relative to the folder, the page last
   */
  public record Result(String output, List<String> baselines, List<String> files) {}

  public Result execute() {
    String output = options.getOrDefault(OUTPUT, warehouse.location() + "/reports");
    Set<String> only = new TreeSet<>();
    for (String id : options.getOrDefault(SYSTEMS, "").split(",")) {
      if (!id.isBlank()) {
        only.add(id.strip());
      }
    }
    warehouse.spark().sparkContext().setJobGroup("mtforge-report", "Draw the analysis page to " + output, false);
    Dataset<Row> deltas = warehouse.read(Tables.ANALYSIS_DELTAS);
    if (options.containsKey(BASELINE)) {
      deltas = deltas.where(col("baseline_id").equalTo(options.get(BASELINE)));
    }
    List<Row> deltaRows = deltas.orderBy("baseline_id", "system_id", "dataset", "split", "metric", "scope", "direction",
        "group_id", "resource_level", "src_lang", "tgt_lang").collectAsList();
    Map<String, List<Row>> byBaseline = new TreeMap<>();
    for (Row r : deltaRows) {
      byBaseline.computeIfAbsent(r.getAs("baseline_id"), b -> new ArrayList<>()).add(r);
    }
    if (!only.isEmpty()) {
      byBaseline.entrySet().removeIf(e -> !only.contains(e.getKey())
          && e.getValue().stream().noneMatch(r -> only.contains(r.<String>getAs("system_id"))));
    }
    if (byBaseline.isEmpty()) {
      throw new InvalidInputException("Table analysis_deltas has no rows"
          + (options.containsKey(BASELINE) ? " for baseline " + options.get(BASELINE) : "")
          + (only.isEmpty() ? "" : " for systems " + String.join(", ", only)) + "; run analyze first");
    }
    ReportFiles files = new ReportFiles(output, warehouse.spark().sparkContext().hadoopConfiguration());
    List<String> written = new ArrayList<>();
    AnalysisPage page = new AnalysisPage("mtforge analysis");
    page.link("Score charts of every system (index.html)", "index.html");
    for (Map.Entry<String, List<Row>> analysis : byBaseline.entrySet()) {
      drawAnalysis(page, files, written, analysis.getKey(), analysis.getValue());
    }
    files.write(PAGE, page.html().getBytes(StandardCharsets.UTF_8));
    written.add(PAGE);
    LOG.info("Wrote the analysis of {} baselines ({} files) to {}", byBaseline.size(), written.size(), output);
    return new Result(output, new ArrayList<>(byBaseline.keySet()), written);
  }

  private void drawAnalysis(AnalysisPage page, ReportFiles files, List<String> written, String baseline,
      List<Row> rows) {
    Set<String> systems = new LinkedHashSet<>();
    rows.forEach(r -> systems.add(r.getAs("system_id")));
    List<String> ids = new ArrayList<>(systems);
    ids.add(0, baseline);
    Row any = rows.get(0);
    page.heading(2, "Against baseline " + baseline);
    page.note("\u0394 = system \u2212 baseline per language pair; p-values from sacreBLEU's paired bootstrap ("
        + any.getAs("samples") + " resamples, seed " + any.getAs("seed") + ") on the pair's segments; * marks"
        + " significant pairs (p \u2264 alpha). The paper's reading (multilingual against separate training):"
        + " a system worse than the baseline is conflict, a better one synergy. Group, resource and direction"
        + " rows are means over their pairs, with the significant wins and losses counted.");
    Map<String, SystemRow> meta = new SystemsTable(warehouse).read(ids);
    page.heading(3, "Systems");
    page.table(SystemsSection.HEADER, SystemsSection.rows(ids, baseline, meta));

    Map<List<String>, List<Row>> tests = new TreeMap<>(AnalysisReportJob::compare);
    for (Row r : rows) {
      tests.computeIfAbsent(List.of(r.getAs("dataset"), r.getAs("split"), r.getAs("metric")), k -> new ArrayList<>())
          .add(r);
    }
    for (Map.Entry<List<String>, List<Row>> test : tests.entrySet()) {
      String dataset = test.getKey().get(0);
      String split = test.getKey().get(1);
      String metric = test.getKey().get(2);
      boolean higher = test.getValue().get(0).<Boolean>getAs("higher_is_better");
      page.heading(3, metric + " on " + dataset + "/" + split);
      page.note("Mean " + metric + " per language group and direction (the paper's Table 1), from system_scores;"
          + " the best of each column in bold.");
      GroupMeansTable paper = GroupMeansTable.read(warehouse, ids, dataset, split, metric, higher);
      page.table(paper.header(), paper.rows());
      List<String[]> images = new ArrayList<>();
      String prefix = "analysis-" + ScoreReportJob.fileName(baseline + "-" + dataset + "_" + split + "-" + metric);
      for (String system : systems) {
        List<Row> mine = test.getValue().stream().filter(r -> system.equals(r.getAs("system_id"))).toList();
        images.addAll(drawSystem(files, written, prefix + "-" + ScoreReportJob.fileName(system), system, baseline,
            metric, mine));
      }
      page.images(images);
      page.note("Groups: " + registry.groups().stream().map(g -> "g" + g.id() + " " + g.name())
          .collect(java.util.stream.Collectors.joining(", ")) + ".");
      page.table(List.of("system", "direction", "\u0394", "pairs", "significant wins", "significant losses",
          "reading"), test.getValue().stream().filter(r -> "direction".equals(r.getAs("scope")))
          .map(r -> List.of(AnalysisPage.Cell.of(r.getAs("system_id")), AnalysisPage.Cell.of(r.getAs("direction")),
              AnalysisPage.Cell.of(AnalysisPage.signed(r.getAs("delta"))), AnalysisPage.Cell.of(r.getAs("pairs").toString()),
              AnalysisPage.Cell.of(r.getAs("wins").toString()), AnalysisPage.Cell.of(r.getAs("losses").toString()),
              AnalysisPage.Cell.of(r.getAs("reading")))).toList());
      page.details("Pair deltas (" + metric + ", " + dataset + "/" + split + ")",
          List.of("system", "pair", "score", "baseline", "\u0394", "p-value", "significant", "segments"),
          test.getValue().stream().filter(r -> "pair".equals(r.getAs("scope")))
              .map(r -> List.of(AnalysisPage.Cell.of(r.getAs("system_id")),
                  AnalysisPage.Cell.of(r.getAs("src_lang") + "-" + r.getAs("tgt_lang")),
                  AnalysisPage.Cell.of(AnalysisPage.number(r.getAs("score"))), AnalysisPage.Cell.of(AnalysisPage.number(r.getAs("baseline_score"))),
                  AnalysisPage.Cell.of(AnalysisPage.signed(r.getAs("delta"))),
                  AnalysisPage.Cell.of(String.format(Locale.ROOT, "%.4f", r.<Double>getAs("p_value"))),
                  AnalysisPage.Cell.of(r.<Boolean>getAs("significant") ? "yes" : "no"),
                  AnalysisPage.Cell.of(r.getAs("segments").toString()))).toList());
    }
    drawCurves(page, files, written, baseline);
    drawMergeCost(page, ids);
    drawOffTarget(page, files, written, baseline, ids);
  }

  /** The heatmap and the group and resource bars of one system; returns (file, alt) per image. */
  private List<String[]> drawSystem(ReportFiles files, List<String> written, String prefix, String system,
      String baseline, String metric, List<Row> rows) {
    List<String[]> images = new ArrayList<>();
    List<Row> pairs = rows.stream().filter(r -> "pair".equals(r.getAs("scope")) && r.getAs("language") != null
        && DIRECTIONS.contains(r.<String>getAs("direction"))).toList();
    if (!pairs.isEmpty()) {
      List<Row> ordered = new ArrayList<>(pairs);
      ordered.sort(Comparator.comparing((Row r) -> r.<Integer>getAs("group_id"), Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparing(r -> r.<String>getAs("language")));
      List<String> languages = new ArrayList<>();
      List<DeltaHeatmap.Cell> cells = new ArrayList<>();
      for (Row r : ordered) {
        Integer group = r.getAs("group_id");
        String label = r.getAs("language") + (group == null ? "" : " (g" + group + ")");
        if (!languages.contains(label)) {
          languages.add(label);
        }
        double delta = r.getAs("delta");
        cells.add(new DeltaHeatmap.Cell(label, r.getAs("direction"), delta,
            r.<Boolean>getAs("higher_is_better") ? delta : -delta, r.<Boolean>getAs("significant")));
      }
      String title = "\u0394 " + metric + ": " + system + " \u2212 " + baseline;
      String file = prefix + "-heatmap.png";
      files.write(file, new DeltaHeatmap(title, languages, DIRECTIONS, cells).png());
      written.add(file);
      images.add(new String[] {file, title + " per language and direction"});
    }
    for (String scope : List.of("group", "resource")) {
      List<DeltaBars.Bar> bars = new ArrayList<>();
      Set<String> categories = new TreeSet<>(scope.equals("group")
          ? Comparator.comparingInt((String g) -> Integer.parseInt(g.substring(1)))
          : Comparator.comparingInt(AnalysisReportJob::resourceOrder).thenComparing(Comparator.naturalOrder()));
      for (Row r : rows) {
        if (scope.equals(r.getAs("scope"))) {
          String category = scope.equals("group") ? "g" + r.getAs("group_id") : r.getAs("resource_level");
          categories.add(category);
          bars.add(new DeltaBars.Bar(r.getAs("direction"), category, r.getAs("delta")));
        }
      }
      if (!bars.isEmpty()) {
        String title = system + ": mean \u0394 " + metric + " by " + (scope.equals("group") ? "language group" : "resource level");
        String file = prefix + "-" + scope + ".png";
        files.write(file, new DeltaBars(title, "\u0394 " + metric, new ArrayList<>(categories), bars).png());
        written.add(file);
        images.add(new String[] {file, title});
      }
    }
    return images;
  }

  private static int resourceOrder(String level) {
    int i = List.of("High", "Mid", "Low").indexOf(level);
    return i < 0 ? 3 : i;
  }

  private String groupLabel(Integer group) {
    if (group == null) {
      return "?";
    }
    return registry.groups().stream().filter(g -> g.id() == group).findFirst()
        .map(g -> "g" + group + " " + g.name()).orElse("g" + group);
  }

  private void drawCurves(AnalysisPage page, ReportFiles files, List<String> written, String baseline) {
    List<Row> rows = warehouse.read(Tables.ANALYSIS_CURVES).where(col("baseline_id").equalTo(baseline))
        .orderBy("dataset", "split", "metric", "direction", "training_languages", "system_id").collectAsList();
    page.heading(3, "Curse of multilinguality");
    if (rows.isEmpty()) {
      page.note("No curve points.");
      return;
    }
    page.note("Mean pair score per direction against the number of languages the system's adapters were trained on"
        + " (systems.training_languages); the anchor score averages only the pairs every system was scored on.");
    Map<List<String>, List<Row>> curves = new TreeMap<>(AnalysisReportJob::compare);
    for (Row r : rows) {
      curves.computeIfAbsent(List.of(r.getAs("dataset"), r.getAs("split"), r.getAs("metric")), k -> new ArrayList<>()).add(r);
    }
    List<String[]> images = new ArrayList<>();
    List<List<AnalysisPage.Cell>> table = new ArrayList<>();
    for (Map.Entry<List<String>, List<Row>> curve : curves.entrySet()) {
      List<CurveChart.Point> points = new ArrayList<>();
      for (Row r : curve.getValue()) {
        Integer languages = r.getAs("training_languages");
        if (languages != null) {
          points.add(new CurveChart.Point(r.getAs("direction"), languages, r.getAs("score"), r.getAs("system_id")));
        }
        Double anchor = r.getAs("anchor_score");
        table.add(List.of(AnalysisPage.Cell.of(curve.getKey().get(2) + " " + curve.getKey().get(0) + "/" + curve.getKey().get(1)),
            AnalysisPage.Cell.of(r.getAs("system_id")), AnalysisPage.Cell.of(r.getAs("strategy")),
            AnalysisPage.Cell.of(languages == null ? "unknown" : languages.toString()), AnalysisPage.Cell.of(r.getAs("direction")),
            AnalysisPage.Cell.of(AnalysisPage.number(r.getAs("score"))), AnalysisPage.Cell.of(r.getAs("pairs").toString()),
            AnalysisPage.Cell.of(anchor == null ? "" : AnalysisPage.number(anchor)), AnalysisPage.Cell.of(r.getAs("anchor_pairs").toString())));
      }
      if (!points.isEmpty()) {
        String title = curve.getKey().get(2) + " on " + curve.getKey().get(0) + "/" + curve.getKey().get(1)
            + " against training languages";
        String file = "analysis-" + ScoreReportJob.fileName(baseline + "-" + String.join("-", curve.getKey())) + "-curve.png";
        files.write(file, new CurveChart(title, curve.getKey().get(2), points).png());
        written.add(file);
        images.add(new String[] {file, title});
      }
    }
    page.images(images);
    page.table(List.of("test set", "system", "strategy", "training languages", "direction", "score", "pairs",
        "anchor score", "anchor pairs"), table);
  }

  private void drawMergeCost(AnalysisPage page, List<String> ids) {
    List<Row> rows = warehouse.read(Tables.ANALYSIS_MERGE_COST).where(col("datm_system_id").isin(ids.toArray()))
        .orderBy(col("datm_system_id"), col("dat_system_id"), col("dataset"), col("split"), col("metric"),
            col("direction"), col("group_id").asc_nulls_first()).collectAsList();
    page.heading(3, "DAT against DATM: the cost of merging");
    if (rows.isEmpty()) {
      page.note("No DATM system of the analysis has a DAT system of the same model beside it, or its adapters are"
          + " not merge outputs: nothing to compare.");
      return;
    }
    page.note("\u0394 = DATM \u2212 DAT over the pairs whose DATM adapter is a merge output; merged parameters are"
        + " the merge inputs' minus the outputs' (from the adapter files). The paper finds merging en\u2192xx"
        + " costs 6.86\u00d7 more per parameter than xx\u2192en.");
    page.table(List.of("DATM", "DAT", "test set", "metric", "direction", "group", "pairs", "DAT", "DATM", "\u0394",
        "merges", "merged adapters", "merged parameters", "\u0394 per M parameters", "cost vs xx\u2192en"),
        rows.stream().map(r -> List.of(AnalysisPage.Cell.of(r.getAs("datm_system_id")),
            AnalysisPage.Cell.of(r.getAs("dat_system_id")), AnalysisPage.Cell.of(r.getAs("dataset") + "/" + r.getAs("split")),
            AnalysisPage.Cell.of(r.getAs("metric")), AnalysisPage.Cell.of(r.getAs("direction")),
            AnalysisPage.Cell.of(r.getAs("group_id") == null ? "all" : groupLabel(r.getAs("group_id"))),
            AnalysisPage.Cell.of(r.getAs("pairs").toString()), AnalysisPage.Cell.of(AnalysisPage.number(r.getAs("dat_score"))),
            AnalysisPage.Cell.of(AnalysisPage.number(r.getAs("datm_score"))), AnalysisPage.Cell.of(AnalysisPage.signed(r.getAs("delta"))),
            AnalysisPage.Cell.of(r.getAs("merges").toString()), AnalysisPage.Cell.of(r.getAs("merged_adapters").toString()),
            AnalysisPage.Cell.of(r.getAs("merged_parameters") == null ? "unknown" : String.format(Locale.ROOT, "%,d",
                r.<Long>getAs("merged_parameters"))),
            AnalysisPage.Cell.of(r.getAs("delta_per_million_parameters") == null ? ""
                : String.format(Locale.ROOT, "%+.6f", r.<Double>getAs("delta_per_million_parameters"))),
            AnalysisPage.Cell.of(r.getAs("cost_ratio_vs_xx_en") == null ? ""
                : String.format(Locale.ROOT, "%.2f\u00d7", r.<Double>getAs("cost_ratio_vs_xx_en"))))).toList());
  }

  private void drawOffTarget(AnalysisPage page, ReportFiles files, List<String> written, String baseline,
      List<String> ids) {
    List<Row> rows = warehouse.read(Tables.ANALYSIS_OFF_TARGET).where(col("system_id").isin(ids.toArray()))
        .orderBy("dataset", "split", "src_lang", "tgt_lang", "system_id").collectAsList();
    page.heading(3, "Off-target rates");
    if (rows.isEmpty()) {
      page.note("No translations rows for these systems.");
      return;
    }
    page.note("Share of outputs detected in another language than the target, among the outputs that got a verdict"
        + " (translate checks its outputs; imported ones are checked on import).");
    List<ScoreBar> bars = new ArrayList<>();
    List<List<AnalysisPage.Cell>> table = new ArrayList<>();
    for (Row r : rows) {
      Double rate = r.getAs("rate");
      String pair = r.getAs("src_lang") + "-" + r.getAs("tgt_lang");
      if (rate != null) {
        bars.add(new ScoreBar(r.getAs("system_id"), pair, 100 * rate, null, null));
      }
      table.add(List.of(AnalysisPage.Cell.of(r.getAs("system_id")), AnalysisPage.Cell.of(r.getAs("dataset") + "/" + r.getAs("split")),
          AnalysisPage.Cell.of(pair), AnalysisPage.Cell.of(rate == null ? "" : String.format(Locale.ROOT, "%.1f%%", 100 * rate)),
          AnalysisPage.Cell.of(r.getAs("off_target").toString()), AnalysisPage.Cell.of(r.getAs("checked").toString()),
          AnalysisPage.Cell.of(r.getAs("segments").toString()), AnalysisPage.Cell.of(r.getAs("top_wrong_lang"))));
    }
    if (!bars.isEmpty()) {
      String title = "Off-target outputs (%) by language pair";
      String file = "analysis-" + ScoreReportJob.fileName(baseline) + "-off-target.png";
      files.write(file, new ScoreChart(title, "off-target %", bars).png());
      written.add(file);
      page.images(List.<String[]>of(new String[] {file, title}));
    }
    page.table(List.of("system", "test set", "pair", "off-target", "off-target outputs", "checked", "segments",
        "most detected instead"), table);
  }

  private static int compare(List<String> a, List<String> b) {
    return String.join("\u0000", a).compareTo(String.join("\u0000", b));
  }
}
