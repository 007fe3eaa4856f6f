package dev.mtforge.jobs.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.schemas.InvalidOptionException;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.testing.SparkTestSession;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.jfree.data.category.DefaultCategoryDataset;
import org.junit.jupiter.api.Test;

/** The report job on system_scores rows written by the test: files, chart data, page, errors. */
class ScoreReportJobTest {
  private final SparkSession spark = SparkTestSession.get();

  private static Row score(String system, String scope, String src, String tgt, String direction,
      Integer group, String metric, double score, Double low, Double high) {
    return RowFactory.create(system, "flores200", "devtest", scope, src, tgt, direction, group, null,
        null, metric, "sig", score, 10L, null, low, high);
  }

  private Warehouse warehouseWithScores(String name) {
    Warehouse warehouse = Warehouse.open(spark, SparkTestSession.newFolder(name).toString(), name);
    List<Row> rows = List.of(
        score("base", "pair", "de", "en", "xx-en", 1, "BLEU", 20.5, null, null),
        score("base", "pair", "en", "de", "en-xx", 1, "BLEU", 15.25, null, null),
        score("datm", "pair", "de", "en", "xx-en", 1, "BLEU", 22.0, 20.0, 24.0),
        score("base", "pair", "de", "en", "xx-en", 1, "chrF2++", 45.0, null, null),
        score("base", "group", null, null, "xx-en", 1, "BLEU", 20.5, null, null),
        score("base", "all", null, null, null, null, "BLEU", 17.9, null, null));
    var frame = spark.createDataFrame(rows, Tables.SYSTEM_SCORES.dataSchema());
    warehouse.insertNew(Tables.SYSTEM_SCORES, RunContext.start("report-test").stamp(frame, "test"));
    return warehouse;
  }

  @Test
  void drawsOneChartPerTestSetMetricAndScopeWithAnIndexPage() throws IOException {
    Warehouse warehouse = warehouseWithScores("report_test");
    Path out = SparkTestSession.newFolder("report-out");

    ScoreReportJob.Result result = new ScoreReportJob(warehouse).option(ScoreReportJob.OUTPUT, out.toString()).execute();

    // the 'all' scope is a single number per system and metric: no chart
    assertThat(result.files()).containsExactly("flores200_devtest-BLEU-group.png",
        "flores200_devtest-BLEU-pair.png", "flores200_devtest-chrF2pp-pair.png", "index.html");
    BufferedImage image = ImageIO.read(out.resolve("flores200_devtest-BLEU-pair.png").toFile());
    assertThat(image.getWidth()).isEqualTo(640);
    assertThat(image.getHeight()).isEqualTo(480);
    String page = Files.readString(out.resolve("index.html"));
    assertThat(page)
        .contains("<h2>BLEU on flores200/devtest by language pair</h2>")
        .contains("<img src=\"flores200_devtest-BLEU-pair.png\"")
        .contains("<tr><td>base</td><td>20.50</td><td>15.25</td></tr>")
        .contains("<tr><td>datm</td><td>22.00 [20.00, 24.00]</td><td></td></tr>")
        .contains("<th>xx-en g1</th>")
        .doesNotContain("17.90");
    try (var files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(f -> f.endsWith(".tmp"));
    }

    // a re-run replaces the files; a system filter narrows them
    ScoreReportJob.Result datmOnly = new ScoreReportJob(warehouse).option(ScoreReportJob.OUTPUT, out.toString())
        .option(ScoreReportJob.SYSTEMS, "datm").execute();
    assertThat(datmOnly.files()).containsExactly("flores200_devtest-BLEU-pair.png", "index.html");
    assertThat(Files.readString(out.resolve("index.html"))).doesNotContain("<td>base</td>");
  }

  @Test
  void chartDataHasSystemsAsSeriesAndCategoriesInOrder() {
    ScoreChart chart = new ScoreChart("t", "BLEU", List.of(
        new ScoreBar("sys-b", "en-de", 2, null, null),
        new ScoreBar("sys-a", "de-en", 1, null, null),
        new ScoreBar("sys-a", "en-de", 3, null, null)));
    DefaultCategoryDataset data = chart.dataset();
    assertThat(data.getRowKeys()).containsExactly("sys-a", "sys-b");
    assertThat(data.getColumnKeys()).containsExactly("de-en", "en-de");
    assertThat(data.getValue("sys-a", "en-de")).isEqualTo(3.0);
    assertThat(data.getValue("sys-b", "de-en")).isNull();
    assertThat(chart.png()).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
  }

  @Test
  void cometScoresKeepFourDecimals() {
    String html = new ReportPage("t")
        .add("COMET on flores/devtest", "c.png", List.of(new ScoreBar("sys-a", "de-en", 0.86543, 0.85012, 0.87999)),
            ReportPage.decimals("COMET"))
        .html();
    assertThat(html).contains("<td>0.8654 [0.8501, 0.8800]</td>");
    assertThat(ReportPage.decimals("CometKiwi")).isEqualTo(4);
    assertThat(ReportPage.decimals("chrF2++")).isEqualTo(2);
  }

  @Test
  void escapesHtml() {
    assertThat(ReportPage.escape("a<b>&\"c\"")).isEqualTo("a&lt;b&gt;&amp;&quot;c&quot;");
    assertThat(ScoreReportJob.fileName("wmt23/test-chrF2++ x")).isEqualTo("wmt23_test-chrF2pp_x");
  }

  @Test
  void emptyScoresAndUnknownOptionsAreRefused() {
    Warehouse empty = Warehouse.open(spark, SparkTestSession.newFolder("report-empty").toString(), "report_empty");
    assertThatThrownBy(() -> new ScoreReportJob(empty).execute())
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Table system_scores has no pair or group scores; run evaluate first");
    assertThatThrownBy(() -> new ScoreReportJob(empty).option("report.outptu", "x").execute())
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageStartingWith("Unknown option 'report.outptu' for report; known: ");
  }
}
