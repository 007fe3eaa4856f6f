package dev.mtforge.cli;

import dev.mtforge.jobs.analysis.AnalyzeSystemsJob;
import dev.mtforge.jobs.analysis.DeltaRow;
import dev.mtforge.jobs.config.JobConfig;
import dev.mtforge.jobs.warehouse.Warehouse;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mtforge analyze}: the paper's analysis of systems against a baseline. */
@Command(
    name = "analyze",
    mixinStandardHelpOptions = true,
    description = "Compare systems with a baseline as the paper does and write analysis_deltas (per"
        + " pair with sacreBLEU's paired bootstrap, and per direction, language group and resource"
        + " level: conflict < 0 < synergy), analysis_curves (mean score against training languages),"
        + " analysis_merge_cost (DAT vs DATM per merged parameter) and analysis_off_target. Needs"
        + " evaluate's scores. Safe to run again: it replaces its own rows.")
public final class AnalyzeCommand implements Callable<Integer> {
  @Mixin SparkOptions sparkOptions;
  @Mixin RegistryOptions registryOptions;
  @Spec CommandSpec spec;

  @Option(names = "--baseline", paramLabel = "<system>",
      description = "The system to compare with, e.g. the separate-training one (analysis.baseline).")
  String baseline;

  @Option(names = "--systems", paramLabel = "<ids>",
      description = "Comma-separated systems to compare with the baseline (analysis.systems).")
  String systems;

  @Option(names = "--metrics", paramLabel = "<list>",
      description = "Comma-separated metrics of system_scores, e.g. comet,bleu,chrf++ (analysis.metrics)."
          + " Default: every metric the systems were scored with.")
  String metrics;

  @Option(names = "--samples", paramLabel = "<n>",
      description = "Paired bootstrap resamples, as sacrebleu --paired-bs-n (analysis.samples). Default: 1000.")
  String samples;

  @Option(names = "--seed", paramLabel = "<n>",
      description = "Seed of the resampling, as SACREBLEU_SEED (analysis.seed). Default: 12345.")
  String seed;

  @Option(names = "--alpha", paramLabel = "<p>",
      description = "Significance threshold: a pair is significant when p <= alpha (analysis.alpha). Default: 0.05.")
  String alpha;

  public static void main(String[] args) {
    System.exit(MtforgeCli.run(new AnalyzeCommand(), args));
  }

  @Override
  public Integer call() {
    SparkSession spark = sparkOptions.session("analyze");
    JobConfig config = sparkOptions.jobConfig(spark.sparkContext().getConf());
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put(AnalyzeSystemsJob.BASELINE, baseline);
    flags.put(AnalyzeSystemsJob.SYSTEMS, systems);
    flags.put(AnalyzeSystemsJob.METRICS, metrics);
    flags.put(AnalyzeSystemsJob.SAMPLES, samples);
    flags.put(AnalyzeSystemsJob.SEED, seed);
    flags.put(AnalyzeSystemsJob.ALPHA, alpha);
    Warehouse warehouse = sparkOptions.openWarehouse(spark);
    AnalyzeSystemsJob job = new AnalyzeSystemsJob(warehouse, registryOptions.registry(), sparkOptions.run());
    flags.forEach((key, flag) -> job.option(key, flag != null ? flag : config.get(key).orElse(null)));
    AnalyzeSystemsJob.Result r = job.execute();
    PrintWriter out = spec.commandLine().getOut();
    print(out, r);
    out.printf("Rows written (inserted, changed or deleted): %s in %s%n", r.rowsWritten(), warehouse.location());
    out.flush();
    return 0;
  }

  /** The direction summary: mean delta with significant wins and losses over the pairs. */
  static void print(PrintWriter out, AnalyzeSystemsJob.Result r) {
    if (!r.backfilled().isEmpty()) {
      out.println("Back-filled systems rows from translations: " + String.join(", ", r.backfilled()));
    }
    out.printf("%d pair comparisons against %s on %s%s%n", r.pairs(), r.baselineId(), String.join(", ", r.metrics()),
        r.skipped().isEmpty() ? "" : " (" + r.skipped().size() + " pairs skipped: no baseline scores)");
    out.printf("%-20s %-18s %-9s %-6s %9s %5s %5s %6s  %s%n", "system", "test set", "metric", "dir", "delta", "pairs",
        "wins", "losses", "reading");
    for (DeltaRow d : r.summary()) {
      out.printf(java.util.Locale.ROOT, "%-20s %-18s %-9s %-6s %9s %5d %5d %6d  %s%n", d.systemId(),
          d.dataset() + "/" + d.split(), d.metric(), d.direction(), d.formattedDelta(), d.pairs(), d.wins(), d.losses(),
          d.reading());
    }
  }
}
