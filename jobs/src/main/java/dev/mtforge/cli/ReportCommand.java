package dev.mtforge.cli;

import dev.mtforge.jobs.config.JobConfig;
import dev.mtforge.jobs.report.AnalysisReportJob;
import dev.mtforge.jobs.report.DirectionMatrixJob;
import dev.mtforge.jobs.report.ScoreReportJob;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.tables.Tables;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mtforge report}: charts of system_scores with an offline HTML page. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = "Draw system_scores as PNG bar charts (per test set and metric: language pairs,"
        + " and language-group means per direction) with an offline index.html of the charts and"
        + " their numbers; when analyze has run, also analysis.html (deltas heatmaps, group and"
        + " resource bars, curves, DAT vs DATM, off-target); with --matrix, a source x target heatmap per"
        + " system, test set and metric with LLaMAX's X->all / all->X averages (matrix.html) instead."
        + " Safe to run again: the files are replaced.")
public final class ReportCommand implements Callable<Integer> {
  @Mixin SparkOptions sparkOptions;
  @Mixin RegistryOptions registryOptions;
  @Spec CommandSpec spec;

  @Option(names = "--out", paramLabel = "<folder>",
      description = "Report folder, local or s3a:// (report.output). Default: <warehouse>/reports.")
  String output;

  @Option(names = "--systems", paramLabel = "<ids>",
      description = "Comma-separated system ids (report.systems). Default: all.")
  String systems;

  @Option(names = "--baseline", paramLabel = "<system>",
      description = "Draw only the analysis against this baseline (report.baseline). Default: every analysis.")
  String baseline;

  @Option(names = "--matrix",
      description = "Draw the direction matrices (heatmaps and matrix.html) instead of the bar charts.")
  boolean matrix;

  public static void main(String[] args) {
    System.exit(MtforgeCli.run(new ReportCommand(), args));
  }

  @Override
  public Integer call() {
    SparkSession spark = sparkOptions.session("report");
    JobConfig config = sparkOptions.jobConfig(spark.sparkContext().getConf());
    Warehouse warehouse = sparkOptions.openWarehouse(spark);
    PrintWriter out = spec.commandLine().getOut();
    if (matrix) {
      DirectionMatrixJob.Result result = new DirectionMatrixJob(warehouse, registryOptions.registry())
          .option(DirectionMatrixJob.OUTPUT, output != null ? output : config.get(DirectionMatrixJob.OUTPUT).orElse(null))
          .option(DirectionMatrixJob.SYSTEMS, systems != null ? systems : config.get(DirectionMatrixJob.SYSTEMS).orElse(null))
          .execute();
      out.printf("Wrote %d direction matrices and %s to %s%n", result.matrices(), DirectionMatrixJob.PAGE,
          result.output());
      out.flush();
      return 0;
    }
    ScoreReportJob.Result result = new ScoreReportJob(warehouse)
        .option(ScoreReportJob.OUTPUT, output != null ? output : config.get(ScoreReportJob.OUTPUT).orElse(null))
        .option(ScoreReportJob.SYSTEMS, systems != null ? systems : config.get(ScoreReportJob.SYSTEMS).orElse(null))
        .execute();
    out.printf("Wrote %d charts and index.html to %s%n", result.files().size() - 1, result.output());
    if (warehouse.exists(Tables.ANALYSIS_DELTAS.name()) && !warehouse.read(Tables.ANALYSIS_DELTAS).isEmpty()) {
      AnalysisReportJob.Result analysis = new AnalysisReportJob(warehouse, registryOptions.registry())
          .option(AnalysisReportJob.OUTPUT, result.output())
          .option(AnalysisReportJob.SYSTEMS, systems != null ? systems : config.get(ScoreReportJob.SYSTEMS).orElse(null))
          .option(AnalysisReportJob.BASELINE, baseline != null ? baseline : config.get(AnalysisReportJob.BASELINE).orElse(null))
          .execute();
      out.printf("Wrote the analysis against %s (%d charts) to %s/%s%n", String.join(", ", analysis.baselines()),
          analysis.files().size() - 1, analysis.output(), AnalysisReportJob.PAGE);
    }
    out.flush();
    return 0;
  }
}
