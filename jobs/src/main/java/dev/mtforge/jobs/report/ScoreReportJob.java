package dev.mtforge.jobs.report;

import static org.apache.spark.sql.functions.col;

import dev.mtforge.jobs.progress.JobProgress;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.schemas.InvalidOptionException;
import dev.mtforge.schemas.tables.Tables;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Draws {@code system_scores} as a report folder: for every test set and metric, a bar chart of
 * the pair scores (one group per language pair, one bar per system) and one of the language-group
 * averages per direction, plus an {@code index.html} with the charts and their numbers.
 *
 * <p>The folder may be local or on any Hadoop file system (s3a). Re-running replaces the files.
 * {@code system_scores} holds aggregates (systems × pairs × metrics), so its rows are collected to
 * the driver; the segment-level tables are never read.
 *
 * <pre>{@code
 * new ScoreReportJob(warehouse).option(ScoreReportJob.SYSTEMS, "datm-1,dat-1").execute();
 * }</pre>
 */
public final class ScoreReportJob {
  private static final Logger LOG = LoggerFactory.getLogger(ScoreReportJob.class);

  /** Output folder; default {@code <warehouse>/reports}. */
  public static final String OUTPUT = "report.output";

  /** Comma-separated system ids to draw; default all. */
  public static final String SYSTEMS = "report.systems";

  private static final Set<String> VALID_OPTIONS = Set.of(OUTPUT, SYSTEMS);

  private final Warehouse warehouse;
  private final Map<String, String> options = new LinkedHashMap<>();

  public ScoreReportJob(Warehouse warehouse) {
    this.warehouse = Objects.requireNonNull(warehouse, "warehouse");
  }

  /** Sets an option; unknown keys are rejected when the job executes. */
  public ScoreReportJob option(String key, String value) {
    if (value != null) {
      options.put(key, value);
    }
    return this;
  }

  /**
   * What the run wrote.
   *
   * @param output the report folder
   * @param files the files written, relative to the folder, index.html last
   */
  public record Result(String output, List<String> files) {}

  public Result execute() {
    for (String key : options.keySet()) {
      if (!VALID_OPTIONS.contains(key)) {
        throw new InvalidOptionException(
            "Unknown option '" + key + "' for report; known: " + new TreeSet<>(VALID_OPTIONS));
      }
    }
    String output = options.getOrDefault(OUTPUT, warehouse.location() + "/reports");
    JobProgress.begin(warehouse.spark(), "report", "reading system_scores");
    Dataset<Row> scores = warehouse.read(Tables.SYSTEM_SCORES)
        .filter(col("scope").isin("pair", "group"));
    String systems = options.getOrDefault(SYSTEMS, "");
    if (!systems.isBlank()) {
      scores = scores.filter(col("system_id").isin((Object[]) systems.split(",")));
    }
    List<Row> rows = scores
        .select("system_id", "dataset", "split", "scope", "src_lang", "tgt_lang", "direction",
            "group_id", "metric", "score", "ci_low", "ci_high")
        .collectAsList();
    if (rows.isEmpty()) {
      throw new InvalidInputException("Table system_scores has no pair or group scores"
          + (systems.isBlank() ? "" : " for systems " + systems) + "; run evaluate first");
    }

    // (test set, metric, scope) -> bars, in a stable order so file names and pages are reproducible
    Map<String, List<ScoreBar>> charts = new TreeMap<>();
    for (Row row : rows) {
      String scope = row.getString(3);
      String category = scope.equals("pair")
          ? row.getString(4) + "-" + row.getString(5)
          : row.getString(6) + " g" + (row.isNullAt(7) ? "?" : row.getInt(7));
      String key = row.getString(1) + "/" + row.getString(2) + "|" + row.getString(8) + "|" + scope;
      charts.computeIfAbsent(key, k -> new ArrayList<>()).add(new ScoreBar(row.getString(0), category,
          row.getDouble(9), row.isNullAt(10) ? null : row.getDouble(10),
          row.isNullAt(11) ? null : row.getDouble(11)));
    }

    ReportPage page = new ReportPage("mtforge scores");
    List<String> files = new ArrayList<>();
    FileSystem fs = fileSystem(output);
    for (Map.Entry<String, List<ScoreBar>> chart : charts.entrySet()) {
      String[] parts = chart.getKey().split("\\|");
      String testSet = parts[0];
      String metric = parts[1];
      String scope = parts[2];
      String title = metric + " on " + testSet + (scope.equals("pair") ? " by language pair"
          : " by direction and language group (mean of pairs)");
      String file = fileName(testSet + "-" + metric + "-" + scope) + ".png";
      write(fs, new Path(output, file), new ScoreChart(title, metric, chart.getValue()).png());
      page.add(title, file, chart.getValue(), ReportPage.decimals(metric));
      files.add(file);
    }
    write(fs, new Path(output, "index.html"), page.html().getBytes(StandardCharsets.UTF_8));
    files.add("index.html");
    LOG.info("Wrote {} charts of {} scores to {}", charts.size(), rows.size(), output);
    return new Result(output, files);
  }

  /** A file name that is safe on every file system: letters, digits, '.', '-' and '_'. */
  static String fileName(String text) {
    return text.replace("+", "p").replaceAll("[^A-Za-z0-9.-]", "_");
  }

  private FileSystem fileSystem(String output) {
    try {
      return new Path(output).getFileSystem(warehouse.spark().sparkContext().hadoopConfiguration());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open report folder " + output, e);
    }
  }

  // Written under a temporary name and renamed, so a reader never sees half an image.
  static void write(FileSystem fs, Path target, byte[] bytes) {
    Path temporary = new Path(target.getParent(), "." + target.getName() + ".tmp");
    try {
      try (OutputStream out = fs.create(temporary, true)) {
        out.write(bytes);
      }
      fs.delete(target, false);
      if (!fs.rename(temporary, target)) {
        throw new IOException("rename to " + target + " failed");
      }
      LOG.info("Wrote report file {}", target);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + target, e);
    }
  }
}
