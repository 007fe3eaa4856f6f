package dev.mtforge.cli;

import dev.mtforge.jobs.evaluate.EvaluateTranslationsJob;
import dev.mtforge.jobs.warehouse.Warehouse;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mtforge evaluate}: scores the translations table into segment_scores and system_scores. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = "Score the translations table against parallel_sentences with sacreBLEU-exact"
        + " metrics and COMET (an exported package, on executors); write segment_scores and"
        + " system_scores (per pair, direction, language group, resource level and overall). Safe to run again.")
public final class EvaluateCommand implements Callable<Integer> {
  @Mixin SparkOptions sparkOptions;
  @Mixin RegistryOptions registryOptions;
  @Spec CommandSpec spec;

  @Option(names = "--metrics", paramLabel = "<list>", defaultValue = EvaluateTranslationsJob.METRICS_DEFAULT,
      description = "Comma-separated: bleu, chrf, chrf++, ter, spbleu, comet, cometkiwi (default: ${DEFAULT-VALUE}).")
  String metrics;

  @Option(names = "--comet-model", paramLabel = "<pkg>",
      description = "COMET package (deploy/export/export_comet.py; local or s3a://) for comet, and for cometkiwi"
          + " unless --cometkiwi-model is given.")
  String cometModel;

  @Option(names = "--cometkiwi-model", paramLabel = "<pkg>",
      description = "Reference-free COMET package for cometkiwi, when comet uses another one.")
  String cometkiwiModel;

  @Option(names = "--comet-batch-tokens", paramLabel = "<n>", defaultValue = EvaluateTranslationsJob.COMET_BATCH_TOKENS_DEFAULT,
      description = "Padded tokens per COMET encoder batch (default: ${DEFAULT-VALUE}).")
  int cometBatchTokens;

  @Option(names = "--comet-threads", paramLabel = "<n>", defaultValue = EvaluateTranslationsJob.COMET_THREADS_DEFAULT,
      description = "ONNX Runtime threads per task for COMET; 0 = all cores (default: ${DEFAULT-VALUE}).")
  int cometThreads;

  @Option(names = "--tokenizer", paramLabel = "<tok>", defaultValue = EvaluateTranslationsJob.TOKENIZER_DEFAULT,
      description = "BLEU tokenizer; auto = zh for Chinese, ja-mecab for Japanese, else 13a (default: ${DEFAULT-VALUE}).")
  String tokenizer;

  @Option(names = "--lowercase", description = "Case-insensitive BLEU and chrF.")
  boolean lowercase;

  @Option(names = "--spm-model", paramLabel = "<path>",
      description = "flores200 SentencePiece model for spbleu (readable on every executor).")
  String spmModel;

  @Option(names = "--systems", paramLabel = "<ids>", description = "Comma-separated system ids (default: all).")
  String systems;

  @Option(names = "--confidence", negatable = true, defaultValue = EvaluateTranslationsJob.CONFIDENCE_DEFAULT,
      fallbackValue = "true",
      description = "Bootstrap 95%% confidence intervals for pair scores, as sacrebleu -ci (default: on; --no-confidence skips them).")
  boolean confidence;

  @Option(names = "--confidence-n", paramLabel = "<n>", defaultValue = EvaluateTranslationsJob.CONFIDENCE_N_DEFAULT,
      description = "Bootstrap resamples per pair and metric (default: ${DEFAULT-VALUE}).")
  int confidenceN;

  @Option(names = "--seed", paramLabel = "<n>", defaultValue = EvaluateTranslationsJob.SEED_DEFAULT,
      description = "Seed of the resampling, as sacreBLEU's SACREBLEU_SEED (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--partitions", paramLabel = "<n>", defaultValue = EvaluateTranslationsJob.PARTITIONS_DEFAULT,
      description = "Partitions to score in; 0 keeps the input's (default: ${DEFAULT-VALUE}).")
  int partitions;

  public static void main(String[] args) {
    System.exit(MtforgeCli.run(new EvaluateCommand(), args));
  }

  @Override
  public Integer call() {
    SparkSession spark = sparkOptions.session("evaluate");
    Warehouse warehouse = sparkOptions.openWarehouse(spark);
    EvaluateTranslationsJob job =
        new EvaluateTranslationsJob(warehouse, registryOptions.registry(), sparkOptions.run())
            .option(EvaluateTranslationsJob.METRICS, metrics)
            .option(EvaluateTranslationsJob.TOKENIZER, tokenizer)
            .option(EvaluateTranslationsJob.LOWERCASE, Boolean.toString(lowercase))
            .option(EvaluateTranslationsJob.PARTITIONS, Integer.toString(partitions))
            .option(EvaluateTranslationsJob.CONFIDENCE, Boolean.toString(confidence))
            .option(EvaluateTranslationsJob.CONFIDENCE_N, Integer.toString(confidenceN))
            .option(EvaluateTranslationsJob.SEED, Long.toString(seed))
            .option(EvaluateTranslationsJob.COMET_BATCH_TOKENS, Integer.toString(cometBatchTokens))
            .option(EvaluateTranslationsJob.COMET_THREADS, Integer.toString(cometThreads));
    if (cometModel != null) {
      job.option(EvaluateTranslationsJob.COMET_MODEL, cometModel);
    }
    if (cometkiwiModel != null) {
      job.option(EvaluateTranslationsJob.COMETKIWI_MODEL, cometkiwiModel);
    }
    if (spmModel != null) {
      job.option(EvaluateTranslationsJob.SPM_MODEL, spmModel);
    }
    if (systems != null) {
      job.option(EvaluateTranslationsJob.SYSTEMS, systems);
    }
    EvaluateTranslationsJob.Result result = job.execute();
    PrintWriter out = spec.commandLine().getOut();
    out.printf("%-16s %-12s %-7s %-9s %10s %8s%n", "system", "dataset", "pair", "metric", "score", "segments");
    for (EvaluateTranslationsJob.PairScore p : result.pairs()) {
      // COMET prints its scores with 4 decimals (0.8654), sacreBLEU's are on a 0-100 scale
      String format = p.metric().equals("COMET") || p.metric().equals("CometKiwi") ? "%10.4f" : "%10.2f";
      out.printf("%-16s %-12s %-7s %-9s " + format + " %8d%n", p.systemId(), p.dataset() + "/" + p.split(),
          p.srcLang() + "-" + p.tgtLang(), p.metric(), p.score(), p.segments());
    }
    out.printf("%d segment scores, %d system_scores rows written to %s%n", result.segmentScores(),
        result.systemScores(), warehouse.location());
    if (result.comet() != null) {
      EvaluateTranslationsJob.CometStats c = result.comet();
      out.printf(java.util.Locale.ROOT, "COMET: %d encoder passes for %d scores (%d without shared encodings, %.0f%% saved),"
          + " padding waste %.1f%%%n", c.encoded(), c.segmentScores(), c.unsharedPasses(), 100 * c.sharingSaving(),
          100 * c.paddingWaste());
    }
    out.flush();
    return 0;
  }
}
