package dev.mtforge.jobs.report;

import static dev.mtforge.jobs.analysis.AnalysisFixtures.REGISTRY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.jobs.analysis.AnalysisFixtures;
import dev.mtforge.jobs.analysis.AnalyzeSystemsJob;
import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.schemas.InvalidOptionException;
import dev.mtforge.schemas.languages.Language;
import dev.mtforge.schemas.tables.SystemStrategy;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.testing.HeadlessChromium;
import dev.mtforge.testing.SparkTestSession;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/**
 * The analysis page of a synthetic study rendered in headless Chromium: separate training as the
 * baseline, multilingual training (conflict on xx-en, synergy on en-xx, worst for low-resource
 * languages), DAT and DATM (xx-en adapters merged per group, with real adapter files for the
 * parameter counts) on 16 languages of the 8 groups; every image must load and the console must
 * stay clean. The screenshot is kept in target/ ({@code -Dmtforge.docs.screenshot=true} also
 * writes docs/images/analysis-report.png, the README's).
 */
class AnalysisReportBrowserTest {
  static final List<String> LANGUAGES =
      List.of("de", "is", "es", "gl", "ru", "mk", "fr", "mg", "cs", "pl", "zh", "ka", "hi", "ne", "tr", "kk");
  private static final Path ADAPTERS = SparkTestSession.repoRoot().resolve("sample-data/adapters/xx-en");

  /** Writes the synthetic study and analyzes it; returns the warehouse. */
  static Warehouse study(String name) {
    AnalysisFixtures f = AnalysisFixtures.create(name);
    Random random = new Random(7);
    Map<String, String> dat = new TreeMap<>();
    Map<String, String> datm = new TreeMap<>();
    for (String lang : LANGUAGES) {
      Language language = REGISTRY.language(lang);
      int group = language.groups().first();
      String resource = language.resource().label();
      double base = (resource.equals("High") ? 0.865 : resource.equals("Mid") ? 0.85 : 0.82) + 0.01 * random.nextGaussian();
      double conflict = resource.equals("Low") ? -0.09 : resource.equals("Mid") ? -0.06 : -0.04;
      for (boolean toEnglish : new boolean[] {true, false}) {
        String src = toEnglish ? lang : "en";
        String tgt = toEnglish ? "en" : lang;
        double multilingual = toEnglish ? conflict + 0.01 * random.nextGaussian() : 0.012 + 0.008 * random.nextGaussian();
        double directionAware = toEnglish ? -0.003 * random.nextDouble() : 0.015 + 0.005 * random.nextGaussian();
        double merged = toEnglish ? directionAware - 0.004 - 0.004 * random.nextDouble() : directionAware;
        f.scores("x-separate", src, tgt, segments(base, 0, random))
            .scores("x-multilingual", src, tgt, segments(base, multilingual, random))
            .scores("x-dat", src, tgt, segments(base, directionAware, random))
            .scores("x-datm", src, tgt, segments(base, merged, random));
        dat.put(src + "-" + tgt, toEnglish ? "dat-" + lang + "-en" : "dat-en-g" + group);
        datm.put(src + "-" + tgt, toEnglish ? "datm-g" + group : "dat-en-g" + group);
      }
      Boolean[] off = new Boolean[10];
      String[] detected = new String[10];
      for (int i = 0; i < off.length; i++) {
        off[i] = random.nextDouble() < (resource.equals("Low") ? 0.3 : 0.05);
        detected[i] = off[i] ? "en" : lang;
      }
      f.translations("x-multilingual", "en", lang, off, detected);
    }
    f.system("x-separate", SystemStrategy.SEPARATE, "x-alma-13b", LANGUAGES, Map.of())
        .system("x-multilingual", SystemStrategy.MULTILINGUAL, "x-alma-13b", LANGUAGES, Map.of())
        .system("x-dat", SystemStrategy.DAT, "x-alma-13b", LANGUAGES, dat)
        .system("x-datm", SystemStrategy.DATM, "x-alma-13b", LANGUAGES, datm)
        .write();
    List<Row> merges = new ArrayList<>();
    String[] files = {"de", "es", "it", "nl", "pt", "sv"};
    for (int g = 1; g <= 8; g++) {
      List<Row> inputs = new ArrayList<>();
      for (String lang : LANGUAGES) {
        if (REGISTRY.language(lang).groups().first() == g) {
          inputs.add(RowFactory.create("dat-" + lang + "-en", ADAPTERS.resolve(files[inputs.size() + g % 4]).toString(),
              null, 1.0));
        }
      }
      merges.add(RowFactory.create("m-g" + g, "datm-g" + g, "xx-en", g, "ties", null, null, inputs,
          ADAPTERS.resolve("de").toString(), null));
    }
    Warehouse warehouse = f.warehouse();
    warehouse.insertNew(Tables.MERGES, RunContext.start("fixture")
        .stamp(warehouse.spark().createDataFrame(merges, Tables.MERGES.dataSchema()), "fixture"));
    new AnalyzeSystemsJob(warehouse, REGISTRY, RunContext.start("analysis"))
        .option(AnalyzeSystemsJob.BASELINE, "x-separate")
        .option(AnalyzeSystemsJob.SYSTEMS, "x-multilingual,x-dat,x-datm")
        .execute();
    return warehouse;
  }

  private static double[] segments(double mean, double delta, Random random) {
    double[] out = new double[AnalysisFixtures.SEGMENTS];
    for (int i = 0; i < out.length; i++) {
      out[i] = mean + delta + 0.04 * random.nextGaussian();
    }
    return out;
  }

  @Test
  void theAnalysisPageRendersInChromiumWithEveryImageAndNoConsoleError() throws IOException {
    Warehouse warehouse = study("report-browser");
    Path out = SparkTestSession.newFolder("analysis-report");
    new ScoreReportJob(warehouse).option(ScoreReportJob.OUTPUT, out.toString()).execute();
    AnalysisReportJob.Result result =
        new AnalysisReportJob(warehouse, REGISTRY).option(AnalysisReportJob.OUTPUT, out.toString()).execute();
    assertThat(result.baselines()).containsExactly("x-separate");
    List<String> charts = result.files().stream().filter(f -> f.endsWith(".png")).toList();
    // per system a heatmap, group and resource bars; the curve; the off-target bars
    assertThat(charts).hasSize(3 * 3 + 1 + 1);

    String html = Files.readString(out.resolve("analysis.html"));
    assertThat(html)
        .contains("<h2>Against baseline x-separate</h2>")
        .contains("<h3>comet on flores200/devtest</h3>")
        .contains("<th>g1 xx\u2192en</th>")
        .contains("<h3>DAT against DATM: the cost of merging</h3>")
        .contains("<td>x-datm</td><td>x-dat</td><td>flores200/devtest</td><td>comet</td><td>xx-en</td><td>all</td><td>16</td>")
        .contains("<details><summary>Pair deltas (comet, flores200/devtest)</summary>")
        .doesNotContain("<script")
        .doesNotContain("http://").doesNotContain("https://");
    // the best system of a column is bold: x-separate on xx-en (conflict elsewhere), a direction-aware one on en-xx
    assertThat(html).containsPattern("<tr><td>x-separate</td>(<td>(<b>)?[0-9.]+(</b>)?</td>)*<td><b>[0-9.]+</b></td>");

    HeadlessChromium.PageCheck page = HeadlessChromium.check(out.resolve("analysis.html"), 1280, 2400);
    assertThat(page.problems()).isEmpty();
    assertThat(page.title()).isEqualTo("mtforge analysis");
    assertThat(page.images()).extracting(HeadlessChromium.Image::src).containsExactlyInAnyOrderElementsOf(charts);
    assertThat(page.images()).allMatch(HeadlessChromium.Image::loaded);
    Path shot = SparkTestSession.repoRoot().resolve("jobs/target/analysis-report.png");
    Files.write(shot, page.screenshot());
    if (Boolean.getBoolean("mtforge.docs.screenshot")) {
      Files.copy(shot, SparkTestSession.repoRoot().resolve("docs/images/analysis-report.png"),
          StandardCopyOption.REPLACE_EXISTING);
    }

    HeadlessChromium.PageCheck index = HeadlessChromium.check(out.resolve("index.html"), 1280, 800);
    assertThat(index.problems()).isEmpty();
    assertThat(index.images()).isNotEmpty().allMatch(HeadlessChromium.Image::loaded);
  }

  @Test
  void theReadmeScreenshotIsAPng() throws IOException {
    byte[] png = Files.readAllBytes(SparkTestSession.repoRoot().resolve("docs/images/analysis-report.png"));
    assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    assertThat(Files.readString(SparkTestSession.repoRoot().resolve("README.md")))
        .contains("(docs/images/analysis-report.png)");
  }

  @Test
  void withoutAnalysisRowsThePageIsRefused() {
    Warehouse empty = AnalysisFixtures.create("report-no-analysis").warehouse();
    assertThatThrownBy(() -> new AnalysisReportJob(empty, REGISTRY).option(AnalysisReportJob.BASELINE, "b").execute())
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Table analysis_deltas has no rows for baseline b; run analyze first");
    assertThatThrownBy(() -> new AnalysisReportJob(empty, REGISTRY).option("report.baseln", "b"))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("Unknown option 'report.baseln' for the analysis report; known: [report.baseline, report.output,"
            + " report.systems]");
  }

  @Test
  void theHeatmapScaleDivergesFromWhiteAtZero() {
    DeltaHeatmap.Diverging scale = new DeltaHeatmap.Diverging(0.1);
    assertThat(scale.getPaint(0)).isEqualTo(Color.WHITE);
    assertThat(scale.getPaint(-0.1)).isEqualTo(new Color(0xb2, 0x18, 0x2b));
    assertThat(scale.getPaint(0.5)).isEqualTo(new Color(0x21, 0x66, 0xac)); // clamped
    assertThat(scale.getPaint(0.05)).isEqualTo(new Color(144, 179, 214));
    DeltaHeatmap map = new DeltaHeatmap("t", List.of("de (g1)", "fr (g4)"), List.of("xx-en", "en-xx"),
        List.of(new DeltaHeatmap.Cell("de (g1)", "xx-en", -0.04, -0.04, true),
            new DeltaHeatmap.Cell("fr (g4)", "en-xx", 0.02, 0.02, false)));
    assertThat(map.scaleBound()).isEqualTo(0.04);
    assertThat(map.height()).isEqualTo(150 + 2 * 18);
    assertThat(map.png()).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
  }

  @Test
  void curvePointsBecomeOneSeriesPerDirection() {
    CurveChart chart = new CurveChart("t", "comet", List.of(new CurveChart.Point("xx-en", 50, 0.79, "multi-50"),
        new CurveChart.Point("xx-en", 5, 0.85, "multi-5"), new CurveChart.Point("en-xx", 5, 0.88, "multi-5")));
    var data = chart.dataset();
    assertThat(data.getSeriesCount()).isEqualTo(2);
    assertThat(data.getSeries("xx-en").getX(0)).isEqualTo(5.0);
    assertThat(data.getSeries("xx-en").getY(1)).isEqualTo(0.79);
    assertThat(chart.png()).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
  }

  @Test
  void deltaBarsKeepTheCategoryOrderWithXxEnFirst() {
    DeltaBars bars = new DeltaBars("t", "\u0394", List.of("High", "Mid", "Low"), List.of(
        new DeltaBars.Bar("en-xx", "Low", 0.01), new DeltaBars.Bar("xx-en", "High", -0.02),
        new DeltaBars.Bar("xx-en", "Low", -0.05)));
    var data = bars.dataset();
    assertThat(data.getRowKeys()).containsExactly("xx\u2192en", "en\u2192xx");
    assertThat(data.getColumnKeys()).containsExactly("High", "Low");
    assertThat(data.getValue("xx\u2192en", "Low")).isEqualTo(-0.05);
    assertThat(data.getValue("en\u2192xx", "High")).isNull();
    assertThat(bars.png()).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
  }
}
