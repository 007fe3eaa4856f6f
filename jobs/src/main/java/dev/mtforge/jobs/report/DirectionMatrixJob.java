package dev.mtforge.jobs.report;

import static org.apache.spark.sql.functions.col;

import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.schemas.InvalidOptionException;
import dev.mtforge.schemas.languages.Language;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.schemas.tables.Tables;
import java.io.IOException;
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
 * {@code report --matrix}: for every system, test set and metric of {@code system_scores}, a
 * source × target heatmap of the pair scores ({@link HeatmapImage}) and {@code matrix.html} with
 * the matrices' numbers and LLaMAX's X→all / all→X summary per language and resource level
 * ({@link DirectionMatrix}). Written next to the bar-chart report (local or s3a://); a re-run
 * replaces the files.
 *
 * <pre>{@code
 * new DirectionMatrixJob(warehouse, registry).option(DirectionMatrixJob.SYSTEMS, "tiny-llama-none").execute();
 * }</pre>
 */
public final class DirectionMatrixJob {
  private static final Logger LOG = LoggerFactory.getLogger(DirectionMatrixJob.class);

  /** Output folder; default {@code <warehouse>/reports} (the same key as {@link ScoreReportJob}). */
  public static final String OUTPUT = ScoreReportJob.OUTPUT;
  /** Comma-separated system ids to draw; default all. */
  public static final String SYSTEMS = ScoreReportJob.SYSTEMS;
  /** The page's file name in the output folder. */
  public static final String PAGE = "matrix.html";

  private static final Set<String> VALID_OPTIONS = Set.of(OUTPUT, SYSTEMS);

  private final Warehouse warehouse;
  private final LanguageRegistry registry;
  private final Map<String, String> options = new LinkedHashMap<>();

  public DirectionMatrixJob(Warehouse warehouse, LanguageRegistry registry) {
    this.warehouse = Objects.requireNonNull(warehouse, "warehouse");
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** Sets an option; unknown keys are rejected when the job executes. */
  public DirectionMatrixJob option(String key, String value) {
    if (value != null) {
      options.put(key, value);
    }
    return this;
  }

  /**
   * What the run wrote.
   *
   * @param output the report folder
   * @param files the files written, relative to the folder, {@link #PAGE} last
   * @param matrices (system, test set, metric) matrices drawn
   */
  public record Result(String output, List<String> files, int matrices) {}

  public Result execute() {
    for (String key : options.keySet()) {
      if (!VALID_OPTIONS.contains(key)) {
        throw new InvalidOptionException(
            "Unknown option '" + key + "' for report --matrix; known: " + new TreeSet<>(VALID_OPTIONS));
      }
    }
    String output = options.getOrDefault(OUTPUT, warehouse.location() + "/reports");
    Dataset<Row> scores = warehouse.read(Tables.SYSTEM_SCORES).where(col("scope").equalTo("pair"));
    String systems = options.getOrDefault(SYSTEMS, "");
    if (!systems.isBlank()) {
      scores = scores.where(col("system_id").isin((Object[]) systems.split(",")));
    }
    List<Row> rows = scores.select("system_id", "dataset", "split", "metric", "src_lang", "tgt_lang", "score")
        .collectAsList();
    if (rows.isEmpty()) {
      throw new InvalidInputException("Table system_scores has no pair scores"
          + (systems.isBlank() ? "" : " for systems " + systems) + "; run evaluate first");
    }
    // (test set, metric, system) -> cells, sorted so that file names and the page are reproducible
    Map<String, List<DirectionMatrix.Cell>> groups = new TreeMap<>();
    for (Row r : rows) {
      String key = r.getString(1) + "/" + r.getString(2) + "|" + r.getString(3) + "|" + r.getString(0);
      groups.computeIfAbsent(key, k -> new ArrayList<>())
          .add(new DirectionMatrix.Cell(r.getString(4), r.getString(5), r.getDouble(6)));
    }
    FileSystem fs = fileSystem(output);
    MatrixPage page = new MatrixPage();
    List<String> files = new ArrayList<>();
    for (Map.Entry<String, List<DirectionMatrix.Cell>> g : groups.entrySet()) {
      String[] parts = g.getKey().split("\\|");
      DirectionMatrix matrix = DirectionMatrix.of(g.getValue(),
          code -> registry.find(code).map(Language::resource).map(r -> r.label()).orElse("?"));
      String title = parts[1] + " on " + parts[0] + ", " + parts[2] + " (" + matrix.pairs() + " directions)";
      String file = ScoreReportJob.fileName("matrix-" + parts[0] + "-" + parts[1] + "-" + parts[2]) + ".png";
      ScoreReportJob.write(fs, new Path(output, file), new HeatmapImage(title, matrix).png());
      page.add(title, file, matrix);
      files.add(file);
    }
    ScoreReportJob.write(fs, new Path(output, PAGE),
        page.html("mtforge direction matrices").getBytes(StandardCharsets.UTF_8));
    files.add(PAGE);
    LOG.info("Wrote {} direction matrices of {} pair scores to {}/{}", groups.size(), rows.size(), output, PAGE);
    return new Result(output, files, groups.size());
  }

  private FileSystem fileSystem(String output) {
    try {
      return new Path(output).getFileSystem(warehouse.spark().sparkContext().hadoopConfiguration());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open report folder " + output, e);
    }
  }
}
